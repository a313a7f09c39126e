"""A provisioning run as an identity provider makes it: 1,000 users on the managed domain
(argument 1) created through python-scim's client, 100 of them updated and 50 deactivated by
PATCH, then read back page by page and by filter. Prints what it did."""

import sys

from users_common import check, client, patch_body, send

domain = sys.argv[1]
N, UPDATED, DEACTIVATED = 1000, 100, 50
scim = client()
c = scim.client
User = scim.get_resource_model("User")
Name = User.model_fields["name"].annotation.__args__[0]

ids = []
for i in range(N):
    u = User(user_name=f"p{i:04}@{domain}", external_id=f"idp-{i:04}",
             name=Name(given_name=f"Given{i}", family_name=f"Family{i}"))
    created = scim.create(u)
    check(created.active is True, f"user {i} not active")
    ids.append(created.id)

for i in range(UPDATED):
    r, j = send(c, "PATCH", f"Users/{ids[i]}", patch_body(
        {"op": "replace", "path": "title", "value": "Engineer"},
        {"op": "replace", "path": "name.familyName", "value": f"Renamed{i}"}))
    check(r.status_code == 200 and j["title"] == "Engineer", r.text)
for i in range(N - DEACTIVATED, N):
    r, j = send(c, "PATCH", f"Users/{ids[i]}", patch_body({"op": "replace", "value": {"active": False}}))
    check(r.status_code == 200 and j["active"] is False, r.text)

# Read back: paged by the client's list, and by filters.
seen, start = [], 1
while True:
    r, j = send(c, "GET", f'Users?filter=userName sw "p"&sortBy=userName&startIndex={start}&count=200')
    check(r.status_code == 200, r.text)
    seen += [u["userName"] for u in j["Resources"]]
    if not j["Resources"]:
        break
    start += len(j["Resources"])
check(seen == sorted(f"p{i:04}@{domain}" for i in range(N)), f"paging saw {len(seen)}")
r, j = send(c, "GET", "Users?filter=active eq false&count=0")
check(j["totalResults"] == DEACTIVATED, j)
r, j = send(c, "GET", 'Users?filter=title eq "Engineer" or name.familyName sw "Renamed"&count=0')
check(r.status_code == 400 and j.get("scimType") == "invalidFilter", "title is not filterable")
r, j = send(c, "GET", 'Users?filter=name.familyName sw "renamed"&count=0')
check(j["totalResults"] == UPDATED, j)
r, j = send(c, "GET", 'Users?filter=externalId eq "idp-0999"')
check([u["id"] for u in j["Resources"]] == [ids[-1]], j)
import json
print(json.dumps({"created": N, "updated": UPDATED, "deactivated": DEACTIVATED}))
