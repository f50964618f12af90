"""Who may call each API route: the HTTP status expected for each kind of caller.

tests/api/test_access_matrix.py calls every entry as each caller and fails when a route under
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

from collections.abc import Callable
from dataclasses import dataclass, field

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


# --- assessment (owner: assessment) --------------------------------------------------------------

def _qa_started(session, world):
    """The owner starts the QA of the world's review: it is in QA with a draft."""
    from sfoflow.models import Review, User
    from sfoflow.services.lifecycle import apply_action

    review = session.get(Review, world["review"])
    apply_action(session, review, "start", session.get(User, world["owner"]), version=review.version)
    session.commit()
    return {"version": review.version}


def _qa_sent(session, world):
    """The owner completes and submits the QA with sign-off off: the report is sent."""
    from sfoflow.assessment.framework import load_framework
    from sfoflow.models import Review, User
    from sfoflow.services import assessment, settings
    from sfoflow.services.lifecycle import apply_action
    from tests.support.assessment import complete_payload

    _qa_started(session, world)
    review, owner = session.get(Review, world["review"]), session.get(User, world["owner"])
    settings.set_value(session, "sign_off_required", False)
    assessment.save_draft(session, review, owner,
                          complete_payload(load_framework("v1"), assessment.get(session, review).version))
    apply_action(session, review, "submit", owner, version=review.version)
    session.commit()
    return {}


def _hp_query(session, world):
    from sfoflow.models import Review, User
    from sfoflow.services import high_profile_queries

    review = session.get(Review, world["review"])
    query = high_profile_queries.raise_query(session, review, session.get(User, world["owner"]),
                                             "press interest")
    session.commit()
    return {"query": query.id}


QA_READERS = expect(central_team=200, inspector=404, manager=200, admin=403)
ENTRIES[("GET", "/api/v1/framework")] = Entry("/api/v1/framework", EVERYONE_SIGNED_IN)
ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/assessment")] = Entry(
    "/api/v1/reviews/{review}/assessment", QA_READERS, setup=_qa_started)
ENTRIES[("PATCH", "/api/v1/reviews/<int:review_id>/assessment")] = Entry(
    "/api/v1/reviews/{review}/assessment", expect(central_team=403, inspector=404, manager=403, admin=403),
    json={"version": 1, "summary": "not yours"}, setup=_qa_started,
    note="only the owner (not a caller here) may write; see tests/api/test_assessments.py")
ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/report")] = Entry(
    "/api/v1/reviews/{review}/report", QA_READERS, setup=_qa_sent)
ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/report.pdf")] = Entry(
    "/api/v1/reviews/{review}/report.pdf", QA_READERS, setup=_qa_sent)
ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/high-profile-queries")] = Entry(
    "/api/v1/reviews/{review}/high-profile-queries", QA_READERS, setup=_hp_query)
ENTRIES[("POST", "/api/v1/reviews/<int:review_id>/high-profile-queries")] = Entry(
    "/api/v1/reviews/{review}/high-profile-queries", expect(central_team=403, inspector=404, manager=403, admin=403),
    json={"reason": "press interest"})
ENTRIES[("GET", "/api/v1/high-profile-queries")] = Entry(
    "/api/v1/high-profile-queries", expect(central_team=200, inspector=403, manager=403, admin=403))
ENTRIES[("POST", "/api/v1/high-profile-queries/<int:query_id>/decision")] = Entry(
    "/api/v1/high-profile-queries/{query}/decision", expect(central_team=200, inspector=403, manager=403, admin=403),
    json={"decision": "accept", "reason": "agreed"}, setup=_hp_query)


# --- deadlines: allocation, work lists, notifications (owner: "deadlines") -----------------------------

def _selected_review(session, world):
    from tests.support.core import make_review

    review = make_review(session, state="selected_for_hmip", route="hmip")
    return {"selected": review.id, "selected_version": review.version}


def _failed_notification(session, world):
    from datetime import date

    from sfoflow.models.notifications import Notification

    n = Notification(dedupe_key=f"matrix:{world['review']}", kind="overdue", review_id=world["review"],
                     key_day=date(2023, 5, 23), recipient_id=world["manager"], recipient_email="m@example.org",
                     subject="s", body="b", status="failed", attempts=5)
    session.add(n)
    session.commit()
    return {"notification": n.id}


def _absence(session, world):
    from datetime import date

    from sfoflow.models.allocation import Absence

    row = Absence(inspector_id=world["owner"], from_date=date(2023, 5, 1), to_date=date(2023, 5, 5))
    session.add(row)
    session.commit()
    return {"absence": row.id}


def _conflict(session, world):
    from sfoflow.models.allocation import ConflictOfInterest

    row = ConflictOfInterest(inspector_id=world["owner"], region="wales", reason="worked there")
    session.add(row)
    session.commit()
    return {"conflict": row.id}


ALLOCATORS_ONLY = expect(central_team=200, inspector=403, manager=200, admin=403)
WATCHERS_ONLY = expect(central_team=200, inspector=403, manager=200, admin=403)
RECORDERS_ONLY = expect(central_team=403, inspector=403, manager=200, admin=200)
ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/suggestion")] = Entry(
    "/api/v1/reviews/{review}/suggestion", ALLOCATORS_ONLY)
ENTRIES[("POST", "/api/v1/allocations")] = Entry(
    "/api/v1/allocations", ALLOCATORS_ONLY, setup=_selected_review,
    json=lambda w: {"allocations": [{"review_id": w["selected"], "inspector_id": w["owner"],
                                     "version": w["selected_version"]}]})
ENTRIES[("GET", "/api/v1/tasks")] = Entry(
    "/api/v1/tasks", expect(central_team=403, inspector=200, manager=403, admin=403))
ENTRIES[("GET", "/api/v1/open-qa")] = Entry("/api/v1/open-qa", WATCHERS_ONLY)
ENTRIES[("GET", "/api/v1/workload")] = Entry("/api/v1/workload", WATCHERS_ONLY)
ENTRIES[("GET", "/api/v1/timeliness")] = Entry("/api/v1/timeliness", WATCHERS_ONLY)
ENTRIES[("GET", "/api/v1/notifications")] = Entry(
    "/api/v1/notifications", expect(central_team=403, inspector=403, manager=200, admin=200))
ENTRIES[("POST", "/api/v1/notifications/<int:notification_id>/retry")] = Entry(
    "/api/v1/notifications/{notification}/retry", expect(central_team=403, inspector=403, manager=403, admin=200),
    setup=_failed_notification)
ENTRIES[("GET", "/api/v1/outbox")] = Entry(
    "/api/v1/outbox", expect(central_team=403, inspector=403, manager=403, admin=200))
ENTRIES[("GET", "/api/v1/inspectors/<int:inspector_id>/absences")] = Entry(
    "/api/v1/inspectors/{owner}/absences", RECORDERS_ONLY)
ENTRIES[("POST", "/api/v1/inspectors/<int:inspector_id>/absences")] = Entry(
    "/api/v1/inspectors/{owner}/absences", expect(central_team=403, inspector=403, manager=201, admin=201),
    json={"from_date": "2023-05-01", "to_date": "2023-05-05", "reason": "leave"})
ENTRIES[("DELETE", "/api/v1/inspectors/<int:inspector_id>/absences/<int:absence_id>")] = Entry(
    "/api/v1/inspectors/{owner}/absences/{absence}", expect(central_team=403, inspector=403, manager=204, admin=204),
    setup=_absence)
ENTRIES[("GET", "/api/v1/inspectors/<int:inspector_id>/conflicts")] = Entry(
    "/api/v1/inspectors/{owner}/conflicts", RECORDERS_ONLY)
ENTRIES[("POST", "/api/v1/inspectors/<int:inspector_id>/conflicts")] = Entry(
    "/api/v1/inspectors/{owner}/conflicts", expect(central_team=403, inspector=403, manager=201, admin=201),
    json={"region": "wales", "reason": "used to manage the Cardiff office"})
ENTRIES[("DELETE", "/api/v1/inspectors/<int:inspector_id>/conflicts/<int:conflict_id>")] = Entry(
    "/api/v1/inspectors/{owner}/conflicts/{conflict}", expect(central_team=403, inspector=403, manager=204, admin=204),
    setup=_conflict)


def _attachment(session, world):
    from datetime import date

    from sfoflow.models.assessment import NotificationAttachment
    from sfoflow.models.notifications import Notification

    note = Notification(dedupe_key=f"qa_report:r{world['review']}", kind="qa_report", review_id=world["review"],
                        key_day=date(2023, 5, 22), recipient_email="sfo.london@example.org", subject="QA report",
                        body="attached", status="pending", attempts=0)
    session.add(note)
    session.flush()
    item = NotificationAttachment(notification_id=note.id, filename="qa-report.pdf",
                                  content_type="application/pdf", content=b"%PDF-1.4 test")
    session.add(item)
    session.commit()
    return {"attachment": item.id}


ENTRIES[("GET", "/api/v1/outbox/attachments/<int:attachment_id>")] = Entry(
    "/api/v1/outbox/attachments/{attachment}", expect(central_team=403, inspector=403, manager=403, admin=200),
    setup=_attachment)


def _import_job(session, world):
    from sfoflow.services import import_jobs

    job = import_jobs.create(session, CSV, "reviews.csv", None)
    session.commit()
    return {"job": job.id}


ENTRIES[("GET", "/api/v1/imports/<int:job_id>")] = Entry(
    "/api/v1/imports/{job}", expect(central_team=200, inspector=403, manager=403, admin=403), setup=_import_job)
