"""Who may call each API route: the HTTP status expected for each kind of caller.

tests/test_access_matrix.py calls every entry as each caller and fails when a route under
/api/v1 has no entry here. Owners of other areas: append your routes to ENTRIES, e.g.

    ENTRIES[("POST", "/api/v1/reviews/<int:review_id>/assessment")] = Entry(
        "/api/v1/reviews/{review}/assessment", json=lambda w: {"version": w["version"]},
        expect=expect(central_team=403, inspector=404, manager=403, admin=403))

The world (see test_access_matrix.build_world), built once per route:
  * users: central_team, inspector (the calling inspector), manager, admin, and owner (a
    second inspector);
  * for EACH caller, a new review in state "allocated", allocated to the owner, so the calling
    inspector may not see it (404, never 403: the answer must not reveal that it exists);
    ``setup(session, world)`` then runs for that caller (so it must not collide with its own
    earlier runs: key anything unique on world["review"]);
  * URL and body placeholders: {review}, {version} (the caller's review), {caller}, {owner},
    {inspector}, {central_team}, {manager}, {admin} (ids), plus whatever setup returns.
    Bodies that succeed for two callers must not collide (use world["caller"]).
Callers, in this order: anonymous (no token) and one token per role.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

CALLERS = ("anonymous", "central_team", "inspector", "manager", "admin")


def expect(*, anonymous: int = 401, central_team: int, inspector: int, manager: int, admin: int) -> dict:
    return {"anonymous": anonymous, "central_team": central_team, "inspector": inspector, "manager": manager,
            "admin": admin}


EVERYONE_SIGNED_IN = expect(central_team=200, inspector=200, manager=200, admin=200)
PUBLIC = expect(anonymous=200, central_team=200, inspector=200, manager=200, admin=200)


@dataclass
class Entry:
    url: str  # with {placeholders}
    expect: dict
    json: dict | Callable[[dict], dict] | None = None
    data: str | None = None
    content_type: str | None = None
    setup: Callable | None = None  # (session, world) -> extra placeholders
    note: str = field(default="")


CSV = ("reference,region,offence_category,received_on,local_team_email\n"
       "SFO/M/0001,london,homicide,2023-04-27,sfo.london@example.org\n")

ENTRIES: dict[tuple[str, str], Entry] = {
    # --- core: reviews ---------------------------------------------------------------------
    ("GET", "/api/v1/reviews"): Entry("/api/v1/reviews", EVERYONE_SIGNED_IN),
    ("POST", "/api/v1/reviews"): Entry(
        "/api/v1/reviews", expect(central_team=201, inspector=403, manager=403, admin=403),
        json={"reference": "SFO/M/0002", "region": "wales", "offence_category": "homicide",
              "received_on": "2023-04-27", "local_team_email": "sfo.wales@example.org"}),
    ("POST", "/api/v1/reviews/import"): Entry(
        "/api/v1/reviews/import", expect(central_team=201, inspector=403, manager=403, admin=403),
        data=CSV, content_type="text/csv"),
    ("GET", "/api/v1/reviews/<int:review_id>"): Entry(
        "/api/v1/reviews/{review}", expect(central_team=200, inspector=404, manager=200, admin=200)),
    ("POST", "/api/v1/reviews/<int:review_id>/actions/<action>"): Entry(
        "/api/v1/reviews/{review}/actions/withdraw",
        expect(central_team=200, inspector=404, manager=200, admin=403),
        json=lambda w: {"version": w["version"], "reason": "registered twice"}),
    ("PUT", "/api/v1/reviews/<int:review_id>/high-profile"): Entry(
        "/api/v1/reviews/{review}/high-profile", expect(central_team=200, inspector=403, manager=403, admin=403),
        json=lambda w: {"version": w["version"], "is_high_profile": True, "reason": "press interest"}),
    ("PUT", "/api/v1/reviews/<int:review_id>/parallel-reviews"): Entry(
        "/api/v1/reviews/{review}/parallel-reviews",
        expect(central_team=200, inspector=403, manager=403, admin=403),
        json=lambda w: {"version": w["version"], "reason": "DHR commissioned",
                        "parallel_reviews": [{"type": "domestic_homicide_review", "status": "planned"}]}),
    ("POST", "/api/v1/reviews/<int:review_id>/extensions"): Entry(
        "/api/v1/reviews/{review}/extensions", expect(central_team=403, inspector=403, manager=201, admin=403),
        # due Mon 22 May 2023; Tue 30 May 2023 is a working day (29 May is a bank holiday)
        json=lambda w: {"version": w["version"], "new_due_on": "2023-05-30", "reason": "inspector ill"}),
    # --- core: users, reference data, lifecycle, the document itself ------------------------
    ("GET", "/api/v1/me"): Entry("/api/v1/me", EVERYONE_SIGNED_IN),
    ("GET", "/api/v1/users"): Entry("/api/v1/users", expect(central_team=403, inspector=403, manager=403, admin=200)),
    ("POST", "/api/v1/users"): Entry(
        "/api/v1/users", expect(central_team=403, inspector=403, manager=403, admin=201),
        json={"email": "new.inspector@example.org", "role": "inspector"}),
    ("GET", "/api/v1/reference"): Entry("/api/v1/reference", EVERYONE_SIGNED_IN),
    ("GET", "/api/v1/lifecycle"): Entry("/api/v1/lifecycle", EVERYONE_SIGNED_IN),
    ("GET", "/api/v1/lifecycle.mmd"): Entry("/api/v1/lifecycle.mmd", PUBLIC),
    ("GET", "/api/v1/openapi.json"): Entry("/api/v1/openapi.json", PUBLIC),
    # --- other areas: append below --------------------------------------------------------
}


# --- sampling (owner: sampling) ----------------------------------------------------------------

def _sample_decision_for_world_review(session, world):
    """The world's review was inserted directly (no intake), so give it a recorded random draw."""
    from sfoflow.models.sampling import SampleDecision

    session.add(SampleDecision(review_id=world["review"], region="london", offence_category="homicide",
                               sampling_year=2023, k=5, arrival_order=world["review"], run_number=1, run_position=0,
                               uniform=0.1, threshold=0.2, selected=True, algorithm_version="cell-hmac-sha256-v1"))
    session.commit()
    return {}


ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/sample-decision")] = Entry(
    "/api/v1/reviews/{review}/sample-decision", expect(central_team=200, inspector=403, manager=200, admin=200),
    setup=_sample_decision_for_world_review)
ENTRIES[("GET", "/api/v1/sample/decisions")] = Entry(
    "/api/v1/sample/decisions?year=2023", expect(central_team=403, inspector=403, manager=403, admin=200))
ENTRIES[("GET", "/api/v1/sample/balance")] = Entry(
    "/api/v1/sample/balance?year=2023", expect(central_team=200, inspector=403, manager=200, admin=200))
