"""Shared helpers for the SCIM Groups and Bulk scripts: a python-scim client (scim2-client over
httpx2) for SCIM_BASE_URL with the bearer SCIM_TOKEN, and small checks that exit non-zero with
their reason."""

import json
import os
import sys
import warnings

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import Error, Group, User

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def http():
    """A plain httpx2 client on the SCIM base URL with the token (for raw-wire checks)."""
    return httpx2.Client(
        base_url=os.environ["SCIM_BASE_URL"].rstrip("/") + "/",
        headers={"Authorization": "Bearer " + os.environ["SCIM_TOKEN"]},
        timeout=120,
    )


def client():
    """python-scim's client, told about Users and Groups (discovery is not asked)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scim = SyncSCIMClient(http(), resource_models=[User, Group])
    return scim


def check(cond, why, *details):
    if not cond:
        print("FAILED: " + why, *[json.dumps(d, default=str) for d in details], file=sys.stderr)
        sys.exit(1)


def dump(resource):
    """A model (or dict) as JSON-ready dict, as the wire had it."""
    if isinstance(resource, dict):
        return resource
    return resource.model_dump(mode="json", by_alias=True, exclude_none=True)


def expect_error(result, status, scim_type=None):
    """Checks that a client call returned a SCIM Error with this status and scimType."""
    check(isinstance(result, Error), f"expected an Error {status}", dump(result))
    check(int(result.status) == status, f"expected status {status}", dump(result))
    if scim_type is not None:
        check(result.scim_type == scim_type, f"expected scimType {scim_type}", dump(result))
    check(bool(result.detail), "an error says what was wrong", dump(result))
    return dump(result)


def out(value):
    print(json.dumps(value, default=str))
