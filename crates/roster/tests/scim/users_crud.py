"""SCIM Users through python-scim's client: create (managed domain: active; elsewhere:
invited), read, filter, page, sort, project, search, replace, patch (Okta and Entra shapes),
ETags, delete, and every refusal with nothing changed. Argument 1: the managed domain; 2: the
owner's email. Prints the ids it made, for the Rust side to check through /v2/users."""

import sys

from users_common import (ENTERPRISE, ROSTER, USER, check, client, out, patch_body, refused,
                          send, user_body)

domain, owner_email = sys.argv[1], sys.argv[2]
scim = client()
c = scim.client
User = scim.get_resource_model("User")


def total(flt=None):
    q = "Users?count=0" + (f"&filter={flt}" if flt else "")
    r, j = send(c, "GET", q)
    check(r.status_code == 200, f"{q}: {r.text}")
    return j["totalResults"]


def get(uid):
    r, j = send(c, "GET", f"Users/{uid}")
    check(r.status_code == 200, f"GET {uid}: {r.text}")
    check(r.headers.get("etag") == j["meta"]["version"], f"ETag header {r.headers} vs {j['meta']}")
    return j


# Create with the typed client: a managed-domain user starts active.
ann = User(user_name=f"Ann@{domain}", external_id="okta-ann", title="CTO", timezone="Europe/Berlin",
           preferred_language="fr-FR")
ann.name = User.model_fields["name"].annotation.__args__[0](given_name="Ann", family_name="Lee")
created = scim.create(ann)
check(created.user_name == f"ann@{domain}", f"userName is the lower-cased email: {created.user_name}")
check(created.active is True, "managed-domain users start active")
ann_id = created.id
a = get(ann_id)
check(a["name"] == {"givenName": "Ann", "familyName": "Lee"} and a["displayName"] == "Ann Lee", a)
check(a["externalId"] == "okta-ann" and a["title"] == "CTO" and a["timezone"] == "Europe/Berlin", a)
check(a["preferredLanguage"] == "fr-FR", a)
check(a[ROSTER] == {"userType": 1, "role": "2"}, a)
check(a["meta"]["location"].endswith(f"/scim2/Users/{ann_id}"), a["meta"])
check(a["meta"]["location"].startswith("http"), a["meta"])

# Raw body with the enterprise extension, manager and phone; outside the managed domain: invited.
r, bob = send(c, "POST", "Users", user_body(
    "bob@elsewhere.test", externalId="okta-bob", name={"givenName": "Bob", "familyName": "Stone"},
    phoneNumbers=[{"value": "+49 30 123", "type": "work"}],
    **{ENTERPRISE: {"department": "Sales", "employeeNumber": "E-7", "manager": {"value": ann_id}}}))
check(r.status_code == 201, f"create bob: {r.text}")
check(r.headers["location"] == bob["meta"]["location"], r.headers)
check(bob["active"] is True, f"invited users are active until deactivated: {bob}")
check(bob[ENTERPRISE]["department"] == "Sales" and bob[ENTERPRISE]["manager"]["value"] == ann_id, bob)
check(bob["phoneNumbers"][0]["value"] == "+49 30 123", bob)
bob_id = bob["id"]

r, cid = send(c, "POST", "Users", user_body(f"cy@{domain}", displayName="Cy", active=False,
                                              **{ROSTER: {"userType": 1}}))
check(r.status_code == 201 and cid["active"] is False, f"created inactive: {r.text}")
cy_id = cid["id"]

# Refusals on create: nothing is added.
before = total()
refused(c, "POST", "Users", user_body(f"ANN@{domain}"), 409, "uniqueness")
refused(c, "POST", "Users", user_body(f"dup@{domain}", externalId="okta-ann"), 409, "uniqueness")
refused(c, "POST", "Users", {"userName": f"x@{domain}"}, 400, "invalidSyntax")
refused(c, "POST", "Users", {"schemas": ["urn:x:Nope"], "userName": f"x@{domain}"}, 400, "invalidSyntax")
refused(c, "POST", "Users", user_body(f"x@{domain}", favouriteColour="red"), 400, "invalidValue")
refused(c, "POST", "Users", user_body(f"x@{domain}", password="Secret-123456"), 400, "invalidValue")
refused(c, "POST", "Users", user_body("not-an-email"), 400, "invalidValue")
refused(c, "POST", "Users", user_body(f"x@{domain}", **{ENTERPRISE: {"manager": {"value": "nobody"}}}),
        400, "invalidValue")
refused(c, "POST", "Users", "not json at all", 400, "invalidSyntax")
check(total() == before, "refused creates added users")
refused(c, "GET", "Users/AAAAAAAAAAAAAAAAAAAAAA", None, 404)

# Filters, translated to SQL.
def ids(flt, **params):
    q = "&".join([f"filter={flt}"] + [f"{k}={v}" for k, v in params.items()])
    r, j = send(c, "GET", f"Users?{q}")
    check(r.status_code == 200, f"filter {flt}: {r.text}")
    return [u["id"] for u in j["Resources"]]

check(ids(f'userName eq "ANN@{domain.upper()}"') == [ann_id], "userName eq is case-insensitive")
check(ids('externalId eq "okta-bob"') == [bob_id], "externalId eq")
check(ids('externalId eq "OKTA-BOB"') == [], "externalId is caseExact")
check(ids('emails.value co "ELSEWHERE"') == [bob_id], "emails.value co")
check(ids('emails[value ew "elsewhere.test"]') == [bob_id], "value filter")
check(ids('active eq false') == [cy_id], "active eq false")
check(set(ids('name.givenName sw "b" or name.familyName ew "EE"')) == {ann_id, bob_id}, "sw/ew/or")
check(ids(f'not (userName ew "{domain}") and externalId pr') == [bob_id], "not/and/pr")
check(ids(f'(displayName eq "Cy") and (id eq "{cy_id}")') == [cy_id], "parentheses, id")
check(ids('meta.lastModified gt "2000-01-01T00:00:00Z" and displayName ne "Cy"', count=200)
      .count(cy_id) == 0, "dateTime and ne")
check(ids('meta.created lt "2000-01-01T00:00:00Z"') == [], "meta.created lt")
j = refused(c, "GET", 'Users?filter=nickName eq "x"', None, 400, "invalidFilter")
check("nickName" in j["detail"], j)
refused(c, "GET", 'Users?filter=userName eq', None, 400, "invalidFilter")
refused(c, "GET", 'Users?filter=active gt true', None, 400, "invalidFilter")

# Paging, sorting, projection, search.
everyone = total()
r, j = send(c, "GET", "Users?count=0")
check(j["totalResults"] == everyone and j["Resources"] == [], f"count=0: {j}")
r, j = send(c, "GET", "Users?sortBy=userName&sortOrder=descending&startIndex=2&count=1")
names = sorted([u["userName"] for u in send(c, "GET", "Users?count=500")[1]["Resources"]], reverse=True)
check([u["userName"] for u in j["Resources"]] == names[1:2] and j["startIndex"] == 2, f"page: {j}")
check(send(c, "GET", "Users?count=100000")[1]["itemsPerPage"] <= 200, "count capped at maxResults")
r, j = send(c, "GET", f"Users/{bob_id}?attributes=userName,{ENTERPRISE}:department")
check(set(j) == {"schemas", "id", "userName", ENTERPRISE} and j[ENTERPRISE] == {"department": "Sales"}, j)
r, j = send(c, "GET", f"Users/{bob_id}?excludedAttributes=emails,name.givenName")
check("emails" not in j and "givenName" not in j["name"] and "familyName" in j["name"], j)
r, j = send(c, "POST", "Users/.search", {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
    "filter": 'externalId sw "okta-"', "sortBy": "userName", "attributes": ["userName"]})
check(r.status_code == 200 and [u["userName"] for u in j["Resources"]] == [f"ann@{domain}", "bob@elsewhere.test"], j)

# PUT replaces; versions move; immutable userName refused, nothing changed.
a = get(ann_id)
body = user_body(f"ann@{domain}", externalId="okta-ann", name={"givenName": "Ann", "familyName": "Lee-Smith"},
                 title="CEO")
r, j = send(c, "PUT", f"Users/{ann_id}", body, {"If-Match": a["meta"]["version"]})
check(r.status_code == 200 and j["title"] == "CEO" and j["name"]["familyName"] == "Lee-Smith", r.text)
check(j["meta"]["version"] != a["meta"]["version"], "version moved")
check("timezone" not in j, "PUT clears what it does not send")
v = j["meta"]["version"]
refused(c, "PUT", f"Users/{ann_id}", user_body(f"ann2@{domain}"), 400, "mutability")
refused(c, "PUT", f"Users/{ann_id}", body, 412, headers={"If-Match": 'W/"999999"'})
refused(c, "PUT", f"Users/{ann_id}", user_body(f"ann@{domain}", externalId="okta-bob"), 409, "uniqueness")
check(get(ann_id)["meta"]["version"] == v, "refused PUTs changed the user")

# PATCH: Okta and Entra shapes.
def patch(uid, *ops, headers=None):
    r, j = send(c, "PATCH", f"Users/{uid}", patch_body(*ops), headers)
    check(r.status_code == 200, f"PATCH {ops}: {r.text}")
    return j

j = patch(ann_id, {"op": "replace", "path": "name.givenName", "value": "Anna"})
check(j["name"] == {"givenName": "Anna", "familyName": "Lee-Smith"}, j)
check(j["displayName"] == "Ann Lee-Smith", "a displayName once set stays")
j = patch(ann_id, {"op": "Replace", "path": 'emails[type eq "work"].value', "value": f"ann@{domain}"},
          {"op": "Add", "path": 'phoneNumbers[type eq "work"].value', "value": "+1 555"},
          {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Board"},
          {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": bob_id}})
check(j["phoneNumbers"][0]["value"] == "+1 555" and j[ENTERPRISE]["department"] == "Board", j)
check(j[ENTERPRISE]["manager"]["value"] == bob_id, j)
j = patch(ann_id, {"op": "replace", "value": {"name.familyName": "Lee", f"{ENTERPRISE}:employeeNumber": "E-1",
                                              "displayName": "Dr Ann"}})
check(j["name"]["familyName"] == "Lee" and j[ENTERPRISE]["employeeNumber"] == "E-1", j)
j = patch(ann_id, {"op": "remove", "path": "phoneNumbers"}, {"op": "remove", "path": f"{ENTERPRISE}:manager"})
check("phoneNumbers" not in j and "manager" not in j[ENTERPRISE], j)
j = patch(ann_id, {"op": "Replace", "value": {"active": False}})
check(j["active"] is False, j)
j = patch(ann_id, {"op": "Replace", "path": "active", "value": "True"})
check(j["active"] is True, j)
j = patch(ann_id, {"op": "replace", "path": "active", "value": "False"})
check(j["active"] is False, j)
j = patch(ann_id, {"op": "replace", "value": {"active": True, "externalId": "okta-ann-2"}})
check(j["active"] is True and j["externalId"] == "okta-ann-2", j)
v = j["meta"]["version"]
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "remove", "path": 'emails[type eq "home"]'}), 400, "noTarget")
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "replace", "path": "nickName2", "value": "x"}), 400, "invalidPath")
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "replace", "path": "name[", "value": "x"}), 400, "invalidPath")
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "remove"}), 400, "noTarget")
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "replace", "path": "id", "value": "x"}), 400, "mutability")
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "replace", "path": "userName", "value": "z@z.test"}),
        400, "mutability")
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "replace", "path": "externalId", "value": "okta-bob"}),
        409, "uniqueness")
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "jump", "path": "title", "value": "x"}), 400, "invalidSyntax")
refused(c, "PATCH", f"Users/{ann_id}", {"Operations": []}, 400, "invalidSyntax")
refused(c, "PATCH", f"Users/{ann_id}", patch_body({"op": "replace", "path": "title", "value": "x"}), 412,
        headers={"If-Match": 'W/"1"'})
check(get(ann_id)["meta"]["version"] == v, "refused PATCHes changed the user")
j = patch(ann_id, {"op": "replace", "path": "title", "value": "Chair"}, headers={"If-Match": v})
check(j["title"] == "Chair", j)

# The owner stays.
owner = ids(f'userName eq "{owner_email}"')[0]
refused(c, "PATCH", f"Users/{owner}", patch_body({"op": "replace", "path": "active", "value": False}), 403)
refused(c, "DELETE", f"Users/{owner}", None, 403)

# Delete (If-Match honoured).
refused(c, "DELETE", f"Users/{cy_id}", None, 412, headers={"If-Match": 'W/"12345"'})
check(get(cy_id)["id"] == cy_id, "a refused DELETE removed the user")
r, _ = send(c, "DELETE", f"Users/{cy_id}", None, {"If-Match": get(cy_id)["meta"]["version"]})
check(r.status_code == 204, f"delete: {r.status_code} {r.text}")
refused(c, "GET", f"Users/{cy_id}", None, 404)

out({"ann": ann_id, "bob": bob_id, "cy": cy_id})
