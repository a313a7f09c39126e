"""SCIM Bulk (RFC 7644 §3.7) with python-scim's client: users and groups created in one
request with bulkId references (forward ones too, and a member value naming a user created in
the same request), per-operation status, location, version and RFC errors, failOnErrors,
cycles, unknown references, If-Match inside an operation, and the limits. Prints
{"group": id, "users": [ids]} for the Rust test to check through /v2."""

import json

from groups_scim import BULK, GROUP, PATCH, check, client, dump, out
from scim2_models import BulkResponse, Group

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ROSTER = "urn:roster:params:scim:schemas:extension:roster:2.0:User"
scim = client()
http = scim.client


def bulk(ops, fail_on=None, raw=False):
    body = {"schemas": [BULK], "Operations": ops}
    if fail_on is not None:
        body["failOnErrors"] = fail_on
    if raw:
        return http.post("Bulk", json=body)
    # The Roster user extension is unknown to the client: the request goes as written, the
    # answer is checked.
    res = scim.bulk(body, check_request_payload=False)
    check(isinstance(res, BulkResponse), "a BulkResponse", dump(res))
    return [dump(o) for o in res.operations]


def user(bulk_id, email):
    return {"method": "POST", "path": "/Users", "bulkId": bulk_id,
            "data": {"schemas": [USER, ROSTER], "userName": email, "name": {"givenName": "B", "familyName": bulk_id},
                     ROSTER: {"userType": 1}}}


# The group is listed first but names users created later in the request: it waits for them.
ops = bulk([
    {"method": "POST", "path": "/Groups", "bulkId": "g",
     "data": {"schemas": [GROUP], "displayName": "Bulk team", "members": [{"value": "bulkId:u1"}]}},
    user("u1", "bulk1@acme.test"),
    user("u2", "bulk2@acme.test"),
    {"method": "PATCH", "path": "/Groups/bulkId:g",
     "data": {"schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": "bulkId:u2"}]}]}},
])
check([int(o["status"]) for o in ops] == [201, 201, 201, 200], "statuses", ops)
by_id = {o.get("bulkId"): o for o in ops}
check(set(by_id) >= {"g", "u1", "u2"}, "bulkIds echoed", ops)
gloc = by_id["g"]["location"]
check("/scim2/Groups/" in gloc and by_id["g"]["version"].startswith('W/"'), "location, version", ops)
gid = gloc.rsplit("/", 1)[1]
u1 = by_id["u1"]["location"].rsplit("/", 1)[1]
u2 = by_id["u2"]["location"].rsplit("/", 1)[1]
g = dump(scim.query(Group, gid))
check(sorted(m["value"] for m in g["members"]) == sorted([u1, u2]), "members by bulkId", g)
patched = [o for o in ops if o["method"] == "PATCH"][0]
check(patched["location"] == gloc and patched["version"] == g["meta"]["version"], "PATCH result", patched, g)

# Per-operation errors in the RFC's shape; the others still run (no failOnErrors).
ops = bulk([
    {"method": "POST", "path": "/Groups", "bulkId": "dup", "data": {"schemas": [GROUP], "displayName": "Bulk team"}},
    {"method": "POST", "path": "/Groups", "bulkId": "ok", "data": {"schemas": [GROUP], "displayName": "Second"}},
    {"method": "PATCH", "path": f"/Groups/{gid}", "version": 'W/"1"',
     "data": {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "displayName", "value": "Nope"}]}},
    {"method": "PATCH", "path": "/Groups/bulkId:dup",
     "data": {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "displayName", "value": "Nope"}]}},
    {"method": "DELETE", "path": "/Groups/bulkId:nowhere"},
    {"method": "DELETE", "path": "/Schemas/x"},
])
status = [int(o["status"]) for o in ops]
check(status == [409, 201, 412, 409, 400, 400], "error statuses", ops)
check(ops[0]["response"]["scimType"] == "uniqueness" and ops[0]["response"]["schemas"]
      == ["urn:ietf:params:scim:api:messages:2.0:Error"], "RFC error body", ops[0])
check(ops[4]["response"]["scimType"] == "invalidValue" and "nowhere" in ops[4]["response"]["detail"], "unknown bulkId", ops[4])
check(ops[5]["response"]["scimType"] == "invalidPath", "a path outside Users and Groups", ops[5])
second = ops[1]["location"].rsplit("/", 1)[1]
check(dump(scim.query(Group, gid))["displayName"] == "Bulk team", "412 changed nothing")

# A cycle of references: neither runs, both 409.
ops = bulk([
    {"method": "POST", "path": "/Groups", "bulkId": "a", "data": {"schemas": [GROUP], "displayName": "A", "members": [{"value": "bulkId:b"}]}},
    {"method": "POST", "path": "/Groups", "bulkId": "b", "data": {"schemas": [GROUP], "displayName": "B", "members": [{"value": "bulkId:a"}]}},
])
check([int(o["status"]) for o in ops] == [409, 409], "cycle", ops)

# failOnErrors: stop after the first error; what follows is not run.
ops = bulk([
    {"method": "POST", "path": "/Groups", "bulkId": "x", "data": {"schemas": [GROUP], "displayName": "Bulk team"}},
    {"method": "POST", "path": "/Groups", "bulkId": "y", "data": {"schemas": [GROUP], "displayName": "Never"}},
], fail_on=1)
check([int(o["status"]) for o in ops] == [409], "failOnErrors stops", ops)
lst = scim.query(Group, query_parameters={"filter": 'displayName eq "Never" or displayName eq "A" or displayName eq "B"'})
check(lst.total_results == 0, "nothing after the stop, nothing of the cycle", dump(lst))

# Limits and malformed requests refuse the whole request, changing nothing.
res = bulk([{"method": "DELETE", "path": f"/Groups/{second}"}] * 1001, raw=True)
check(res.status_code == 413 and res.json()["scimType"] == "tooMany", "maxOperations", res.text)
big = [{"method": "POST", "path": "/Groups", "bulkId": f"p{i}",
        "data": {"schemas": [GROUP], "displayName": "P" * 1000 + str(i)}} for i in range(1100)]
res = http.post("Bulk", content=json.dumps({"schemas": [BULK], "Operations": big[:999]}).encode(),
                headers={"content-type": "application/scim+json"})
check(res.status_code == 413, "maxPayloadSize", res.text)
res = http.post("Bulk", json={"schemas": [GROUP], "Operations": []})
check(res.status_code == 400 and res.json()["scimType"] == "invalidSyntax", "wrong schemas", res.text)
res = http.post("Bulk", content=b"{", headers={"content-type": "application/scim+json"})
check(res.status_code == 400 and res.json()["scimType"] == "invalidSyntax", "malformed", res.text)
res = http.post("Bulk", json={"schemas": [BULK], "Operations": [{"method": "GET", "path": "/Groups"}]})
check(res.status_code == 400 and res.json()["scimType"] == "invalidSyntax", "GET is no bulk method", res.text)
check(dump(scim.query(Group, second))["displayName"] == "Second", "the refused deletes did not run")
out({"group": gid, "users": [u1, u2], "second": second})
