"""A provisioning run as an identity provider makes it, with python-scim's client: 1,000 users
and 20 groups, half through Bulk (groups naming users of the same request by bulkId) and half
through single requests; then members moved and removed, 100 users renamed (Bulk PATCH) and
50 deactivated (single PATCH). Prints what the Rust test checks through /v2:
{"groups": {group id: [member ids]}, "renamed": [...], "deactivated": [...], "users": n}."""

from groups_scim import BULK, GROUP, PATCH, check, client, dump, out
from scim2_models import BulkResponse, Group, User

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ROSTER = "urn:roster:params:scim:schemas:extension:roster:2.0:User"
N_USERS, N_GROUPS = 1000, 20
scim = client()


def user_data(i):
    return {"schemas": [USER, ROSTER], "userName": f"p{i:04}@acme.test",
            "name": {"givenName": "P", "familyName": f"{i:04}"}, ROSTER: {"userType": 1}}


def bulk(ops):
    res = scim.bulk({"schemas": [BULK], "Operations": ops}, check_request_payload=False)
    check(isinstance(res, BulkResponse), "a BulkResponse", dump(res))
    results = [dump(o) for o in res.operations]
    bad = [o for o in results if int(o["status"]) >= 400]
    check(not bad, "every operation succeeded", bad[:3])
    return results


users = {}  # index -> id
groups = {}  # group index -> id

# Half the users and half the groups through Bulk: 10 requests, each with 50 users and the
# group holding them, its members given as bulkIds.
for g in range(N_GROUPS // 2):
    ops = []
    for k in range(50):
        i = g * 50 + k
        ops.append({"method": "POST", "path": "/Users", "bulkId": f"u{i}", "data": user_data(i)})
    ops.append({"method": "POST", "path": "/Groups", "bulkId": f"g{g}", "data": {
        "schemas": [GROUP], "displayName": f"Team {g:02}", "externalId": f"idp-team-{g}",
        "members": [{"value": f"bulkId:u{g * 50 + k}"} for k in range(50)]}})
    for o in bulk(ops):
        idx = o["bulkId"]
        rid = o["location"].rsplit("/", 1)[1]
        if idx.startswith("u"):
            users[int(idx[1:])] = rid
        else:
            groups[int(idx[1:])] = rid

# The other half one request at a time.
for i in range(N_USERS // 2, N_USERS):
    created = scim.create(resource=user_data(i), url="/Users", check_request_payload=False,
                          check_response_payload=False)
    users[i] = created["id"]
for g in range(N_GROUPS // 2, N_GROUPS):
    members = [{"value": users[g * 50 + k]} for k in range(50)]
    created = dump(scim.create(Group, {"displayName": f"Team {g:02}", "externalId": f"idp-team-{g}",
                                       "members": members}))
    groups[g] = created["id"]
check(len(users) == N_USERS and len(groups) == N_GROUPS, "all created")
expected = {g: [users[g * 50 + k] for k in range(50)] for g in range(N_GROUPS)}

# Moves: the first 5 of every team join the next team (one PATCH add per group).
for g in range(N_GROUPS):
    nxt = (g + 1) % N_GROUPS
    movers = expected[g][:5]
    scim.modify(Group, groups[nxt], {"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": u} for u in movers]}]})
moved = {g: expected[g][:5] for g in range(N_GROUPS)}
for g in range(N_GROUPS):
    expected[g] = expected[g][5:] + moved[(g - 1) % N_GROUPS]
# Removals: Team 00 drops two members by filter, Team 01 three by value list.
r = expected[0][:2]
scim.modify(Group, groups[0], {"schemas": [PATCH], "Operations": [
    {"op": "remove", "path": f'members[value eq "{r[0]}" or value eq "{r[1]}"]'}]})
expected[0] = expected[0][2:]
r = expected[1][:3]
scim.modify(Group, groups[1], {"schemas": [PATCH], "Operations": [
    {"op": "remove", "path": "members", "value": [{"value": u} for u in r]}]})
expected[1] = expected[1][3:]

# 100 users renamed through one Bulk request, 50 deactivated one by one.
renamed = [users[i] for i in range(0, N_USERS, 10)]
bulk([{"method": "PATCH", "path": f"/Users/{u}", "data": {"schemas": [PATCH], "Operations": [
    {"op": "replace", "path": "name.givenName", "value": "Renamed"}]}} for u in renamed])
deactivated = [users[i] for i in range(5, N_USERS, 20)]
for u in deactivated:
    scim.modify(User, u, {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": False}]},
        check_response_payload=False)

# SCIM's own view agrees.
for g in range(N_GROUPS):
    got = dump(scim.query(Group, groups[g]))
    check(sorted(m["value"] for m in got.get("members", [])) == sorted(expected[g]), f"Team {g}", got)
out({"groups": {groups[g]: expected[g] for g in range(N_GROUPS)}, "renamed": renamed,
     "deactivated": deactivated, "users": N_USERS})
