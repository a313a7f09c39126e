"""Shared by the users_*/discovery_* scripts: a scim2-client on SCIM_BASE_URL with SCIM_TOKEN,
raw requests through the same httpx2 client (for refusals the typed client would not send), and
small assertions that exit non-zero with the reason."""

import json
import os
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ROSTER = "urn:roster:params:scim:schemas:extension:roster:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
CT = "application/scim+json"


def http(token=None):
    base = os.environ["SCIM_BASE_URL"].rstrip("/")
    token = os.environ["SCIM_TOKEN"] if token is None else token
    headers = {"Authorization": "Bearer " + token} if token else {}
    return Client(base_url=base + "/", headers=headers, timeout=60)


def client():
    scim = SyncSCIMClient(http())
    scim.discover()
    return scim


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def send(c, method, path, body=None, headers=None):
    h = {"Content-Type": CT}
    h.update(headers or {})
    data = None if body is None else json.dumps(body)
    r = c.request(method, path.lstrip("/"), content=data, headers=h)
    try:
        j = r.json() if r.content else None
    except ValueError:
        j = None
    return r, j


def refused(c, method, path, body, status, scim_type=None, headers=None):
    """Sends a request that must be refused with `status` (and `scim_type`) in the RFC's shape."""
    r, j = send(c, method, path, body, headers)
    check(r.status_code == status, f"{method} {path} {body}: want {status}, got {r.status_code} {r.text}")
    check(r.headers.get("content-type", "").startswith(CT), f"error content type: {r.headers}")
    check(j and j.get("schemas") == [ERROR] and j.get("status") == str(status), f"error body: {j}")
    if scim_type:
        check(j.get("scimType") == scim_type, f"{method} {path}: want scimType {scim_type}, got {j}")
    check(j.get("detail"), f"error without detail: {j}")
    return j


def user_body(email, **extra):
    body = {"schemas": [USER, ENTERPRISE, ROSTER], "userName": email}
    body.update(extra)
    return body


def patch_body(*ops):
    return {"schemas": [PATCH], "Operations": list(ops)}


def out(value):
    print(json.dumps(value))
