//! Evaluator tests: RFC 7644's example filters against RFC 7643's example users, and each rule
//! of SCIM comparison (case, multi-valued, complex `value`, `pr`, dates, numbers, URNs).

use serde_json::{json, Value};

use super::*;

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// RFC 7643 §8.2's full user (abridged), with the enterprise extension of §8.3.
fn bjensen() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "701984",
        "userName": "bjensen@example.com",
        "name": { "familyName": "Jensen", "givenName": "Barbara" },
        "title": "Tour Guide",
        "userType": "Employee",
        "active": true,
        "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
        ],
        "ims": [{ "value": "someaimhandle", "type": "aim" }],
        "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "version": "W/\"3694e05e9dff591\""
        },
        ENTERPRISE: {
            "employeeNumber": "701984",
            "department": "Tour Operations",
            "manager": { "value": "26118915-6090-4610-87e4-49d8ca9f808d" }
        },
        "x-score": 42,
        "x-ratio": 0.5
    })
}

/// A minimal user with none of the optional attributes.
fn intern() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "c3a26dd3-27a0-4dec-a2ac-ce211e105f97",
        "userName": "O'Malley",
        "name": { "familyName": "O'Malley" },
        "userType": "Intern",
        "title": "",
        "emails": [{ "value": "omalley@example.org", "type": "work" }],
        "meta": { "lastModified": "2011-05-13T06:42:34+02:00" }
    })
}

fn check(filter: &str, resource: &Value) -> bool {
    let f = Filter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
    matches(&f, resource, &AttributeTypes::common())
}

#[test]
fn rfc_examples_select_the_right_users() {
    let (b, i) = (bjensen(), intern());
    let cases: &[(&str, bool, bool)] = &[
        (r#"userName eq "bjensen@example.com""#, true, false),
        (r#"name.familyName co "O'Malley""#, false, true),
        (r#"userName sw "B""#, true, false),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
            false,
            false,
        ),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bJ""#,
            true,
            false,
        ),
        ("title pr", true, false),
        (
            r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
            false,
            false,
        ),
        (r#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true, true),
        (
            r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
            false,
            false,
        ),
        (r#"meta.lastModified le "2011-05-13T04:42:34Z""#, true, true),
        (r#"title pr and userType eq "Employee""#, true, false),
        (r#"title pr or userType eq "Intern""#, true, true),
        (&format!(r#"schemas eq "{ENTERPRISE}""#), true, false),
        (
            r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            true,
            false,
        ),
        (
            r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            false,
            false,
        ),
        (
            r#"userType eq "Employee" and (emails.type eq "work")"#,
            true,
            false,
        ),
        (
            r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
            true,
            false,
        ),
        (
            r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
            true,
            false,
        ),
        (
            r#"emails[type eq "work" or (type eq "home" and value ew "@example.com")]"#,
            true,
            true,
        ),
    ];
    for (filter, for_b, for_i) in cases {
        assert_eq!(check(filter, &b), *for_b, "bjensen: {filter}");
        assert_eq!(check(filter, &i), *for_i, "intern: {filter}");
    }
}

#[test]
fn every_rfc_example_evaluates() {
    for src in super::filter_tests::RFC_EXAMPLES {
        let _ = check(src, &bjensen());
        let _ = check(src, &json!({}));
    }
}

#[test]
fn strings_compare_case_insensitively_unless_case_exact() {
    let b = bjensen();
    assert!(check(r#"USERNAME eq "BJensen@Example.com""#, &b));
    let john = json!({ "userName": "John" });
    assert!(check(r#"userName Eq "john""#, &john) && check(r#"Username eq "john""#, &john));
    assert!(check(r#"name.FAMILYNAME sw "jen""#, &b));
    assert!(check(r#"title ew "GUIDE""#, &b));
    // id and externalId are caseExact.
    assert!(check(r#"id eq "2819c223-7f76-453a-919d-413861904646""#, &b));
    assert!(!check(
        r#"id eq "2819C223-7F76-453A-919D-413861904646""#,
        &b
    ));
    let f = Filter::parse(r#"userName eq "BJENSEN@example.com""#).unwrap();
    let exact = AttributeTypes::new().case_exact("userName");
    assert!(!matches(&f, &b, &exact));
    assert!(matches(&f, &b, &AttributeTypes::new()));
    // Non-ASCII folds too.
    let r = json!({ "displayName": "ÉLODIE" });
    assert!(check(r#"displayName eq "élodie""#, &r));
}

#[test]
fn multi_valued_attributes_match_if_any_value_does() {
    let b = bjensen();
    assert!(check(r#"emails.value eq "babs@jensen.org""#, &b));
    assert!(check(r#"emails eq "babs@jensen.org""#, &b));
    assert!(check(r#"emails.type eq "home""#, &b));
    assert!(!check(r#"emails.type eq "other""#, &b));
    // The value filter holds for ONE value: no email is both home and at example.com.
    assert!(!check(
        r#"emails[type eq "home" and value co "example.com"]"#,
        &b
    ));
    assert!(check(
        r#"emails.type eq "home" and emails.value co "example.com""#,
        &b
    ));
    assert!(check(r#"emails[not (type eq "work")]"#, &b));
    assert!(check(r#"emails[primary eq true]"#, &b));
    assert!(!check(r#"ims[primary eq true]"#, &b));
    assert!(check(r#"schemas co "core""#, &b));
}

#[test]
fn ne_is_the_negation_of_eq_and_null_means_absent() {
    let (b, i) = (bjensen(), intern());
    assert!(!check(r#"emails.type ne "home""#, &b), "some email is home");
    assert!(check(r#"emails.type ne "home""#, &i));
    assert!(check(r#"nickName ne "x""#, &b), "absent is ne anything");
    assert!(check("nickName eq null", &b));
    assert!(!check("title eq null", &b));
    assert!(check("title ne null", &b));
    assert!(check("title eq null", &i), "an empty string is no value");
    assert!(!check("nickName ne null", &b));
}

#[test]
fn present_needs_a_non_empty_value() {
    let r = json!({
        "a": "", "b": [], "c": {}, "d": null, "e": [null, ""], "f": { "x": null },
        "g": false, "h": 0, "i": [{ "value": "" }, { "value": "x" }], "j": "x"
    });
    for (attr, present) in [
        ("a", false),
        ("b", false),
        ("c", false),
        ("d", false),
        ("e", false),
        ("f", false),
        ("missing", false),
        ("g", true),
        ("h", true),
        ("i", true),
        ("j", true),
    ] {
        assert_eq!(check(&format!("{attr} pr"), &r), present, "{attr}");
    }
    assert!(check("i.value pr", &r));
    assert!(!check("f.x pr", &r));
}

#[test]
fn dates_compare_as_instants() {
    let i = intern(); // lastModified 06:42:34+02:00 == 04:42:34Z
    assert!(check(r#"meta.lastModified eq "2011-05-13T04:42:34Z""#, &i));
    assert!(check(
        r#"meta.lastModified eq "2011-05-13T04:42:34.000Z""#,
        &i
    ));
    assert!(check(r#"meta.lastModified gt "2011-05-13T04:42:33Z""#, &i));
    assert!(check(
        r#"meta.lastModified lt "2011-05-13T05:00:00+00:00""#,
        &i
    ));
    assert!(!check(r#"meta.lastModified gt "not a date""#, &i));
    // Without the dateTime type the same strings compare as text.
    let f = Filter::parse(r#"meta.lastModified eq "2011-05-13T04:42:34Z""#).unwrap();
    assert!(!matches(&f, &i, &AttributeTypes::new()));
    let created = Filter::parse(r#"meta.created lt "2011-01-01T00:00:00Z""#).unwrap();
    assert!(matches(&created, &bjensen(), &AttributeTypes::common()));
}

#[test]
fn numbers_booleans_and_mismatched_types() {
    let b = bjensen();
    assert!(check("x-score eq 42", &b));
    assert!(check("x-score eq 42.0", &b));
    assert!(check("x-score gt 41.5", &b));
    assert!(check("x-score le 42", &b));
    assert!(check("x-ratio lt 1", &b));
    assert!(!check(r#"x-score eq "42""#, &b), "a string is not a number");
    assert!(check("active eq true", &b));
    assert!(!check("active eq false", &b));
    assert!(!check("active gt false", &b), "booleans have no order");
    assert!(!check("active co true", &b));
    assert!(
        !check(r#"name co "Jensen""#, &b),
        "a complex value without `value` matches nothing"
    );
    assert!(check(r#"userName gt "a""#, &b));
    assert!(check(r#"userName lt "C""#, &b), "ordering folds case too");
}

#[test]
fn urn_prefixed_attributes_resolve_in_their_extension() {
    let (b, i) = (bjensen(), intern());
    let dept = format!(r#"{ENTERPRISE}:department eq "tour operations""#);
    assert!(check(&dept, &b));
    assert!(!check(&dept, &i));
    assert!(check(
        &format!(r#"{ENTERPRISE}:manager.value sw "26118915""#),
        &b
    ));
    assert!(check(
        &format!(r#"{ENTERPRISE}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d""#),
        &b
    ));
    // Extension attributes are not at the top level, and an unknown URN holds nothing.
    assert!(!check("department pr", &b));
    assert!(!check("urn:example:other:1.0:User:userName pr", &b));
    // The URN matches case-insensitively, as do the keys below it.
    let upper = ENTERPRISE.to_uppercase();
    assert!(check(&format!("{upper}:EmployeeNumber eq \"701984\""), &b));
}

#[test]
fn attribute_types_are_case_insensitive_and_reach_value_filters() {
    let r = json!({ "emails": [{ "value": "X@example.com", "type": "Work" }] });
    let f = Filter::parse(r#"emails[value eq "x@example.com"]"#).unwrap();
    assert!(matches(&f, &r, &AttributeTypes::new()));
    assert!(!matches(
        &f,
        &r,
        &AttributeTypes::new().case_exact("EMAILS.VALUE")
    ));
    let f = Filter::parse(r#"emails.type eq "work""#).unwrap();
    assert!(!matches(
        &f,
        &r,
        &AttributeTypes::new().case_exact("emails.type")
    ));
}

#[test]
fn patch_value_filters_pick_the_targeted_values() {
    let b = bjensen();
    let PatchPath::Value { attr, filter, sub } =
        PatchPath::parse(r#"emails[type eq "WORK"].value"#).unwrap()
    else {
        panic!("not a value path")
    };
    assert_eq!(sub.as_deref(), Some("value"));
    let types = AttributeTypes::common();
    let picked: Vec<&Value> = b["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches_value(&filter, &attr, v, &types))
        .collect();
    assert_eq!(picked, [&b["emails"][0]]);
    let exact = AttributeTypes::new().case_exact("emails.type");
    assert!(!matches_value(&filter, &attr, &b["emails"][0], &exact));
    let members = json!({ "value": "2819c223", "display": "Babs" });
    let path = PatchPath::parse(r#"members[value eq "2819c223"]"#).unwrap();
    let PatchPath::Value { attr, filter, .. } = path else {
        panic!()
    };
    assert!(matches_value(&filter, &attr, &members, &types));
}
