"""A large group through python-scim's client: thousands of members added, removed and
replaced by single PATCH requests, read with and without members. Arguments: the user ids.
Prints {"group": id, "members": n, "timings": {...}}."""

import sys
import time

from groups_scim import PATCH, check, client, dump, out
from scim2_models import Group

ids = sys.argv[1:]
n = len(ids)
scim = client()
http = scim.client
timings = {}

def timed(name, f):
    t = time.monotonic()
    r = f()
    timings[name] = round(time.monotonic() - t, 3)
    return r

g = dump(scim.create(Group, {"displayName": "Everyone"}))
gid = g["id"]

def patch(ops):
    res = http.patch(f"Groups/{gid}", params={"excludedAttributes": "members"},
                     json={"schemas": [PATCH], "Operations": ops})
    check(res.status_code == 200, "patch", res.text[:500])
    body = res.json()
    check("members" not in body, "excludedAttributes=members on PATCH", body)
    return body

timed("add_all", lambda: patch([{"op": "add", "path": "members", "value": [{"value": i} for i in ids]}]))
full = timed("get_with_members", lambda: dump(scim.query(Group, gid)))
check(len(full["members"]) == n, "all members listed", len(full["members"]))
check(len({m["value"] for m in full["members"]}) == n, "no member listed twice")
lean = timed("get_without_members", lambda: http.get(f"Groups/{gid}", params={"excludedAttributes": "members"}).json())
check("members" not in lean and lean["displayName"] == "Everyone", "lean GET", lean)

third = n // 3
timed("remove_third", lambda: patch([{"op": "remove", "path": "members",
                                      "value": [{"value": i} for i in ids[:third]]}]))
keep = ids[third // 2: n - third // 2]
timed("replace", lambda: patch([{"op": "replace", "path": "members", "value": [{"value": i} for i in keep]}]))
full = dump(scim.query(Group, gid))
check(sorted(m["value"] for m in full["members"]) == sorted(keep), "replaced", len(full["members"]))
lst = scim.query(Group, query_parameters={"filter": f'members.value eq "{keep[-1]}"', "excludedAttributes": "members"})
check([r.id for r in lst.resources] == [gid], "members.value eq in a large group")
out({"group": gid, "members": len(keep), "timings": timings})
