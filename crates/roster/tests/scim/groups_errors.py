"""SCIM Groups refusals with python-scim's client (and raw requests for malformed bodies): each
answers the RFC's error body with the right status and scimType. Arguments: a user id of the
account (ann), a user id and a group id of another account. Prints the ids of the groups this
script leaves behind, so the Rust test can prove nothing else was stored or changed."""

import sys

from groups_scim import GROUP, PATCH, check, client, dump, expect_error, out
from scim2_models import Group

ann, other_user, other_group = sys.argv[1:4]
scim = client()
http = scim.client
no_raise = {"raise_scim_errors": False}

g = dump(scim.create(Group, {"displayName": "Maths", "externalId": "ext-1", "members": [{"value": ann}]}))
gid, version = g["id"], g["meta"]["version"]
art = dump(scim.create(Group, {"displayName": "Art"}))

def create(body):
    return scim.create(Group, body, **no_raise)

expect_error(create({"displayName": "Maths"}), 409, "uniqueness")
expect_error(create({"displayName": "Other", "externalId": "ext-1"}), 409, "uniqueness")
e = expect_error(create({"displayName": "Ghosts", "members": [{"value": "nosuchuser0000000000"}]}), 400, "invalidValue")
check("nosuchuser0000000000" in e["detail"], "the unknown member is named", e)
e = expect_error(create({"displayName": "Spies", "members": [{"value": other_user}]}), 400, "invalidValue")
check(other_user in e["detail"], "another account's user is named", e)

def raw(method, path, body=None, content=None, **kw):
    res = http.request(method, path, json=body, content=content, **kw)
    check(res.headers.get("content-type", "").startswith("application/scim+json"), "scim+json", res.text)
    return res.status_code, res.json()

s, e = raw("POST", "Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "displayName": "W"})
check(s == 400 and e["scimType"] == "invalidSyntax", "wrong schemas", e)
s, e = raw("POST", "Groups", content=b'{"schemas": [', headers={"content-type": "application/scim+json"})
check(s == 400 and e["scimType"] == "invalidSyntax", "malformed JSON", e)
s, e = raw("POST", "Groups", content=b'displayName=x', headers={"content-type": "text/plain"})
check(s == 400 and e["scimType"] == "invalidSyntax", "not JSON", e)
s, e = raw("POST", "Groups", {"schemas": [GROUP]})
check(s == 400 and e["scimType"] == "invalidValue" and "displayName" in e["detail"], "no displayName", e)
s, e = raw("POST", "Groups", {"schemas": [GROUP], "displayName": "N", "owner": "x"})
check(s == 400 and e["scimType"] == "invalidValue", "unknown attribute", e)

def patch(ops, **kw):
    return raw("PATCH", f"Groups/{gid}", {"schemas": [PATCH], "Operations": ops}, **kw)

s, e = patch([{"op": "remove", "path": f'members[value eq "{art["id"]}"]'}])
check(s == 400 and e["scimType"] == "noTarget", "a filter that selects no member", e)
s, e = patch([{"op": "remove", "path": 'members[value eq "x"'}])
check(s == 400 and e["scimType"] == "invalidPath", "unparsable path", e)
s, e = patch([{"op": "replace", "path": "owner", "value": "x"}])
check(s == 400 and e["scimType"] == "invalidPath", "no such attribute", e)
s, e = patch([{"op": "remove"}])
check(s == 400 and e["scimType"] == "noTarget", "remove without a path", e)
s, e = patch([{"op": "move", "path": "displayName", "value": "x"}])
check(s == 400 and e["scimType"] == "invalidSyntax", "unknown op", e)
s, e = patch([{"op": "replace", "path": "id", "value": "x"}])
check(s == 400 and e["scimType"] == "mutability", "id is read-only", e)
s, e = patch([{"op": "remove", "path": "displayName"}])
check(s == 400 and e["scimType"] == "mutability", "displayName is required", e)
# All or nothing: a rename and an unknown member in one request change nothing.
s, e = patch([{"op": "replace", "path": "displayName", "value": "Renamed"},
              {"op": "add", "path": "members", "value": [{"value": other_user}]}])
check(s == 400 and e["scimType"] == "invalidValue" and other_user in e["detail"], "unknown member", e)
s, e = patch([{"op": "replace", "path": "displayName", "value": "Art"}])
check(s == 409 and e["scimType"] == "uniqueness", "rename onto another group's name", e)
s, e = patch([{"op": "replace", "path": "externalId", "value": "ext-1"}])
check(s == 200, "keeping its own externalId is fine", e)
s, e = patch([{"op": "replace", "path": "displayName", "value": "X"}], headers={"If-Match": 'W/"999"'})
check(s == 412, "stale If-Match", e)
s, e = raw("PUT", f"Groups/{gid}", {"schemas": [GROUP], "id": "someotherid", "displayName": "Maths"})
check(s == 400 and e["scimType"] == "mutability", "PUT may not change id", e)

# Another account's group is not there at all.
expect_error(scim.query(Group, other_group, **no_raise), 404)
s, e = raw("PATCH", f"Groups/{other_group}", {"schemas": [PATCH], "Operations": [
    {"op": "add", "path": "members", "value": [{"value": ann}]}]})
check(s == 404, "PATCH another account's group", e)
s, e = raw("DELETE", f"Groups/{other_group}")
check(s == 404, "DELETE another account's group", e)

# Bad queries.
for f, t in [('displayName eq', "invalidFilter"), ('owner eq "x"', "invalidFilter"),
             ('members.value co "x"', "invalidFilter")]:
    s, e = raw("GET", "Groups", params={"filter": f})
    check(s == 400 and e["scimType"] == t, f"filter {f}", e)
s, e = raw("GET", "Groups", params={"sortBy": "owner"})
check(s == 400 and e["scimType"] == "invalidValue", "sortBy", e)
s, e = raw("GET", "Groups", params={"count": "many"})
check(s == 400 and e["scimType"] == "invalidValue", "count", e)
s, e = raw("GET", "Groups/nosuchgroup")
check(s == 404, "unknown group", e)

after = dump(scim.query(Group, gid))
check(after["displayName"] == "Maths" and after["externalId"] == "ext-1", "unchanged", after)
check([m["value"] for m in after["members"]] == [ann], "members unchanged", after)
check(after["meta"]["version"] == version, "version unchanged by refusals", version, after)
out({"maths": gid, "art": art["id"]})
