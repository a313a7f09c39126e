"""SCIM Groups end to end with python-scim's client: create with members, read, list with
filters (displayName, externalId, members.value), sorting, paging, attributes and
excludedAttributes, PATCH in the shapes Okta and Entra send, PUT, ETags and If-Match, DELETE.

Arguments: three user ids of the account (ann, bob, cid). Prints what the Rust test checks
through /v2: {"maths": id, "art": id}."""

import sys

from groups_scim import GROUP, PATCH, check, client, dump, expect_error, out
from scim2_models import Group, ListResponse

ann, bob, cid = sys.argv[1:4]
scim = client()

# Create: members, externalId; 201 with Location, meta and an ETag.
maths = scim.create(
    Group,
    {"schemas": [GROUP], "displayName": "Maths", "externalId": "okta-maths",
     "members": [{"value": ann}, {"value": bob}]},
)
m = dump(maths)
check(m["displayName"] == "Maths" and m["externalId"] == "okta-maths", "created", m)
check(sorted(x["value"] for x in m["members"]) == sorted([ann, bob]), "members", m)
check(m["meta"]["resourceType"] == "Group", "meta.resourceType", m)
check(m["meta"]["location"].endswith("/scim2/Groups/" + m["id"]), "meta.location", m)
check(m["meta"]["version"].startswith('W/"'), "meta.version", m)
check(all(x["$ref"].endswith("/scim2/Users/" + x["value"]) for x in m["members"]), "$ref", m)
mid = m["id"]

http = scim.client
res = http.get(f"Groups/{mid}")
check(res.status_code == 200 and res.headers["content-type"].startswith("application/scim+json"),
      "GET answers scim+json", res.text)
check(res.headers["etag"] == res.json()["meta"]["version"], "ETag is meta.version", res.text)

art = dump(scim.create(Group, {"schemas": [GROUP], "displayName": "Art"}))
check("members" not in art or art["members"] == [], "no members yet", art)
aid = art["id"]

# Lists: filters, sorting, paging, attributes.
def names(params):
    lst = scim.query(Group, query_parameters=params)
    check(isinstance(lst, ListResponse), "a ListResponse", dump(lst))
    return [dump(r) for r in (lst.resources or [])], lst

found, lst = names({"filter": 'displayName eq "maths"'})
check([g["id"] for g in found] == [mid], "displayName eq is case-insensitive", found)
found, _ = names({"filter": 'externalId eq "okta-maths"'})
check([g["id"] for g in found] == [mid], "externalId eq", found)
found, _ = names({"filter": 'externalId eq "OKTA-MATHS"'})
check(found == [], "externalId is caseExact", found)
found, _ = names({"filter": f'members.value eq "{bob}"', "excludedAttributes": "members"})
check([g["id"] for g in found] == [mid], "members.value eq finds bob's group", found)
check(all("members" not in g for g in found), "excludedAttributes=members", found)
found, _ = names({"filter": f'members[value eq "{cid}"]'})
check(found == [], "cid is in no group", found)
found, _ = names({"filter": 'displayName sw "A" or id eq "' + mid + '"', "sortBy": "displayName"})
check([g["displayName"] for g in found] == ["Art", "Maths"], "or + sortBy", found)
found, _ = names({"sortBy": "displayName", "sortOrder": "descending"})
check([g["displayName"] for g in found] == ["Maths", "Art"], "sortOrder descending", found)
found, lst = names({"startIndex": 2, "count": 1, "sortBy": "displayName"})
check([g["displayName"] for g in found] == ["Maths"] and lst.total_results == 2
      and lst.start_index == 2 and lst.items_per_page == 1, "paging", found)
found, _ = names({"attributes": "displayName", "filter": f'id eq "{mid}"'})
check(set(found[0]) <= {"id", "schemas", "displayName"}, "attributes=displayName", found)
found, _ = names({"filter": 'meta.lastModified gt "2000-01-01T00:00:00Z"', "excludedAttributes": "members"})
check(len(found) == 2, "meta.lastModified gt", found)

# PATCH: Entra's add (op in capitals, path members, value list).
v0 = m["meta"]["version"]
r = dump(scim.modify(Group, mid, {"schemas": [PATCH], "Operations": [
    {"op": "Add", "path": "members", "value": [{"value": cid}]}]}))
check(sorted(x["value"] for x in r["members"]) == sorted([ann, bob, cid]), "add", r)
v1 = r["meta"]["version"]
check(v1 != v0, "membership bumps the version", v0, v1)

# Okta's remove with a value list; then the filter form.
r = dump(scim.modify(Group, mid, {"schemas": [PATCH], "Operations": [
    {"op": "remove", "path": "members", "value": [{"value": ann}]}]}))
check(sorted(x["value"] for x in r["members"]) == sorted([bob, cid]), "remove value list", r)
r = dump(scim.modify(Group, mid, {"schemas": [PATCH], "Operations": [
    {"op": "remove", "path": f'members[value eq "{cid}"]'}]}))
check([x["value"] for x in r["members"]] == [bob], "remove by filter", r)

# Replace members wholesale and rename, in one request, no path (Entra's shape).
r = dump(scim.modify(Group, mid, {"schemas": [PATCH], "Operations": [
    {"op": "replace", "value": {"displayName": "Mathematics", "members": [{"value": ann}, {"value": cid}]}},
    {"op": "replace", "path": "externalId", "value": "entra-maths"}]}))
check(r["displayName"] == "Mathematics" and r["externalId"] == "entra-maths", "renamed", r)
check(sorted(x["value"] for x in r["members"]) == sorted([ann, cid]), "replaced members", r)

# Adding a user who is in another group moves them (one group per user).
r = dump(scim.modify(Group, aid, {"schemas": [PATCH], "Operations": [
    {"op": "add", "path": "members", "value": [{"value": cid}]}]}))
check([x["value"] for x in r["members"]] == [cid], "cid joined Art", r)
r = dump(scim.query(Group, mid))
check([x["value"] for x in r["members"]] == [ann], "cid left Mathematics", r)

# If-Match: a stale version is refused with 412 and changes nothing; the current one passes.
stale = v0
current = r["meta"]["version"]
res = http.patch(f"Groups/{mid}", headers={"If-Match": stale},
                 json={"schemas": [PATCH], "Operations": [{"op": "replace", "path": "displayName", "value": "X"}]})
check(res.status_code == 412, "stale If-Match is 412", res.text)
check(res.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"], "412 body", res.text)
check(dump(scim.query(Group, mid))["displayName"] == "Mathematics", "412 changed nothing")
res = http.put(f"Groups/{mid}", headers={"If-Match": current},
               json={"schemas": [GROUP], "displayName": "Maths", "members": [{"value": ann}, {"value": bob}]})
check(res.status_code == 200, "PUT with the current If-Match", res.text)
r = res.json()
check("externalId" not in r, "PUT without externalId removes it", r)
check(sorted(x["value"] for x in r["members"]) == sorted([ann, bob]), "PUT replaces members", r)
res = http.delete(f"Groups/{aid}", headers={"If-Match": stale})
check(res.status_code == 412, "stale If-Match on DELETE", res.text)

# Delete: Art goes, cid stays a user in no group.
check(scim.delete(Group, aid) is None, "deleted")
expect_error(scim.query(Group, aid, raise_scim_errors=False), 404)
out({"maths": mid, "art": aid})
