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


# --- HMPPS QA and benchmarking (owner: issue 10) ---------------------------------------------------

def _exercise(session, world, *, reveal: bool = False):
    """A completed review in an exercise rated by the world's inspector and the owner."""
    from sfoflow.models import User
    from sfoflow.services import benchmarking
    from tests.support.core import make_review

    review = make_review(session, state="feedback_sent", route="hmip")
    manager = session.get(User, world["manager"])
    exercise = benchmarking.create(session, {"title": f"matrix {world['review']}", "review_ids": [review.id],
                                             "rater_ids": [world["inspector"], world["owner"]]}, manager)
    if reveal:
        benchmarking.close(session, exercise, manager)
    session.commit()
    return {"exercise": exercise.id, "bench_review": review.id}


def _completed_review(session, world):
    from tests.support.core import make_review

    return {"done": make_review(session, state="feedback_sent", route="hmip").id}


ENTRIES[("GET", "/api/v1/hmpps-qa")] = Entry(
    "/api/v1/hmpps-qa", expect(central_team=200, inspector=403, manager=200, admin=403))
ENTRIES[("GET", "/api/v1/hmpps-qa/officers")] = Entry(
    "/api/v1/hmpps-qa/officers", expect(central_team=200, inspector=403, manager=200, admin=200))
ENTRIES[("PUT", "/api/v1/users/<int:user_id>/hmpps-qa")] = Entry(
    "/api/v1/users/{central_team}/hmpps-qa", expect(central_team=403, inspector=403, manager=403, admin=200),
    json={"hmpps_qa": True})
ENTRIES[("GET", "/api/v1/benchmarking/exercises")] = Entry(
    "/api/v1/benchmarking/exercises", expect(central_team=200, inspector=200, manager=200, admin=403))
ENTRIES[("POST", "/api/v1/benchmarking/exercises")] = Entry(
    "/api/v1/benchmarking/exercises", expect(central_team=403, inspector=403, manager=201, admin=403),
    json=lambda w: {"title": f"exercise {w['caller']}", "review_ids": [w["done"]],
                    "rater_ids": [w["inspector"], w["owner"]]}, setup=_completed_review)
ENTRIES[("GET", "/api/v1/benchmarking/exercises/<int:exercise_id>")] = Entry(
    "/api/v1/benchmarking/exercises/{exercise}", expect(central_team=404, inspector=200, manager=200, admin=403),
    setup=_exercise, note="the central-team caller is not one of its raters")
ENTRIES[("PUT", "/api/v1/benchmarking/exercises/<int:exercise_id>/reviews/<int:review_id>/rating")] = Entry(
    "/api/v1/benchmarking/exercises/{exercise}/reviews/{bench_review}/rating",
    expect(central_team=404, inspector=200, manager=403, admin=403),
    json={"ratings": {"1": "good"}}, setup=_exercise)
ENTRIES[("POST", "/api/v1/benchmarking/exercises/<int:exercise_id>/close")] = Entry(
    "/api/v1/benchmarking/exercises/{exercise}/close", expect(central_team=403, inspector=403, manager=200, admin=403),
    setup=_exercise)
ENTRIES[("PUT", "/api/v1/benchmarking/exercises/<int:exercise_id>/moderation")] = Entry(
    "/api/v1/benchmarking/exercises/{exercise}/moderation",
    expect(central_team=403, inspector=403, manager=200, admin=403),
    json={"moderation_note": "agreed after discussion"}, setup=lambda s, w: _exercise(s, w, reveal=True))
ENTRIES[("GET", "/api/v1/benchmarking/trend")] = Entry(
    "/api/v1/benchmarking/trend", expect(central_team=403, inspector=403, manager=200, admin=403))
ENTRIES[("GET", "/api/v1/benchmarking/year")] = Entry(
    "/api/v1/benchmarking/year?year=2023", expect(central_team=403, inspector=403, manager=200, admin=403))
# --- run-time settings (owner: issue 12) -------------------------------------------------------

ADMIN_ONLY_READ = expect(central_team=403, inspector=403, manager=403, admin=200)
ENTRIES[("GET", "/api/v1/settings")] = Entry("/api/v1/settings", ADMIN_ONLY_READ)
ENTRIES[("GET", "/api/v1/settings/history")] = Entry("/api/v1/settings/history", ADMIN_ONLY_READ)
ENTRIES[("PATCH", "/api/v1/settings")] = Entry(
    "/api/v1/settings", ADMIN_ONLY_READ, json={"values": {"page_size_default": 40}, "reason": "access matrix"})
ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/assessment/information")] = Entry(
    "/api/v1/reviews/{review}/assessment/information", QA_READERS, setup=_qa_started)
ENTRIES[("PUT", "/api/v1/reviews/<int:review_id>/assessment/information")] = Entry(
    "/api/v1/reviews/{review}/assessment/information", expect(central_team=403, inspector=404, manager=403, admin=403),
    json={"version": 1, "high_profile": "yes"}, setup=_qa_started,
    note="only the owner (not a caller here) may write; see tests/api/test_information.py")
# --- learning panels (owner: "panels", issue 11) ------------------------------------------------------

def _agency_contact(session, world):
    from sfoflow.models.panels import AgencyContact

    row = AgencyContact(agency="police", organisation="Met", area="North", regions=["london"], name="Pat",
                        email=f"pat.{world['caller']}@police.example.org")
    session.add(row)
    session.commit()
    return {"contact": row.id}


def _panel(status="draft", invite=False, action=False):
    def setup(session, world):
        from datetime import UTC, date, datetime

        from sfoflow.models import Panel, PanelAction, PanelCase, PanelInvite
        from sfoflow.models.panels import AgencyContact

        panel = Panel(held_on=date(2023, 5, 10), chair="Chair", venue="Room 1", status=status,
                      created_by_id=world["manager"])
        session.add(panel)
        session.flush()
        case = PanelCase(panel_id=panel.id, review_id=world["review"], summary="")
        contact = AgencyContact(agency="police", organisation="Met", area="North", regions=["london"], name="Pat",
                                email=f"pat.{world['caller']}@police.example.org")
        session.add_all([case, contact])
        session.flush()
        from tests.support.core import make_review

        other = make_review(session, state="feedback_sent", commit=False)
        session.flush()
        out = {"panel": panel.id, "panel_case": case.id, "contact": contact.id, "other_review": other.id}
        if invite:
            row = PanelInvite(panel_id=panel.id, case_id=case.id, contact_id=contact.id, agency="police",
                              details="", nonce=f"matrix-{world['caller']}-{panel.id}",
                              expires_at=datetime(2023, 5, 10, 23, tzinfo=UTC), attended=True)
            session.add(row)
            session.flush()
            out["invite"] = row.id
        if action:
            item = PanelAction(panel_id=panel.id, description="Do it", owner_label="HMIP", due_on=date(2023, 6, 1))
            session.add(item)
            session.flush()
            out["action"] = item.id
        session.commit()
        out["panel_version"] = panel.version
        return out
    return setup


PANEL_MANAGERS = expect(central_team=403, inspector=403, manager=200, admin=403)
PANEL_CREATED = expect(central_team=403, inspector=403, manager=201, admin=403)
ADMIN_ONLY = expect(central_team=403, inspector=403, manager=403, admin=200)
ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/agencies")] = Entry(
    "/api/v1/reviews/{review}/agencies", expect(central_team=200, inspector=404, manager=200, admin=200))
ENTRIES[("PUT", "/api/v1/reviews/<int:review_id>/agencies")] = Entry(
    "/api/v1/reviews/{review}/agencies", expect(central_team=200, inspector=404, manager=403, admin=403),
    json={"agencies": [{"agency": "police", "role": "Arrested him in 2022"}]})
ENTRIES[("GET", "/api/v1/agency-contacts")] = Entry(
    "/api/v1/agency-contacts", expect(central_team=403, inspector=403, manager=200, admin=200))
ENTRIES[("POST", "/api/v1/agency-contacts")] = Entry(
    "/api/v1/agency-contacts", expect(central_team=403, inspector=403, manager=403, admin=201),
    json={"agency": "housing", "organisation": "Camden Council", "area": "Camden", "regions": ["london"],
          "name": "Harry", "email": "harry@camden.example.org"})
ENTRIES[("PATCH", "/api/v1/agency-contacts/<int:contact_id>")] = Entry(
    "/api/v1/agency-contacts/{contact}", ADMIN_ONLY, json={"area": "Islington"}, setup=_agency_contact)
ENTRIES[("GET", "/api/v1/agency-contacts/<int:contact_id>/history")] = Entry(
    "/api/v1/agency-contacts/{contact}/history", ADMIN_ONLY, setup=_agency_contact)
ENTRIES[("GET", "/api/v1/panel-candidates")] = Entry("/api/v1/panel-candidates", PANEL_MANAGERS)
ENTRIES[("GET", "/api/v1/panels")] = Entry("/api/v1/panels", PANEL_MANAGERS)
ENTRIES[("POST", "/api/v1/panels")] = Entry(
    "/api/v1/panels", PANEL_CREATED, json={"held_on": "2030-06-12", "chair": "Chief Inspector", "venue": "Online"})
ENTRIES[("GET", "/api/v1/panels/<int:panel_id>")] = Entry("/api/v1/panels/{panel}", PANEL_MANAGERS, setup=_panel())
ENTRIES[("GET", "/api/v1/panels/<int:panel_id>/history")] = Entry(
    "/api/v1/panels/{panel}/history", PANEL_MANAGERS, setup=_panel())
ENTRIES[("PATCH", "/api/v1/panels/<int:panel_id>")] = Entry(
    "/api/v1/panels/{panel}", PANEL_MANAGERS, setup=_panel(),
    json=lambda w: {"version": w["panel_version"], "chair": "Deputy Chief Inspector"})
ENTRIES[("POST", "/api/v1/panels/<int:panel_id>/cases")] = Entry(
    "/api/v1/panels/{panel}/cases", PANEL_CREATED, setup=_panel(),
    json=lambda w: {"review_id": w["other_review"]})
ENTRIES[("POST", "/api/v1/panels/<int:panel_id>/invites")] = Entry(
    "/api/v1/panels/{panel}/invites", PANEL_CREATED, setup=_panel(),
    json=lambda w: {"case_id": w["panel_case"], "contact_id": w["contact"]})
ENTRIES[("POST", "/api/v1/panels/<int:panel_id>/invites/<int:invite_id>/revoke")] = Entry(
    "/api/v1/panels/{panel}/invites/{invite}/revoke", PANEL_MANAGERS, setup=_panel(invite=True))
ENTRIES[("POST", "/api/v1/panels/<int:panel_id>/confirm")] = Entry(
    "/api/v1/panels/{panel}/confirm", PANEL_MANAGERS, setup=_panel(invite=True),
    json=lambda w: {"version": w["panel_version"]})
ENTRIES[("POST", "/api/v1/panels/<int:panel_id>/record")] = Entry(
    "/api/v1/panels/{panel}/record", PANEL_MANAGERS, setup=_panel("confirmed", invite=True),
    json=lambda w: {"version": w["panel_version"], "findings": "F", "learning": "L", "attended": [w["invite"]]})
ENTRIES[("POST", "/api/v1/panels/<int:panel_id>/actions")] = Entry(
    "/api/v1/panels/{panel}/actions", PANEL_CREATED, setup=_panel("held"),
    json={"description": "Write a joint protocol", "due_on": "2023-06-30"})
ENTRIES[("POST", "/api/v1/panels/<int:panel_id>/actions/<int:action_id>/close")] = Entry(
    "/api/v1/panels/{panel}/actions/{action}/close", PANEL_MANAGERS, setup=_panel("held", action=True),
    json={"outcome": "Protocol agreed"})
ENTRIES[("POST", "/api/v1/panels/<int:panel_id>/report")] = Entry(
    "/api/v1/panels/{panel}/report", PANEL_MANAGERS, setup=_panel("held", invite=True))
ENTRIES[("GET", "/api/v1/panel-figures/<int:year>")] = Entry(
    "/api/v1/panel-figures/2023", expect(central_team=403, inspector=403, manager=200, admin=200))
ENTRIES[("DELETE", "/api/v1/panels/<int:panel_id>/cases/<int:case_id>")] = Entry(
    "/api/v1/panels/{panel}/cases/{panel_case}", PANEL_MANAGERS, setup=_panel(invite=True))
# --- learning on a QA and the year in review (issue 9) --------------------------------------------

def _amendment(session, world):
    from sfoflow.models.year import LearningEntry

    _qa_started(session, world)
    from sfoflow.models.assessment import Assessment
    assessment = session.query(Assessment).filter_by(review_id=world["review"]).one()
    entry = LearningEntry(assessment_id=assessment.id, kind="amendment", text="Correct the chronology")
    session.add(entry)
    session.commit()
    return {"entry": entry.id}


_PUB_YEARS = iter(range(2040, 2100))


def _publication(session, world):
    from sfoflow.models.year import YearPublication

    pub_year = next(_PUB_YEARS)
    session.add(YearPublication(year=pub_year, number=1, publisher_label="m", sections=["ratings"], content={},
                                html="<p>x</p>", pdf=b"%PDF-1.4", csv="region\r\n"))
    session.commit()
    return {"pub_year": pub_year}


YEAR_READERS = expect(central_team=200, inspector=403, manager=200, admin=200)
MANAGER_ONLY = expect(central_team=403, inspector=403, manager=200, admin=403)
ENTRIES[("GET", "/api/v1/themes")] = Entry("/api/v1/themes", EVERYONE_SIGNED_IN)
ENTRIES[("POST", "/api/v1/themes")] = Entry(
    "/api/v1/themes", expect(central_team=403, inspector=403, manager=403, admin=201),
    json=lambda w: {"label": f"Theme for {w['caller']}"})
ENTRIES[("POST", "/api/v1/themes/<key>/retire")] = Entry(
    "/api/v1/themes/diversity/retire", expect(central_team=403, inspector=403, manager=403, admin=200))
ENTRIES[("GET", "/api/v1/reviews/<int:review_id>/learning")] = Entry(
    "/api/v1/reviews/{review}/learning", QA_READERS, setup=_qa_started)
ENTRIES[("PUT", "/api/v1/reviews/<int:review_id>/learning")] = Entry(
    "/api/v1/reviews/{review}/learning", expect(central_team=403, inspector=404, manager=403, admin=403),
    json={"themes": ["mappa"]}, setup=_qa_started)
ENTRIES[("POST", "/api/v1/amendments/<int:entry_id>/outcome")] = Entry(
    "/api/v1/amendments/{entry}/outcome", expect(central_team=200, inspector=403, manager=403, admin=403),
    json={"outcome": "amended", "outcome_on": "2023-06-01"}, setup=_amendment)
ENTRIES[("GET", "/api/v1/years/<int:year>/summary")] = Entry("/api/v1/years/2023/summary", YEAR_READERS)
ENTRIES[("PUT", "/api/v1/years/<int:year>/narratives/<section>")] = Entry(
    "/api/v1/years/2023/narratives/ratings", MANAGER_ONLY, json={"text": "Most reviews were Good."})
ENTRIES[("PUT", "/api/v1/years/<int:year>/sections")] = Entry(
    "/api/v1/years/2023/sections", MANAGER_ONLY, json={"sections": ["ratings", "themes"]})
ENTRIES[("POST", "/api/v1/years/<int:year>/publications")] = Entry(
    "/api/v1/years/2023/publications", expect(central_team=403, inspector=403, manager=201, admin=403))
ENTRIES[("GET", "/api/v1/years/<int:year>/publications")] = Entry("/api/v1/years/2023/publications",
                                                                   EVERYONE_SIGNED_IN)
ENTRIES[("GET", "/api/v1/years/<int:year>/publications/<int:number>.pdf")] = Entry(
    "/api/v1/years/{pub_year}/publications/1.pdf", EVERYONE_SIGNED_IN, setup=_publication)
ENTRIES[("GET", "/api/v1/years/<int:year>/publications/<int:number>.csv")] = Entry(
    "/api/v1/years/{pub_year}/publications/1.csv", EVERYONE_SIGNED_IN, setup=_publication)
def _import_job(session, world):
    from sfoflow.services import import_jobs

    job = import_jobs.create(session, CSV, "reviews.csv", None)
    session.commit()
    return {"job": job.id}


ENTRIES[("GET", "/api/v1/imports/<int:job_id>")] = Entry(
    "/api/v1/imports/{job}", expect(central_team=200, inspector=403, manager=403, admin=403), setup=_import_job)
