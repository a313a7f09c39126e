use super::*;
use proptest::prelude::*;
use serde_json::json;

fn doc(v: Json) -> Map<String, Json> {
    match v {
        Json::Object(m) => m,
        _ => Map::new(),
    }
}

fn settings(v: Json) -> Settings {
    let mut s = Settings::default();
    s.apply(&SettingsPatch::parse(&doc(v)).unwrap());
    s
}

fn locks(v: Json) -> Locks {
    let mut l = Locks::default();
    l.apply(&LocksPatch::parse(&doc(v)).unwrap());
    l
}

#[test]
fn catalogue_is_consistent() {
    for (i, s) in CATALOGUE.iter().enumerate() {
        assert_eq!(s.path, format!("{}.{}", s.section, s.key));
        assert!(SECTIONS.contains(&s.section), "{}", s.path);
        assert_eq!(index(s.section, s.key), Some(i), "duplicate {}", s.path);
        match (s.kind, s.default) {
            (Kind::Bool, Value::Bool(_)) => {}
            (Kind::OneOf(c), Value::Choice(d)) => assert!(c.contains(&d), "{}", s.path),
            _ => panic!("default of {} has the wrong type", s.path),
        }
    }
    // Sections are contiguous and in SECTIONS order.
    let order: Vec<&str> = CATALOGUE.iter().map(|s| s.section).collect();
    let mut dedup = order.clone();
    dedup.dedup();
    assert_eq!(dedup, SECTIONS);
}

#[test]
fn parses_known_keys_and_ignores_unknown_ones() {
    let p = SettingsPatch::parse(&doc(json!({
        "in_meeting": {"chat": false, "teleport": true},
        "recording": {"auto_recording": "cloud"},
        "telephony": {"third_party_audio": 7},
        "feature": {"webinar": true},
    })))
    .unwrap();
    let mut s = Settings::default();
    assert!(s.apply(&p));
    assert_eq!(s.get("in_meeting", "chat"), Some(Value::Bool(false)));
    assert_eq!(
        s.get("recording", "auto_recording"),
        Some(Value::Choice("cloud"))
    );
    assert_eq!(s.get("in_meeting", "teleport"), None);
    assert_eq!(
        Json::Object(s.to_json()),
        json!({"in_meeting": {"chat": false}, "recording": {"auto_recording": "cloud"}})
    );
    assert!(
        !s.apply(&p),
        "applying the same patch again changes nothing"
    );
}

#[test]
fn wrong_types_name_the_field() {
    let err = |v: Json| SettingsPatch::parse(&doc(v)).unwrap_err();
    assert_eq!(
        err(json!({"in_meeting": {"chat": "yes"}})).field,
        "in_meeting.chat"
    );
    let e = err(json!({"recording": {"auto_recording": "tape"}}));
    assert_eq!(e.field, "recording.auto_recording");
    assert!(e.message.contains("\"local\", \"cloud\", \"none\""), "{e}");
    assert_eq!(
        err(json!({"recording": {"auto_recording": true}})).field,
        "recording.auto_recording"
    );
    assert_eq!(
        err(json!({"schedule_meeting": []})).field,
        "schedule_meeting"
    );
    let l = LocksPatch::parse(&doc(json!({"in_meeting": {"chat": 1}}))).unwrap_err();
    assert_eq!(l.field, "in_meeting.chat");
}

#[test]
fn null_unsets_a_value() {
    let mut s = settings(json!({"in_meeting": {"chat": false}}));
    assert!(s.apply(&SettingsPatch::parse(&doc(json!({"in_meeting": {"chat": null}}))).unwrap()));
    assert!(s.is_empty());
}

#[test]
fn stored_documents_round_trip_and_drop_what_no_longer_fits() {
    let s =
        settings(json!({"in_meeting": {"chat": false}, "recording": {"auto_recording": "local"}}));
    assert_eq!(Settings::from_stored(&s.to_stored()), s);
    let stale = r#"{"in_meeting": {"chat": "maybe", "polling": true, "gone": 1}, "x": 1}"#;
    assert_eq!(
        Settings::from_stored(stale),
        settings(json!({"in_meeting": {"polling": true}}))
    );
    assert_eq!(Settings::from_stored("not json"), Settings::default());
    let l = locks(json!({"in_meeting": {"chat": true, "polling": false}}));
    assert_eq!(Locks::from_stored(&l.to_stored()), l);
    assert_eq!(l.to_stored(), r#"{"in_meeting":{"chat":true}}"#);
}

#[test]
fn full_documents_show_every_key() {
    let full = Settings::default().to_json_full();
    let n: usize = full
        .values()
        .map(|s| s.as_object().map_or(0, Map::len))
        .sum();
    assert_eq!(n, CATALOGUE.len());
    assert_eq!(full["recording"]["auto_recording"], json!("none"));
    let l = locks(json!({"recording": {"cloud_recording": true}})).to_json_full();
    assert_eq!(l["recording"]["cloud_recording"], json!(true));
    assert_eq!(l["in_meeting"]["chat"], json!(false));
}

#[test]
fn resolution_follows_zooms_order() {
    let chat = |s: &Settings| s.get("in_meeting", "chat");
    let off = Some(Value::Bool(false));
    let on = Some(Value::Bool(true));
    let user = settings(json!({"in_meeting": {"chat": false}}));
    let account = settings(json!({"in_meeting": {"chat": true}}));
    let none = Locks::default();
    let acct = |l| Level {
        settings: &account,
        locks: l,
    };
    // Unlocked: the user's own value.
    assert_eq!(chat(&effective(&user, None, acct(&none))), off);
    // Account lock: the account's value.
    let locked = locks(json!({"in_meeting": {"chat": true}}));
    assert_eq!(chat(&effective(&user, None, acct(&locked))), on);
    // Account lock with no account value: the default (true).
    let empty = Settings::default();
    let bare = Level {
        settings: &empty,
        locks: &locked,
    };
    assert_eq!(chat(&effective(&user, None, bare)), on);
    // A group lock beats an unlocked account value; the account's lock beats the group's.
    let group_settings = settings(json!({"in_meeting": {"chat": false}}));
    let group = Level {
        settings: &group_settings,
        locks: &locked,
    };
    let mine = settings(json!({"in_meeting": {"chat": true}}));
    assert_eq!(chat(&effective(&mine, Some(group), acct(&none))), off);
    assert_eq!(chat(&effective(&mine, Some(group), acct(&locked))), on);
    // A group lock without a group value: the account's.
    let group = Level {
        settings: &empty,
        locks: &locked,
    };
    assert_eq!(chat(&effective(&user, Some(group), acct(&none))), on);
    // Unlocked and unset by the user: the group's, then the account's, then the default.
    let group = Level {
        settings: &group_settings,
        locks: &none,
    };
    assert_eq!(chat(&effective(&empty, Some(group), acct(&none))), off);
    assert_eq!(chat(&effective(&empty, None, acct(&none))), on);
}

#[test]
fn patches_are_held_by_locks() {
    let p =
        SettingsPatch::parse(&doc(json!({"in_meeting": {"chat": true, "polling": true}}))).unwrap();
    let none = Locks::default();
    let chat = locks(json!({"in_meeting": {"chat": true}}));
    let polling = locks(json!({"in_meeting": {"polling": true}}));
    let chat_off = settings(json!({"in_meeting": {"chat": false}}));
    let chat_on = settings(json!({"in_meeting": {"chat": true}}));
    assert_eq!(p.within_locks(&chat_off, None, &none), Ok(p.clone()));
    assert_eq!(p.within_locks(&chat_off, Some(&none), &none), Ok(p.clone()));
    assert_eq!(
        p.within_locks(&chat_off, None, &chat),
        Err(("in_meeting.chat", LockedBy::Account))
    );
    assert_eq!(
        p.within_locks(&chat_off, Some(&chat), &none),
        Err(("in_meeting.chat", LockedBy::Group))
    );
    assert_eq!(
        p.within_locks(&chat_off, Some(&polling), &chat),
        Err(("in_meeting.chat", LockedBy::Account))
    );
    // Sending back the value in effect is no change: dropped, not refused.
    let polling_only =
        SettingsPatch::parse(&doc(json!({"in_meeting": {"polling": true}}))).unwrap();
    assert_eq!(p.within_locks(&chat_on, None, &chat), Ok(polling_only));
    // Unsetting a locked key is allowed.
    let unset = SettingsPatch::parse(&doc(json!({"in_meeting": {"chat": null}}))).unwrap();
    assert_eq!(
        unset.within_locks(&chat_off, None, &chat),
        Ok(unset.clone())
    );
}

fn any_value(i: usize) -> BoxedStrategy<Value> {
    match CATALOGUE[i].kind {
        Kind::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Kind::OneOf(c) => proptest::sample::select(c).prop_map(Value::Choice).boxed(),
    }
}

fn any_settings() -> impl Strategy<Value = Settings> {
    proptest::collection::vec(0..CATALOGUE.len(), 0..CATALOGUE.len())
        .prop_flat_map(|keys| {
            let values: Vec<_> = keys.iter().map(|i| any_value(*i)).collect();
            (Just(keys), values)
        })
        .prop_map(|(keys, values)| Settings(keys.into_iter().zip(values).collect()))
}

fn any_locks() -> impl Strategy<Value = Locks> {
    proptest::collection::btree_set(0..CATALOGUE.len(), 0..CATALOGUE.len()).prop_map(Locks)
}

proptest! {
    #[test]
    fn wire_and_stored_forms_round_trip(s in any_settings(), l in any_locks()) {
        prop_assert_eq!(Settings::from_stored(&s.to_stored()), s.clone());
        prop_assert_eq!(Locks::from_stored(&l.to_stored()), l.clone());
        let mut again = Settings::default();
        again.apply(&SettingsPatch::parse(&s.to_json()).unwrap());
        prop_assert_eq!(again, s);
        let mut relocked = Locks::default();
        relocked.apply(&LocksPatch::parse(&l.to_json_full()).unwrap());
        prop_assert_eq!(relocked, l);
    }

    #[test]
    fn locks_win_whatever_the_user_set(
        user in any_settings(), group in any_settings(), account in any_settings(),
        group_locks in any_locks(), account_locks in any_locks(),
    ) {
        let g = Level { settings: &group, locks: &group_locks };
        let a = Level { settings: &account, locks: &account_locks };
        let with_user = effective(&user, Some(g), a);
        let without = effective(&Settings::default(), Some(g), a);
        for (i, s) in CATALOGUE.iter().enumerate() {
            let got = with_user.0.get(&i).copied();
            prop_assert!(got.is_some(), "every key is resolved");
            if group_locks.0.contains(&i) || account_locks.0.contains(&i) {
                // A locked key never depends on the user's own value.
                prop_assert_eq!(got, without.0.get(&i).copied(), "{}", s.path);
            } else if let Some(v) = user.0.get(&i) {
                prop_assert_eq!(got, Some(*v), "{}", s.path);
            }
            if account_locks.0.contains(&i) {
                prop_assert_eq!(got, Some(account.0.get(&i).copied().unwrap_or(s.default)));
            }
        }
        // Without a group, the account's locks alone decide.
        let solo = effective(&user, None, a);
        for i in &account_locks.0 {
            prop_assert_eq!(solo.0.get(i).copied(), account.0.get(i).copied().or(CATALOGUE.get(*i).map(|s| s.default)));
        }
    }

    #[test]
    fn allowed_patches_take_effect_and_refusals_name_a_real_change(
        user in any_settings(), account in any_settings(), account_locks in any_locks(),
        group_locks in any_locks(), changes in any_settings(),
    ) {
        let a = Level { settings: &account, locks: &account_locks };
        let empty = Settings::default();
        let g = Level { settings: &empty, locks: &group_locks };
        let before = effective(&user, Some(g), a);
        let patch = SettingsPatch(changes.0.iter().map(|(i, v)| (*i, Some(*v))).collect());
        match patch.within_locks(&before, Some(&group_locks), &account_locks) {
            Ok(allowed) => {
                let mut mine = user.clone();
                mine.apply(&allowed);
                let after = effective(&mine, Some(g), a);
                for (i, v) in &changes.0 {
                    prop_assert_eq!(after.0.get(i), Some(v), "every change asked for is in effect");
                }
            }
            Err((path, _)) => {
                let i = CATALOGUE.iter().position(|s| s.path == path).unwrap();
                prop_assert!(group_locks.0.contains(&i) || account_locks.0.contains(&i));
                prop_assert_ne!(before.0.get(&i), changes.0.get(&i));
            }
        }
    }

    #[test]
    fn parsing_never_panics(section in "[a-z_]{1,20}", key in "[a-z_]{1,30}", n in any::<i64>(), s in ".{0,10}") {
        for v in [json!(n), json!(s), json!(null), json!([]), json!({})] {
            let d = doc(json!({ section.clone(): { key.clone(): v.clone() } }));
            let _ = SettingsPatch::parse(&d);
            let _ = LocksPatch::parse(&d);
        }
        for sec in SECTIONS {
            for spec in CATALOGUE.iter().filter(|c| c.section == sec) {
                let d = doc(json!({ sec: { spec.key: n } }));
                // A number is never a valid setting value: the error names the key.
                prop_assert_eq!(SettingsPatch::parse(&d).unwrap_err().field, spec.path);
            }
        }
    }
}
