//! The schemas Roster serves (RFC 7643 §7), describing what the endpoints really accept:
//! `userName` is immutable (a user's email does not change through SCIM), a user has one email
//! and one phone number, read-only attributes are marked so.

use crate::scim::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, ROSTER_USER_SCHEMA, USER_SCHEMA};
use serde_json::{json, Value};

const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// An attribute definition.
struct A {
    name: &'static str,
    kind: &'static str,
    multi: bool,
    required: bool,
    case_exact: bool,
    mutability: &'static str,
    returned: &'static str,
    uniqueness: &'static str,
    description: &'static str,
    canonical: &'static [&'static str],
    subs: Vec<A>,
}

fn a(name: &'static str, kind: &'static str, description: &'static str) -> A {
    A {
        name,
        kind,
        multi: false,
        required: false,
        case_exact: false,
        mutability: "readWrite",
        returned: "default",
        uniqueness: "none",
        description,
        canonical: &[],
        subs: Vec::new(),
    }
}

impl A {
    fn multi(mut self) -> Self {
        self.multi = true;
        self
    }
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    fn mutability(mut self, m: &'static str) -> Self {
        self.mutability = m;
        self
    }
    fn unique(mut self) -> Self {
        self.uniqueness = "server";
        self
    }
    fn canonical(mut self, c: &'static [&'static str]) -> Self {
        self.canonical = c;
        self
    }
    fn subs(mut self, s: Vec<A>) -> Self {
        self.subs = s;
        self
    }

    fn json(&self) -> Value {
        let mut v = serde_json::Map::new();
        v.insert("name".into(), json!(self.name));
        v.insert("type".into(), json!(self.kind));
        v.insert("multiValued".into(), json!(self.multi));
        v.insert("description".into(), json!(self.description));
        v.insert("required".into(), json!(self.required));
        v.insert("caseExact".into(), json!(self.case_exact));
        v.insert("mutability".into(), json!(self.mutability));
        v.insert("returned".into(), json!(self.returned));
        v.insert("uniqueness".into(), json!(self.uniqueness));
        if !self.canonical.is_empty() {
            v.insert("canonicalValues".into(), json!(self.canonical));
        }
        if self.kind == "reference" {
            v.insert("referenceTypes".into(), json!(["User"]));
        }
        if !self.subs.is_empty() {
            let subs = self.subs.iter().map(A::json).collect();
            v.insert("subAttributes".into(), Value::Array(subs));
        }
        Value::Object(v)
    }
}

fn schema(base: &str, id: &str, name: &str, description: &str, attrs: &[A]) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attrs.iter().map(A::json).collect::<Vec<_>>(),
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")},
    })
}

fn value_list(what: &'static str) -> Vec<A> {
    vec![
        a("value", "string", what),
        a("type", "string", "Roster keeps one, of type work.").canonical(&["work"]),
        a("primary", "boolean", "Always true: Roster keeps one value."),
    ]
}

/// Every schema, in the order `/Schemas` lists them.
pub fn all(base: &str) -> Vec<Value> {
    let user = [
        a("userName", "string", "The user's email, unique across Roster; set at creation.")
            .required()
            .unique()
            .mutability("immutable"),
        a("name", "complex", "The user's name.").subs(vec![
            a("givenName", "string", "First name (at most 64 characters)."),
            a("familyName", "string", "Last name (at most 64 characters)."),
        ]),
        a("displayName", "string", "Shown in meetings; derived from the names when empty."),
        a("emails", "complex", "The user's one email: always the userName (read-only).")
            .multi()
            .mutability("readOnly")
            .subs(value_list("The email.")),
        a("active", "boolean", "false deactivates the user (their seats are freed); true reactivates (seats taken again)."),
        a("title", "string", "Job title."),
        a("preferredLanguage", "string", "Language tag, e.g. en-US."),
        a("timezone", "string", "IANA time zone, e.g. Europe/Berlin."),
        a("phoneNumbers", "complex", "The user's one phone number.")
            .multi()
            .subs(vec![
                a("value", "string", "The phone number."),
                a("type", "string", "Roster keeps one, of type work.").canonical(&["work"]),
            ]),
    ];
    let enterprise = [
        a("department", "string", "Department."),
        a("employeeNumber", "string", "Employee number."),
        a(
            "manager",
            "complex",
            "The user's manager, another user of the account.",
        )
        .subs(vec![
            a("value", "string", "The manager's Roster user id.").exact()
        ]),
    ];
    let roster = [
        a(
            "userType",
            "integer",
            "Zoom's user type: 1 Basic, 2 Licensed, 3 On-Prem, 4 Unassigned, 99 None.",
        ),
        a(
            "role",
            "string",
            "Role id: 0 Owner (read-only here), 1 Admin, 2 Member, or a custom role's id.",
        )
        .exact(),
        a(
            "addOns",
            "complex",
            "Add-on seats the user holds (Licensed users only).",
        )
        .subs(vec![
            a(
                "largeMeeting",
                "integer",
                "Large Meeting capacity: 500 or 1000.",
            ),
            a(
                "webinar",
                "integer",
                "Webinar capacity: 100, 500, 1000, 3000, 5000 or 10000.",
            ),
        ]),
    ];
    let group = [
        a(
            "displayName",
            "string",
            "The group's name, unique in the account.",
        )
        .required()
        .unique(),
        a("members", "complex", "The group's members.")
            .multi()
            .subs(vec![
                a("value", "string", "A member's id.")
                    .exact()
                    .mutability("immutable"),
                a("$ref", "reference", "The member's URI.").mutability("immutable"),
                a("type", "string", "User.")
                    .canonical(&["User"])
                    .mutability("immutable"),
            ]),
    ];
    vec![
        schema(base, USER_SCHEMA, "User", "A Roster user.", &user),
        schema(
            base,
            ENTERPRISE_SCHEMA,
            "EnterpriseUser",
            "Enterprise attributes Roster keeps.",
            &enterprise,
        ),
        schema(
            base,
            ROSTER_USER_SCHEMA,
            "RosterUser",
            "Roster's own user attributes.",
            &roster,
        ),
        schema(base, GROUP_SCHEMA, "Group", "A Roster group.", &group),
    ]
}
