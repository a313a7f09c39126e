//! Parser tests for SCIM filters: every example of RFC 7644 §3.4.2.2, precedence, literals,
//! case-insensitivity, refusals with their positions, and AST → text → AST round trips.

use proptest::prelude::*;

use super::*;

fn p(src: &str) -> Filter {
    Filter::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn attr(name: &str) -> AttrPath {
    AttrPath::new(name)
}

fn cmp(path: AttrPath, op: CompareOp, v: &str) -> Filter {
    Filter::Compare(path, op, CompValue::String(v.to_owned()))
}

fn and(a: Filter, b: Filter) -> Filter {
    Filter::And(Box::new(a), Box::new(b))
}

fn or(a: Filter, b: Filter) -> Filter {
    Filter::Or(Box::new(a), Box::new(b))
}

/// Every example filter in RFC 7644 §3.4.2.2 (Figure 2 and the text).
pub(super) const RFC_EXAMPLES: &[&str] = &[
    r#"userName Eq "john""#,
    r#"Username eq "john""#,
    r#"userName eq "bjensen""#,
    r#"name.familyName co "O'Malley""#,
    r#"userName sw "J""#,
    r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
    r#"title pr"#,
    r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
    r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
    r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
    r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
    r#"title pr and userType eq "Employee""#,
    r#"title pr or userType eq "Intern""#,
    r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
    r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
    r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
    r#"userType eq "Employee" and (emails.type eq "work")"#,
    r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
    r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    r#"emails[type eq "work" or (type eq "home" and value ew "@example.com")]"#,
];

#[test]
fn every_rfc_example_parses_and_round_trips() {
    for src in RFC_EXAMPLES {
        let f = p(src);
        assert_eq!(Filter::parse(&f.to_string()).unwrap(), f, "{src}");
    }
}

#[test]
fn rfc_examples_have_the_expected_trees() {
    assert_eq!(
        p(r#"userName eq "bjensen""#),
        cmp(attr("userName"), CompareOp::Eq, "bjensen")
    );
    assert_eq!(
        p(r#"name.familyName co "O'Malley""#),
        cmp(
            AttrPath::with_sub("name", "familyName"),
            CompareOp::Co,
            "O'Malley"
        )
    );
    let urn = p(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#);
    let Filter::Compare(path, CompareOp::Sw, _) = &urn else {
        panic!("{urn:?}")
    };
    assert_eq!(
        path.urn.as_deref(),
        Some("urn:ietf:params:scim:schemas:core:2.0:User")
    );
    assert_eq!(path.name, "userName");
    assert_eq!(p("title pr"), Filter::Present(attr("title")));
    assert_eq!(
        p(
            r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#
        ),
        and(
            cmp(attr("userType"), CompareOp::Ne, "Employee"),
            Filter::Not(Box::new(or(
                cmp(attr("emails"), CompareOp::Co, "example.com"),
                cmp(
                    AttrPath::with_sub("emails", "value"),
                    CompareOp::Co,
                    "example.org"
                ),
            ))),
        )
    );
    assert_eq!(
        p(r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#),
        and(
            cmp(attr("userType"), CompareOp::Eq, "Employee"),
            Filter::ValuePath(
                attr("emails"),
                Box::new(and(
                    cmp(attr("type"), CompareOp::Eq, "work"),
                    cmp(attr("value"), CompareOp::Co, "@example.com"),
                )),
            ),
        )
    );
}

#[test]
fn enterprise_extension_paths() {
    let f = p(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R&D""#);
    let Filter::Compare(path, _, _) = f else {
        panic!()
    };
    assert_eq!(
        path.urn.as_deref(),
        Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
    );
    assert_eq!((path.name.as_str(), path.sub), ("department", None));
    let f = p(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
    );
    let Filter::Compare(path, _, _) = f else {
        panic!()
    };
    assert_eq!(
        (path.name.as_str(), path.sub.as_deref()),
        ("manager", Some("value"))
    );
}

#[test]
fn and_binds_tighter_than_or_and_both_associate_left() {
    let (a, b, c) = (
        || Filter::Present(attr("a")),
        || Filter::Present(attr("b")),
        || Filter::Present(attr("c")),
    );
    assert_eq!(p("a pr or b pr and c pr"), or(a(), and(b(), c())));
    assert_eq!(p("a pr and b pr or c pr"), or(and(a(), b()), c()));
    assert_eq!(p("(a pr or b pr) and c pr"), and(or(a(), b()), c()));
    assert_eq!(p("a pr and b pr and c pr"), and(and(a(), b()), c()));
    assert_eq!(p("a pr or b pr or c pr"), or(or(a(), b()), c()));
    assert_eq!(p("a pr and (b pr and c pr)"), and(a(), and(b(), c())));
    assert_eq!(
        p("not (a pr) and b pr"),
        and(Filter::Not(Box::new(a())), b())
    );
    assert_eq!(p("((((a pr))))"), a());
}

#[test]
fn keywords_operators_and_literals_are_case_insensitive() {
    // The RFC's own pair: "will evaluate to the same logical value".
    let (a, b) = (p(r#"userName Eq "john""#), p(r#"Username eq "john""#));
    let Filter::Compare(pa, opa, va) = &a else {
        panic!()
    };
    let Filter::Compare(pb, opb, vb) = &b else {
        panic!()
    };
    assert!(pa.same_as(pb));
    assert_eq!((opa, va), (opb, vb));
    assert_eq!(
        p(r#"userName EQ "x" AND Title Pr Or NOT (active Eq TRUE)"#),
        p(r#"userName eq "x" and Title pr or not (active eq true)"#)
    );
    for op in CompareOp::ALL {
        let upper = op.as_str().to_uppercase();
        assert_eq!(p(&format!("a {upper} 1")), p(&format!("a {op} 1")));
    }
}

#[test]
fn literals_follow_json() {
    let v = |src: &str| match p(&format!("a eq {src}")) {
        Filter::Compare(_, _, v) => v,
        other => panic!("{other:?}"),
    };
    assert_eq!(v("true"), CompValue::Bool(true));
    assert_eq!(v("False"), CompValue::Bool(false));
    assert_eq!(v("null"), CompValue::Null);
    assert_eq!(v("42"), CompValue::Number(42.into()));
    assert_eq!(v("-7"), CompValue::Number((-7).into()));
    assert_eq!(v("1.5e3").to_string(), "1500.0");
    assert_eq!(
        v(r#""a \"quoted\" \\ \u00e9 \n""#),
        CompValue::String("a \"quoted\" \\ é \n".into())
    );
    assert_eq!(
        v(r#""with ] and ) and or""#),
        CompValue::String("with ] and ) and or".into())
    );
    assert_eq!(v(r#""""#), CompValue::String(String::new()));
}

#[test]
fn whitespace_is_free_between_tokens() {
    assert_eq!(p("  a   eq\t1  "), p("a eq 1"));
    assert_eq!(p("(a pr)and(b pr)"), p("(a pr) and (b pr)"));
    assert_eq!(p("not(a pr)"), p("not (a pr)"));
    assert_eq!(
        p(r#"emails[ type eq "work" ]"#),
        p(r#"emails[type eq "work"]"#)
    );
}

#[test]
fn attributes_named_like_keywords_still_parse() {
    assert_eq!(p("not pr"), Filter::Present(attr("not")));
    assert_eq!(
        p("and eq 1 and or pr"),
        and(
            Filter::Compare(attr("and"), CompareOp::Eq, CompValue::Number(1.into())),
            Filter::Present(attr("or"))
        )
    );
    assert_eq!(p("notes pr"), Filter::Present(attr("notes")));
    assert_eq!(
        p(r#"members[$ref eq "x"]"#).paths()[1],
        AttrPath::with_sub("members", "$ref")
    );
}

#[test]
fn paths_lists_every_attribute_qualified() {
    let f = p(
        r#"userName eq "x" and emails[type eq "work" and not (primary eq true)] or urn:x:y:User:department pr"#,
    );
    let names: Vec<String> = f.paths().iter().map(ToString::to_string).collect();
    assert_eq!(
        names,
        [
            "userName",
            "emails",
            "emails.type",
            "emails.primary",
            "urn:x:y:User:department"
        ]
    );
}

#[test]
fn attribute_paths_compare_case_insensitively() {
    let a = AttrPath::parse("Name.GivenName").unwrap();
    assert!(a.same_as(&AttrPath::with_sub("name", "givenname")));
    assert!(!a.same_as(&AttrPath::new("name")));
    assert!(AttrPath::parse("emails[type eq \"x\"]").is_err());
}

type KindCheck = fn(&SyntaxErrorKind) -> bool;

#[test]
fn malformed_filters_are_refused_with_their_position() {
    use SyntaxErrorKind as K;
    let cases: &[(&str, usize, KindCheck)] = &[
        ("", 0, |k| *k == K::Empty),
        ("  ", 0, |k| *k == K::Empty),
        ("userName", 8, |k| {
            matches!(k, K::Expected { found: None, .. })
        }),
        (r#"userName eq"#, 11, |k| {
            matches!(k, K::Expected { found: None, .. })
        }),
        (
            r#"userName equals "x""#,
            9,
            |k| matches!(k, K::UnknownOperator(o) if o == "equals"),
        ),
        (r#"userName eq "x"#, 12, |k| *k == K::UnterminatedString),
        (r#"userName eq "\q""#, 12, |k| matches!(k, K::BadString(_))),
        ("userName eq \"a\u{1}\"", 12, |k| {
            matches!(k, K::BadString(_))
        }),
        (
            r#"userName eq bjensen"#,
            12,
            |k| matches!(k, K::Expected { found: Some(f), .. } if f == "bjensen"),
        ),
        (r#"userName eq 'x'"#, 12, |k| {
            matches!(k, K::Expected { .. })
        }),
        ("a eq 01", 5, |k| matches!(k, K::BadNumber(_))),
        ("a eq 1e999", 5, |k| matches!(k, K::BadNumber(_))),
        ("a eq -", 5, |k| matches!(k, K::BadNumber(_))),
        ("a pr and", 8, |k| {
            matches!(k, K::Expected { found: None, .. })
        }),
        (
            "a pr or or b pr",
            11,
            |k| matches!(k, K::UnknownOperator(o) if o == "b"),
        ),
        (
            "a pr b pr",
            5,
            |k| matches!(k, K::Unexpected(t) if t == "b"),
        ),
        ("(a pr", 5, |k| matches!(k, K::Expected { found: None, .. })),
        ("a pr)", 4, |k| matches!(k, K::Unexpected(t) if t == ")")),
        ("not a pr", 4, |k| matches!(k, K::Expected { .. })),
        ("name..x pr", 0, |k| matches!(k, K::BadAttribute(_))),
        ("a.b.c pr", 0, |k| matches!(k, K::BadAttribute(_))),
        ("1a pr", 0, |k| {
            matches!(k, K::Expected { .. } | K::BadNumber(_) | K::BadAttribute(_))
        }),
        ("-a pr", 0, |k| matches!(k, K::BadAttribute(_))),
        ("x:userName pr", 0, |k| matches!(k, K::BadAttribute(_))),
        ("urn:a::b:c pr", 0, |k| matches!(k, K::BadAttribute(_))),
        ("urn:a:b: pr", 0, |k| matches!(k, K::BadAttribute(_))),
        (r#"emails[type eq "work""#, 21, |k| {
            matches!(k, K::Expected { found: None, .. })
        }),
        (r#"emails[type eq "work"].value eq "x""#, 22, |k| {
            matches!(k, K::Unexpected(_))
        }),
        (r#"emails[x[y pr]]"#, 8, |k| *k == K::NestedValueFilter),
        (r#"emails[emails.type pr]"#, 7, |k| {
            *k == K::QualifiedInValueFilter
        }),
        (r#"name.givenName[x pr]"#, 0, |k| {
            *k == K::ValueFilterOnSubAttribute
        }),
        (
            r#"emails [type eq "work"]"#,
            7,
            |k| matches!(k, K::Expected { found: Some(f), .. } if f == "["),
        ),
        (
            "a eq \"x\" && b pr",
            9,
            |k| matches!(k, K::Unexpected(t) if t == "&"),
        ),
    ];
    for (src, at, kind) in cases {
        let e = Filter::parse(src).expect_err(src);
        assert!(kind(&e.kind), "{src}: wrong kind {:?}", e.kind);
        assert_eq!(e.position, *at, "{src}: {e}");
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn pathological_input_is_refused() {
    let long = format!("userName eq \"{}\"", "x".repeat(MAX_LEN));
    assert_eq!(
        Filter::parse(&long).unwrap_err().kind,
        SyntaxErrorKind::TooLong
    );
    let nested = |n: usize| format!("{}a pr{}", "(".repeat(n), ")".repeat(n));
    assert!(Filter::parse(&nested(MAX_DEPTH)).is_ok());
    assert_eq!(
        Filter::parse(&nested(MAX_DEPTH + 1)).unwrap_err().kind,
        SyntaxErrorKind::TooDeep
    );
    let nots = format!(
        "{}a pr{}",
        "not (".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(
        Filter::parse(&nots).unwrap_err().kind,
        SyntaxErrorKind::TooDeep
    );
    // A long flat chain is fine (the length bound keeps it finite).
    let chain = vec!["a pr"; 400].join(" and ");
    assert!(Filter::parse(&chain).is_ok());
    assert!(Filter::parse(&"(".repeat(4000)).is_err());
}

#[test]
fn display_is_canonical() {
    assert_eq!(
        p(r#"A EQ "x" AND (b PR OR NOT (c Gt 2))"#).to_string(),
        r#"A eq "x" and (b pr or not (c gt 2))"#
    );
    assert_eq!(
        p("a pr and (b pr and c pr)").to_string(),
        "a pr and (b pr and c pr)"
    );
    assert_eq!(
        p("(a pr and b pr) and c pr").to_string(),
        "a pr and b pr and c pr"
    );
    assert_eq!(p(r#"a eq "q\"\u0001""#).to_string(), r#"a eq "q\"\u0001""#);
}

fn arb_name() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9_-]{0,8}".prop_filter("keywords read as keywords", |s| {
        !["and", "or", "not", "true", "false", "null", "pr"]
            .iter()
            .any(|k| s.eq_ignore_ascii_case(k))
    })
}

fn arb_path(inner: bool) -> BoxedStrategy<AttrPath> {
    if inner {
        return arb_name().prop_map(|n| AttrPath::new(&n)).boxed();
    }
    (
        prop::option::of(prop_oneof![
            Just("urn:ietf:params:scim:schemas:core:2.0:User".to_owned()),
            Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned()),
        ]),
        arb_name(),
        prop::option::of(arb_name()),
    )
        .prop_map(|(urn, name, sub)| AttrPath { urn, name, sub })
        .boxed()
}

fn arb_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        Just(CompValue::Null),
        any::<bool>().prop_map(CompValue::Bool),
        any::<i64>().prop_map(|n| CompValue::Number(n.into())),
        (-1e12f64..1e12).prop_map(|f| CompValue::Number(
            serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into())
        )),
        any::<String>().prop_map(CompValue::String),
    ]
}

fn arb_filter(inner: bool) -> BoxedStrategy<Filter> {
    let op = prop::sample::select(CompareOp::ALL.to_vec());
    let leaf = prop_oneof![
        arb_path(inner).prop_map(Filter::Present),
        (arb_path(inner), op, arb_value()).prop_map(|(p, o, v)| Filter::Compare(p, o, v)),
    ];
    let leaf = if inner {
        leaf.boxed()
    } else {
        prop_oneof![
            3 => leaf,
            1 => (arb_name(), arb_filter(true))
                .prop_map(|(n, f)| Filter::ValuePath(AttrPath::new(&n), Box::new(f))),
        ]
        .boxed()
    };
    leaf.prop_recursive(4, 24, 2, |f| {
        prop_oneof![
            (f.clone(), f.clone()).prop_map(|(a, b)| Filter::And(Box::new(a), Box::new(b))),
            (f.clone(), f.clone()).prop_map(|(a, b)| Filter::Or(Box::new(a), Box::new(b))),
            f.prop_map(|a| Filter::Not(Box::new(a))),
        ]
    })
    .boxed()
}

proptest! {
    #[test]
    fn ast_to_text_to_ast(f in arb_filter(false)) {
        let text = f.to_string();
        prop_assert_eq!(Filter::parse(&text).map_err(|e| format!("{text}: {e}")), Ok(f));
    }

    #[test]
    fn patch_path_to_text_to_patch_path(
        attr in arb_path(false),
        value in prop::option::of((arb_filter(true), prop::option::of(arb_name()))),
    ) {
        let path = match value {
            None => PatchPath::Attr(attr),
            Some((filter, sub)) => PatchPath::Value { attr: AttrPath { sub: None, ..attr }, filter, sub },
        };
        let text = path.to_string();
        prop_assert_eq!(PatchPath::parse(&text).map_err(|e| format!("{text}: {e}")), Ok(path));
    }

    #[test]
    fn parsing_arbitrary_input_never_panics(s in "\\PC{0,80}") {
        let _ = Filter::parse(&s);
        let _ = PatchPath::parse(&s);
    }

    #[test]
    fn parsing_filter_shaped_noise_never_panics(s in "[a-z \"()\\[\\]\\.:0-9\\\\-]{0,60}") {
        if let Ok(f) = Filter::parse(&s) {
            prop_assert_eq!(Filter::parse(&f.to_string()), Ok(f));
        }
    }
}

#[test]
fn error_messages_read_as_the_readme_shows() {
    let e = Filter::parse("userName eq bjensen").unwrap_err();
    assert_eq!(
        e.to_string(),
        "expected a value (a \"string\", a number, true, false or null), found `bjensen` (at offset 12)"
    );
    let e = Filter::parse("userName eq").unwrap_err();
    assert_eq!(
        e.to_string(),
        "expected a value (a \"string\", a number, true, false or null), found the end (at offset 11)"
    );
}
