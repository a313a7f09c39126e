//! The Users and Pending tabs, the edit form and what members may do: adding by
//! comma-separated emails, resend and delete, errors next to their field, landing pages; the
//! Users tab's sortable columns, keyset pages both ways, custom-attribute filter and counts.

use super::browser::Browser;
use super::{set_up, OWNER};
use crate::support::{spawn_app, Backend, Created, TestApp};
use serde_json::json;

async fn admins_add_users_see_them_pending_and_change_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let page = b.get("/users").await;
    let csrf = page.csrf();

    // A forged add changes nothing.
    let forged = b
        .post("/users/add", &[("emails", "x@acme.test"), ("type", "1")])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(app.db.count("users").await, 1);

    let added = b
        .post(
            "/users/add",
            &[
                ("csrf", &csrf),
                (
                    "emails",
                    "ann@acme.test, bob@acme.test,not-an-email, cy@acme.test",
                ),
                ("type", "1"),
                ("department", "Maths"),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    for e in ["ann@acme.test", "bob@acme.test", "cy@acme.test"] {
        assert!(
            added.body.contains(&format!("Invited: {e}")),
            "{}",
            added.body
        );
    }
    assert!(
        added.body.contains("Not added: not-an-email"),
        "{}",
        added.body
    );
    assert_eq!(app.db.count("users").await, 4);

    let pending = b.get("/users/pending").await;
    assert_eq!(pending.status, 200);
    for e in ["ann@acme.test", "bob@acme.test", "cy@acme.test"] {
        assert!(pending.body.contains(e), "{}", pending.body);
    }

    // The outbox holds the activation mail with its link.
    let outbox = b.get("/outbox").await;
    assert_eq!(outbox.status, 200);
    assert!(outbox.body.contains("/activate?token="), "{}", outbox.body);

    // Resend and delete from the Pending tab.
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let cy: String = conn
        .fetch_one("SELECT id FROM users WHERE email = 'cy@acme.test'", &[])
        .await
        .unwrap();
    let ann: String = conn
        .fetch_one("SELECT id FROM users WHERE email = 'ann@acme.test'", &[])
        .await
        .unwrap();
    drop(conn);
    db.close().await;
    let resent = b
        .post(&format!("/users/pending/{ann}/resend"), &[("csrf", &csrf)])
        .await;
    assert!(
        resent.body.contains("The invitation was sent again."),
        "{}",
        resent.body
    );
    let deleted = b
        .post(&format!("/users/pending/{cy}/delete"), &[("csrf", &csrf)])
        .await;
    assert!(
        deleted.body.contains("The invitation was withdrawn."),
        "{}",
        deleted.body
    );
    assert_eq!(app.db.count("users").await, 3);

    // Edit: a bad type is refused next to the field and nothing changes.
    let edit = b.get(&format!("/users/edit/{ann}")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    let bad = b
        .post(
            &format!("/users/edit/{ann}"),
            &[("csrf", &csrf), ("type", "7"), ("first_name", "Ann")],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("id=\"type-error\""), "{}", bad.body);

    // The owner's own edits: bulk role change of nobody selected is a clear message.
    let none = b
        .post("/users/bulk", &[("csrf", &csrf), ("type", "2")])
        .await;
    assert!(
        none.body.contains("Select at least one user."),
        "{}",
        none.body
    );
}

async fn members_land_on_their_profile_and_cannot_manage(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let csrf = owner.get("/users").await.csrf();
    owner
        .post(
            "/users/add",
            &[("csrf", &csrf), ("emails", "mia@acme.test"), ("type", "1")],
        )
        .await;
    // Mia activates through the existing /activate page, from the mail in the outbox.
    let outbox = owner.get("/outbox").await;
    let link = outbox
        .body
        .split('"')
        .find(|w| w.contains("/activate?token="))
        .unwrap()
        .replace("&amp;", "&");
    let token = link.rsplit('=').next().unwrap().to_owned();
    let res = app
        .client
        .post(app.url("/activate"))
        .form(&[
            ("token", token.as_str()),
            ("first_name", "Mia"),
            ("last_name", "Lee"),
            ("password", "Member123"),
            ("confirm", "Member123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let mut mia = Browser::new(&app.base);
    let csrf = mia.get("/signin").await.csrf();
    let signed = mia
        .post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("email", "mia@acme.test"),
                ("password", "Member123"),
            ],
        )
        .await;
    assert_eq!(
        signed.location.as_deref(),
        Some("/profile"),
        "{}",
        signed.body
    );
    let profile = mia.get("/profile").await;
    assert!(profile.body.contains("mia@acme.test"), "{}", profile.body);
    assert!(
        !profile.body.contains("href=\"/users\""),
        "no admin nav for members"
    );
    assert_eq!(mia.get("/users").await.status, 403);
    assert_eq!(mia.get("/outbox").await.status, 403);

    // The Users tab's filters: type, department, group; a bad type is refused.
    let basic = owner.get("/users?type=1").await;
    assert!(
        basic.body.contains("mia@acme.test") && !basic.body.contains(">owner@acme.test</a>"),
        "{}",
        basic.body
    );
    let licensed = owner.get("/users?type=2").await;
    assert!(
        !licensed.body.contains("mia@acme.test") && licensed.body.contains(">owner@acme.test</a>"),
        "{}",
        licensed.body
    );
    let nowhere = owner.get("/users?dept=Nowhere&type=1").await;
    assert!(nowhere.body.contains("No users match."), "{}", nowhere.body);
    assert!(
        nowhere.body.contains("value=\"Nowhere\"") && !nowhere.body.contains("First page"),
        "the form keeps the filters; page one has no link to itself: {}",
        nowhere.body
    );
    assert_eq!(owner.get("/users?type=7").await.status, 400);

    // A deactivated member's session ends and they cannot sign in again.
    let csrf = owner.get("/users").await.csrf();
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let id: String = conn
        .fetch_one("SELECT id FROM users WHERE email = 'mia@acme.test'", &[])
        .await
        .unwrap();
    drop(conn);
    db.close().await;
    let off = owner
        .post(
            &format!("/users/edit/{id}/status"),
            &[("csrf", &csrf), ("action", "deactivate")],
        )
        .await;
    assert_eq!(off.status, 303, "{}", off.body);
    assert_eq!(
        mia.get("/profile").await.location.as_deref(),
        Some("/signin")
    );
    let csrf = mia.get("/signin").await.csrf();
    let again = mia
        .post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("email", "mia@acme.test"),
                ("password", "Member123"),
            ],
        )
        .await;
    assert_eq!(again.status, 401);
}

/// A /v2 token for the portal's account, acting as its owner.
async fn api_token(app: &TestApp) -> String {
    let db = app.db.open().await;
    let account_id: String = db
        .read()
        .await
        .unwrap()
        .fetch_one("SELECT id FROM accounts", &[])
        .await
        .unwrap();
    db.close().await;
    let acct = Created {
        account_id,
        owner_id: String::new(),
        client_id: String::new(),
        client_secret: String::new(),
    };
    app.token_for_user(&acct, OWNER).await
}

/// One user of the sorting tests: email, first and last name, type, department, grade.
type Person = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    Option<f64>,
);

/// The owner first (added at setup), then the others, a minute apart, so "Added" has an order.
const PEOPLE: [Person; 10] = [
    (OWNER, "Olga", "Owner", 2, "Office", None),
    ("a1@acme.test", "Zoe", "Adams", 1, "maths", Some(7.0)),
    ("b2@acme.test", "yann", "Baker", 2, "Maths", Some(7.0)),
    ("c3@acme.test", "Xavier", "Clark", 1, "Art", Some(10.0)),
    ("d4@acme.test", "Wendy", "Davis", 1, "art", Some(9.5)),
    ("e5@acme.test", "Victor", "Evans", 2, "Science", None),
    ("f6@acme.test", "Ursula", "Ford", 1, "Science", Some(2.0)),
    ("g7@acme.test", "Tom", "Green", 1, "History", None),
    ("h8@acme.test", "Sara", "Hill", 2, "", Some(7.0)),
    ("i9@acme.test", "Rob", "Irwin", 1, "History", Some(100.0)),
];

/// Defines Grade (number), Campus (North or South) and Start (date); adds [`PEOPLE`].
/// Returns the API token and the attributes' keys (grade, campus, start).
async fn people(app: &TestApp) -> (String, [String; 3]) {
    let api = api_token(app).await;
    let mut keys = Vec::new();
    for body in [
        json!({"name": "Grade", "type": "number"}),
        json!({"name": "Campus", "type": "text", "allowed_values": ["North", "South"]}),
        json!({"name": "Start", "type": "date"}),
    ] {
        let (s, v) = app
            .post("/v2/accounts/me/custom_attributes", &api, &body)
            .await;
        assert_eq!(s, 201, "{v}");
        keys.push(v["key"].as_str().unwrap().to_owned());
    }
    let (_, me) = app.get("/v2/users/me", &api).await;
    for (i, (email, first, last, user_type, dept, grade)) in PEOPLE.into_iter().enumerate() {
        let id = if i == 0 {
            me["id"].as_str().unwrap().to_owned()
        } else {
            app.clock.advance(time::Duration::minutes(1));
            app.add_user(&api, "custCreate", email, user_type).await
        };
        let grade = grade.map(|g| g.to_string()).unwrap_or_default();
        let campus = if i % 2 == 0 { "North" } else { "South" };
        let (s, v) = app
            .patch(
                &format!("/v2/users/{id}"),
                &api,
                &json!({"first_name": first, "last_name": last, "dept": dept,
                        "custom_attributes": [{"key": keys[0], "value": grade}, {"key": keys[1], "value": campus}]}),
            )
            .await;
        assert_eq!(s, 204, "{v}");
    }
    (api, keys.try_into().unwrap())
}

/// The emails of the table's rows, in order.
fn emails(body: &str) -> Vec<String> {
    body.split("<a href=\"/users/edit/")
        .skip(1)
        .map(|piece| {
            piece
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The pager link with `rel`, unescaped.
fn link(body: &str, rel: &str) -> Option<String> {
    let tail = body.split(&format!("rel=\"{rel}\"")).next()?;
    if !body.contains(&format!("rel=\"{rel}\"")) {
        return None;
    }
    let href = tail.rsplit("href=\"").next()?.split('"').next()?;
    Some(href.replace("&amp;", "&").replace("&#38;", "&"))
}

/// [`PEOPLE`] in the order `sort` gives, ascending (email breaks ties; users without a grade
/// come last either way).
fn expected(sort: &str, descending: bool) -> Vec<String> {
    let mut people: Vec<(usize, Person)> = PEOPLE.into_iter().enumerate().collect();
    let key = |(i, p): &(usize, Person)| -> (bool, String, f64) {
        let (_, first, last, t, dept, grade) = *p;
        match sort {
            "name" => (false, format!("{first} {last}").to_lowercase(), 0.0),
            "type" => (false, String::new(), t as f64),
            "department" => (false, dept.to_lowercase(), 0.0),
            "created" => (false, String::new(), *i as f64),
            "attr" => (grade.is_none(), String::new(), grade.unwrap_or(0.0)),
            _ => (false, String::new(), 0.0),
        }
    };
    people.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        let order =
            ka.1.cmp(&kb.1)
                .then(ka.2.total_cmp(&kb.2))
                .then(a.1 .0.cmp(b.1 .0));
        ka.0.cmp(&kb.0)
            .then(if descending { order.reverse() } else { order })
    });
    people.into_iter().map(|(_, p)| p.0.to_owned()).collect()
}

async fn columns_sort_both_ways_and_pages_visit_everyone_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let (_, keys) = people(&app).await;
    let grade = &keys[0];

    // The default: by email, said on the Email column.
    let first = b.get("/users").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(emails(&first.body), expected("email", false));
    assert!(
        first.body.contains("<th scope=\"col\" aria-sort=\"ascending\"><a href=\"/users?sort=email&#38;order=desc\">Email</a>"),
        "{}",
        first.body
    );
    assert!(first.body.contains("10 users"), "{}", first.body);

    for sort in ["email", "name", "type", "department", "created", "attr"] {
        for descending in [false, true] {
            let order = if descending { "desc" } else { "asc" };
            let want = expected(sort, descending);
            let start = format!("/users?attr={grade}&size=4&sort={sort}&order={order}");
            // Forward, 4 a page: every user once, in order.
            let mut page = b.get(&start).await;
            assert_eq!(page.status, 200, "{start}: {}", page.body);
            let aria = if descending {
                "descending"
            } else {
                "ascending"
            };
            assert_eq!(
                page.body.matches(&format!("aria-sort=\"{aria}\"")).count(),
                1
            );
            assert!(link(&page.body, "prev").is_none(), "{}", page.body);
            let mut seen = emails(&page.body);
            let mut pages = 1;
            while let Some(next) = link(&page.body, "next") {
                if sort != "email" || descending {
                    assert!(
                        next.contains(&format!("sort={sort}&order={order}")),
                        "{next}"
                    );
                }
                assert!(
                    next.contains("size=4") && next.contains(grade.as_str()),
                    "{next}"
                );
                page = b.get(&next).await;
                assert_eq!(page.status, 200, "{}", page.body);
                assert!(page.body.contains("First page"), "{}", page.body);
                seen.extend(emails(&page.body));
                pages += 1;
            }
            assert_eq!(pages, 3, "{sort} {order}");
            assert_eq!(seen, want, "{sort} {order}");
            // And back from the last page, page by page, to the first.
            let mut back = emails(&page.body);
            while let Some(prev) = link(&page.body, "prev") {
                page = b.get(&prev).await;
                assert_eq!(page.status, 200, "{}", page.body);
                let mut earlier = emails(&page.body);
                assert_eq!(earlier.len(), 4, "{sort} {order}");
                earlier.extend(back);
                back = earlier;
            }
            assert_eq!(back, want, "{sort} {order}: back to the start");
            assert!(link(&page.body, "next").is_some());
        }
    }

    // The API sorts the same way (a Roster extension), and refuses unknown orders.
    let api = api_token(&app).await;
    let (s, v) = app
        .get("/v2/users?sort_by=name&sort_order=desc&page_size=3", &api)
        .await;
    assert_eq!(s, 200, "{v}");
    let got: Vec<&str> = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    let want: Vec<String> = expected("name", true);
    assert_eq!(
        got,
        want[..3].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let token = v["next_page_token"].as_str().unwrap();
    let (s, v) = app
        .get(
            &format!("/v2/users?sort_by=type&next_page_token={token}"),
            &api,
        )
        .await;
    assert_eq!(s, 400, "a token of another order: {v}");
    let (s, _) = app.get("/v2/users?sort_by=shoe_size", &api).await;
    assert_eq!(s, 400);
}

async fn the_attribute_filter_checks_its_value_and_the_sort_survives(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let (_, keys) = people(&app).await;
    let [grade, campus, _start] = &keys;

    let sevens = b
        .get(&format!("/users?attr={grade}&attr_value=7&sort=name"))
        .await;
    assert_eq!(sevens.status, 200, "{}", sevens.body);
    assert_eq!(
        emails(&sevens.body),
        ["h8@acme.test", "b2@acme.test", "a1@acme.test"]
    );
    assert!(sevens.body.contains("3 users"), "{}", sevens.body);
    assert!(
        sevens.body.contains("type=\"number\"") && sevens.body.contains("value=\"7\""),
        "a number field for a number attribute: {}",
        sevens.body
    );
    let one = b.get(&format!("/users?attr={grade}&attr_value=100")).await;
    assert_eq!(emails(&one.body), ["i9@acme.test"]);
    assert!(one.body.contains("1 user<"), "{}", one.body);
    let north = b
        .get(&format!("/users?attr={campus}&attr_value=North&type=1"))
        .await;
    assert_eq!(
        emails(&north.body),
        ["d4@acme.test", "f6@acme.test"],
        "{}",
        north.body
    );
    assert!(
        north.body.contains("<option selected>North</option>"),
        "{}",
        north.body
    );

    // Bad values: 400, the message next to the field, in the page's language; nothing stored.
    let users = app.db.count("users").await;
    let events = app.db.count("events").await;
    for (q, message) in [
        (format!("attr={grade}&attr_value=ten"), "Enter a number"),
        (
            format!("attr={campus}&attr_value=East"),
            "Choose one of the values",
        ),
        ("attr=nope&attr_value=1".to_owned(), "does not exist"),
    ] {
        let bad = b.get(&format!("/users?{q}&sort=name&order=desc")).await;
        assert_eq!(bad.status, 400, "{q}: {}", bad.body);
        assert!(bad.body.contains("id=\"attr-error\""), "{}", bad.body);
        assert!(bad.body.contains(message), "{q}: {}", bad.body);
        assert!(bad.body.contains("aria-invalid=\"true\""), "{}", bad.body);
        // The list is still there, without the refused filter, in the chosen order.
        assert_eq!(emails(&bad.body), expected("name", true), "{q}");
    }
    assert_eq!(app.db.count("users").await, users);
    assert_eq!(app.db.count("events").await, events);
    let mut ru = Browser::new(&app.base);
    ru.cookies = b.cookies.clone();
    ru.cookies.insert("roster_lang".to_owned(), "ru".to_owned());
    let bad = ru.get(&format!("/users?attr={grade}&attr_value=ten")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Введите число"), "{}", bad.body);
    let counted = ru.get(&format!("/users?attr={grade}&attr_value=7")).await;
    assert!(counted.body.contains("3 пользователя"), "{}", counted.body);
    assert!(ru.get("/users").await.body.contains("10 пользователей"));

    // Filters keep the sort (the form carries it), headers keep the filters.
    let page = b.get("/users?dept=History&sort=name&order=desc").await;
    assert_eq!(emails(&page.body), ["g7@acme.test", "i9@acme.test"]);
    assert!(
        page.body.contains("<input type=\"hidden\" name=\"sort\" value=\"name\"><input type=\"hidden\" name=\"order\" value=\"desc\">"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("href=\"/users?dept=History&#38;sort=created&#38;order=asc\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("aria-sort=\"descending\"><a href=\"/users?dept=History&#38;sort=name&#38;order=asc\">Name</a>"),
        "clicking again reverses: {}",
        page.body
    );

    // A bulk change shows the list it came from: its filters, sort and page.
    let csrf = page.csrf();
    let list = super::browser::hidden(&page.body, "list").unwrap();
    assert_eq!(list, "dept=History&#38;sort=name&#38;order=desc");
    let db = app.db.open().await;
    let g7: String = db
        .read()
        .await
        .unwrap()
        .fetch_one("SELECT id FROM users WHERE email = 'g7@acme.test'", &[])
        .await
        .unwrap();
    db.close().await;
    let done = b
        .post(
            "/users/bulk",
            &[
                ("csrf", &csrf),
                ("user", &g7),
                ("type", "2"),
                ("list", "dept=History&sort=name&order=desc"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Users changed:"), "{}", done.body);
    assert_eq!(
        emails(&done.body),
        ["g7@acme.test", "i9@acme.test"],
        "{}",
        done.body
    );
    assert!(done.body.contains(
        "aria-sort=\"descending\"><a href=\"/users?dept=History&#38;sort=name&#38;order=asc\""
    ));

    // A page size or sort the list does not know: refused.
    assert_eq!(b.get("/users?size=0").await.status, 400);
    assert_eq!(b.get("/users?sort=shoe_size").await.status, 400);
    assert_eq!(b.get("/users?order=sideways").await.status, 400);
}

both_backends!(
    admins_add_users_see_them_pending_and_change_them,
    members_land_on_their_profile_and_cannot_manage,
    columns_sort_both_ways_and_pages_visit_everyone_once,
    the_attribute_filter_checks_its_value_and_the_sort_survives,
);
