//! The store's bulk path, on both backends: multi-row inserts keep the counts exact, and a
//! taken email fails the whole call.

use crate::support::{run_cli, Backend, TestDb};
use roster_domain::{AccountId, Email, UserId, UserStatus, UserType};
use roster_store::users::{self, ListFilter, UserRecord};

fn user(account: &AccountId, i: usize) -> UserRecord {
    UserRecord {
        user_type: if i.is_multiple_of(3) {
            UserType::Licensed
        } else {
            UserType::Basic
        },
        first_name: format!("F{i}"),
        ..UserRecord::new(
            UserId::generate(),
            account.clone(),
            Email::parse(&format!("bulk{i:05}@acme.test")).unwrap(),
            2_000_000_000 + i as i64,
            time::OffsetDateTime::now_utc(),
        )
    }
}

async fn insert_many_keeps_counts(b: Backend) {
    let db = TestDb::new(b).await;
    let out = run_cli(
        &db,
        &[
            "account",
            "create",
            "--name",
            "Bulk",
            "--owner-email",
            "o@bulk.test",
            "--json",
        ],
    )
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let account = AccountId::parse(v["account_id"].as_str().unwrap()).unwrap();
    let store = db.open().await;
    let batch: Vec<UserRecord> = (0..1201).map(|i| user(&account, i)).collect();
    let mut tx = store.begin().await.unwrap();
    users::insert_many(&mut tx, &batch).await.unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.read().await.unwrap();
    let filter = ListFilter {
        account: &account,
        status: UserStatus::Active,
        role_id: None,
        groups: None,
        search: None,
        sort: Default::default(),
        cursor: None,
        offset: 0,
        limit: 10,
        attribute: None,
        user_type: None,
        group_id: None,
        dept: None,
    };
    assert_eq!(
        users::count(&mut conn, &filter).await.unwrap(),
        1202,
        "the owner and 1201"
    );
    let by_type = users::counts(&mut conn, &account).await.unwrap();
    let licensed = by_type
        .iter()
        .find(|c| c.user_type == UserType::Licensed)
        .unwrap()
        .n;
    assert_eq!(licensed, 401);
    let page = users::list(&mut conn, &filter).await.unwrap();
    assert_eq!(page[0].email.as_str(), "bulk00000@acme.test");
    drop(conn);

    // One taken email fails the whole call; nothing of it is stored.
    let mut again = vec![user(&account, 5000)];
    again.push(batch[7].clone());
    let mut tx = store.begin().await.unwrap();
    let err = users::insert_many(&mut tx, &again).await.unwrap_err();
    assert!(
        err.is_unique("users.email")
            || err.is_unique("users.id")
            || matches!(err, roster_store::Error::Unique(_)),
        "{err}"
    );
    drop(tx);
    assert_eq!(db.count("users").await, 1202);
    store.close().await;
}

both_backends!(insert_many_keeps_counts);
