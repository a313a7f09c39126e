"""python-scim's protocol checker (scim2-tester) run against /scim2 for Users and discovery.
Checks Roster deliberately answers differently are skipped by title, each with its reason
(README, "SCIM 2.0" → "Conformance"); every other check must pass. Prints the outcome per check."""

import sys
import uuid

from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import check_server
from scim2_tester.utils import Status

from users_common import http, out

# Attributes every Roster user has a value of: removing them resets them (displayName to the
# names, preferredLanguage to the account's, active to true, userType and role to Basic
# Member) instead of leaving them absent. check_remove_attribute failures naming them are the
# one deliberate difference (README, "SCIM 2.0" → "Conformance").
ALWAYS_VALUED = ["'displayName'", "'active'", "'preferredLanguage'", ":userType'", ":role'",
                 "'urn:roster:params:scim:schemas:extension:roster:2.0:User'"]


def deliberate(r):
    # Roster serves /Users/.search, not a search across resource types at the root.
    if r.title == "search_with_attributes" and "No such SCIM endpoint" in (r.reason or ""):
        return True
    return r.title == "check_remove_attribute" and any(a in (r.reason or "") for a in ALWAYS_VALUED)



class Emails:
    """Unique emails on the checker's demand: it picks a field's value from its pydantic
    examples when there are some, and Roster's userName must be an email (the checker would
    send a bare UUID)."""

    def __len__(self):
        return 1_000_000

    def __getitem__(self, _):
        return f"{uuid.uuid4()}@{sys.argv[2]}"


scim = SyncSCIMClient(http())
scim.discover()
User = scim.get_resource_model("User")
User.model_fields["user_name"].examples = Emails()
# Roster's other constrained values, named the same way (the schemas describe them in words).
ext = {f.annotation.__name__ if hasattr(f.annotation, "__name__") else "": f for f in User.model_fields.values()}
for name, field in User.model_fields.items():
    model = getattr(field.annotation, "__args__", [field.annotation])[0]
    if name == "preferred_language":
        field.examples = ["en-US", "fr-FR", "pl-PL"]
    if getattr(model, "__name__", "") == "RosterUser":
        model.model_fields["user_type"].examples = [2]
        model.model_fields["role"].examples = ["2"]
        addons = model.model_fields["add_ons"].annotation
        addons = getattr(addons, "__args__", [addons])[0]
        addons.model_fields["large_meeting"].examples = [500]
        addons.model_fields["webinar"].examples = [100]
    if getattr(model, "__name__", "") == "EnterpriseUser":
        manager = model.model_fields["manager"].annotation
        manager = getattr(manager, "__args__", [manager])[0]
        manager.model_fields["value"].examples = [sys.argv[1]]
results = check_server(scim, resource_types=["User"])
report, failed = [], []
for r in results:
    entry = {"title": r.title, "status": r.status.name, "reason": r.reason}
    report.append(entry)
    bad = r.status not in (Status.SUCCESS, Status.SKIPPED) and not deliberate(r)
    if bad:
        failed.append(entry)
if failed:
    for f in failed:
        print(f, file=sys.stderr)
    sys.exit(1)
out(report)
