"""Discovery through python-scim's client: ServiceProviderConfig says what Roster supports,
ResourceTypes and Schemas describe Users (with the enterprise and Roster extensions) and
Groups, each also by id; nothing under /scim2 answers without a token (401) or with a token
lacking the scim2 scope (argument 1, 403)."""

import sys

from scim2_models import ServiceProviderConfig

from users_common import ENTERPRISE, ROSTER, USER, check, client, http, out, refused, send

scim = client()
spc = scim.query(ServiceProviderConfig)
check(spc.patch.supported and spc.filter.supported and spc.sort.supported and spc.etag.supported, spc)
check(spc.filter.max_results == 200, spc.filter)
check(spc.bulk.supported and spc.bulk.max_operations == 1000 and spc.bulk.max_payload_size == 1048576, spc.bulk)
check(spc.change_password.supported is False, "changePassword")
check([a.type for a in spc.authentication_schemes] == ["oauthbearertoken"], spc.authentication_schemes)

c = scim.client
r, types = send(c, "GET", "ResourceTypes")
check({t["id"] for t in types["Resources"]} == {"User", "Group"}, types)
r, user_type = send(c, "GET", "ResourceTypes/User")
check([e["schema"] for e in user_type["schemaExtensions"]] == [ENTERPRISE, ROSTER], user_type)
r, schemas = send(c, "GET", "Schemas")
ids = [s["id"] for s in schemas["Resources"]]
check(ids == [USER, ENTERPRISE, ROSTER, "urn:ietf:params:scim:schemas:core:2.0:Group"], ids)
r, user = send(c, "GET", f"Schemas/{USER}")
attrs = {a["name"]: a for a in user["attributes"]}
check(attrs["userName"]["mutability"] == "immutable" and attrs["userName"]["uniqueness"] == "server", attrs)
check(attrs["emails"]["mutability"] == "readOnly" and not attrs["userName"]["caseExact"], attrs)
check("password" not in attrs, "Roster takes no passwords")
check(scim.get_resource_model("User") is not None, "the client built a User model from /Schemas")
refused(c, "GET", "Schemas/urn:nope", None, 404)
refused(c, "GET", "ResourceTypes/Nope", None, 404)
refused(c, "GET", "NoSuchThing", None, 404)

for path in ["ServiceProviderConfig", "Schemas", "ResourceTypes", "Users"]:
    j = refused(http(""), "GET", path, None, 401)
    r, _ = send(http(""), "GET", path)
    check(r.headers.get("www-authenticate", "").startswith("Bearer"), r.headers)
    refused(http("not-a-token"), "GET", path, None, 401)
    refused(http(sys.argv[1]), "GET", path, None, 403)
out({"schemas": ids})
