"""Task list, open QA (JSON, CSV, page), workload, timeliness, notifications and the outbox,
through the API and the web pages. Expected working days come from tests/support/deadlines.py's
own calendar, never from sfoflow.working_days."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from sfoflow.models import Review
from sfoflow.models.notifications import Notification, OutboxMessage
from tests.support.core import auth, make_person, make_review
from tests.support.deadlines import remaining, working_after, working_before
from tests.support.web import post_form, sign_in, text


def wd(today: date, n: int) -> date:
    """n working days from today (negative: before), by this file's own calendar."""
    return working_after(today, n) if n >= 0 else working_before(today, -n)


@pytest.fixture
def world(session, today):
    """Two inspectors' open QA, one unallocated, some finished; due dates around today."""
    ann, ann_token = make_person(session, "inspector", name="Ann", capacity=5)
    bob, bob_token = make_person(session, "inspector", name="Bob", capacity=3, is_senior=True)
    reviews = {
        "ann_late": make_review(session, state="in_qa", inspector=ann, due_on=wd(today, -3), region="wales",
                                provider="N03", parallel=1, reference="SFO/A/LATE"),
        "ann_soon": make_review(session, state="allocated", inspector=ann, due_on=wd(today, 2), is_high_profile=True,
                                reference="SFO/A/SOON"),
        "ann_later": make_review(session, state="awaiting_sign_off", inspector=ann, due_on=wd(today, 9),
                                 reference="SFO/A/LATER"),
        "bob_soon": make_review(session, state="in_qa", inspector=bob, due_on=wd(today, 4), reference="SFO/B/SOON"),
        "unallocated": make_review(session, state="selected_for_hmip", due_on=wd(today, 12), reference="SFO/U/1",
                                   region="wales", provider="N03"),
        "ann_done": make_review(session, state="feedback_sent", inspector=ann, due_on=wd(today, -20),
                                reference="SFO/A/DONE"),
        "hmpps": make_review(session, state="routed_to_hmpps", due_on=wd(today, -5), reference="SFO/H/1"),
    }
    return {"ann": (ann, ann_token), "bob": (bob, bob_token), "reviews": reviews}


# --- the inspector's task list -------------------------------------------------------------------------

def test_an_inspector_gets_their_own_open_reviews_soonest_due_first(client, world, today):
    ann, token = world["ann"]
    r = world["reviews"]
    body = client.get("/api/v1/tasks", headers=auth(token)).json
    assert [i["reference"] for i in body["items"]] == ["SFO/A/LATE", "SFO/A/SOON", "SFO/A/LATER"]
    late, soon, later = body["items"]
    # working days after the due date up to today (fewer than 3 when today is a weekend)
    assert (late["is_overdue"], late["days_overdue"], late["working_days_remaining"]) == \
        (True, remaining(today, r["ann_late"].due_on), 0)
    assert soon["working_days_remaining"] == remaining(r["ann_soon"].due_on, today) == 2
    assert later["working_days_remaining"] == 9
    assert soon["is_high_profile"] and not late["is_high_profile"]
    assert late["parallel_reviews"] == 1 and soon["parallel_reviews"] == 0
    assert soon["allowed_actions"] == ["start"] and late["allowed_actions"] == ["submit"]
    assert later["allowed_actions"] == []


def test_the_task_page_shows_the_same_with_buttons_that_work(app, signed_in, world, session, today):
    ann, _ = world["ann"]
    client = app.test_client()
    sign_in(client, _with_password(session, ann))
    page = client.get("/my-tasks")
    assert page.status_code == 200
    words = text(page)
    assert words.index("SFO/A/LATE") < words.index("SFO/A/SOON") < words.index("SFO/A/LATER")
    assert "SFO/B/SOON" not in words and "SFO/U/1" not in words
    late = remaining(today, world["reviews"]["ann_late"].due_on)
    assert f"{late} working day{'s' if late != 1 else ''} overdue" in words and "2 working days remaining" in words
    assert "High profile" in words and "Parallel review: 1" in words
    soon = world["reviews"]["ann_soon"]
    html = page.get_data(as_text=True)
    assert f'id="task-{soon.id}-start"' in html
    started = post_form(client, "/my-tasks", f"/reviews/{soon.id}/qa/start", {"version": str(soon.version)})
    assert started.status_code == 302
    session.expire_all()
    assert session.get(Review, soon.id).state == "in_qa"


def _with_password(session, user):
    from sfoflow.services.users import set_password

    set_password(user, "password-123")
    session.commit()
    return user


def test_only_inspectors_have_a_task_list(client, signed_in, world, session):
    _manager, token = make_person(session, "manager")
    assert client.get("/api/v1/tasks", headers=auth(token)).status_code == 403
    manager_client, _ = signed_in("manager")
    assert manager_client.get("/my-tasks").status_code == 403


# --- open QA ---------------------------------------------------------------------------------------------------

def test_open_qa_lists_every_open_qa_overdue_first_with_counts(client, world, session):
    _m, token = make_person(session, "manager")
    body = client.get("/api/v1/open-qa", headers=auth(token)).json
    assert [i["reference"] for i in body["items"]] == ["SFO/A/LATE", "SFO/A/SOON", "SFO/B/SOON", "SFO/A/LATER",
                                                       "SFO/U/1"]
    # due within 5 working days: SOON (2), B/SOON (4); LATER is 9 away
    assert body["counts"] == {"open": 5, "overdue": 1, "due_soon": 2, "unallocated": 1, "due_soon_working_days": 5}
    assert body["items"][0]["inspector"]["name"] == "Ann" and body["items"][-1]["inspector"] is None


@pytest.mark.parametrize("query, expected", [
    ("overdue=true", ["SFO/A/LATE"]),
    ("overdue=false", ["SFO/A/SOON", "SFO/B/SOON", "SFO/A/LATER", "SFO/U/1"]),
    ("due_within=2", ["SFO/A/SOON"]),
    ("due_within=4", ["SFO/A/SOON", "SFO/B/SOON"]),
    ("region=wales", ["SFO/A/LATE", "SFO/U/1"]),
    ("unallocated=true", ["SFO/U/1"]),
])
def test_open_qa_filters(client, world, session, query, expected):
    _m, token = make_person(session, "manager")
    items = client.get(f"/api/v1/open-qa?{query}", headers=auth(token)).json["items"]
    assert [i["reference"] for i in items] == expected


def test_open_qa_filters_by_inspector_and_refuses_nonsense(client, world, session):
    _m, token = make_person(session, "central_team")
    bob, _ = world["bob"]
    got = client.get(f"/api/v1/open-qa?inspector_id={bob.id}", headers=auth(token)).json
    assert [i["reference"] for i in got["items"]] == ["SFO/B/SOON"] and got["counts"]["open"] == 5
    bad = client.get("/api/v1/open-qa?due_within=-1&regoin=wales", headers=auth(token))
    assert bad.status_code == 422 and {"due_within", "regoin"} <= set(bad.json["error"]["fields"])


def test_open_qa_as_csv(client, world, session):
    _m, token = make_person(session, "manager")
    resp = client.get("/api/v1/open-qa?format=csv&overdue=false", headers=auth(token))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["reference"] for r in rows] == ["SFO/A/SOON", "SFO/B/SOON", "SFO/A/LATER", "SFO/U/1"]
    assert rows[0]["working_days_remaining"] == "2" and rows[0]["high_profile"] == "yes"
    assert rows[0]["due_on"] == world["reviews"]["ann_soon"].due_on.isoformat() and rows[-1]["inspector"] == ""


def test_a_csv_cell_cannot_smuggle_a_formula(client, world, session):
    ann, _ = world["ann"]
    ann.name = "=HYPERLINK(\"http://evil\")"
    session.commit()
    _m, token = make_person(session, "manager")
    body = client.get("/api/v1/open-qa?format=csv", headers=auth(token)).get_data(as_text=True)
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_the_open_qa_page_for_a_manager(signed_in, world):
    client, _ = signed_in("manager")
    page = client.get("/open-qa")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="count-overdue">1<' in html and 'id="count-open">5<' in html and 'id="count-unallocated">1<' in html
    words = text(page)
    assert words.index("SFO/A/LATE") < words.index("SFO/A/SOON") < words.index("SFO/U/1")
    filtered = client.get("/open-qa?overdue=true")
    assert "SFO/A/LATE" in text(filtered) and "SFO/A/SOON" not in text(filtered)
    assert "/open-qa.csv?overdue=true" in filtered.get_data(as_text=True)
    download = client.get("/open-qa.csv?overdue=true")
    assert download.mimetype == "text/csv" and "SFO/A/LATE" in download.get_data(as_text=True)
    assert "SFO/A/SOON" not in download.get_data(as_text=True)
    wrong = client.get("/open-qa?due_within=soon")
    assert wrong.status_code == 400 and "Due within (working days)" in text(wrong)
    # workload and timeliness have their own pages, reached from the sub-navigation
    assert 'href="/workload"' in html and 'href="/timeliness"' in html and "3 of 5" not in text(page)
    workload = client.get("/workload")
    assert workload.status_code == 200
    assert "3 of 5" in text(workload) and "1 of 3" in text(workload)  # Ann holds 3 of 5, Bob 1 of 3
    assert 'href="/workload" aria-current="page"' in workload.get_data(as_text=True)
    timeliness = client.get("/timeliness")
    assert timeliness.status_code == 200 and "On time overall" in text(timeliness)


def test_an_inspector_cannot_see_open_qa(signed_in, client, world):
    _ann, token = world["ann"]
    assert client.get("/api/v1/open-qa", headers=auth(token)).status_code == 403
    inspector_client, _ = signed_in("inspector")
    for page in ("/open-qa", "/workload", "/timeliness"):
        assert inspector_client.get(page).status_code == 403


# --- workload --------------------------------------------------------------------------------------------------

def test_workload_per_inspector(client, world, session):
    ann, bob = world["ann"][0], world["bob"][0]
    session.add_all([])
    _m, token = make_person(session, "manager")
    items = {i["inspector"]["id"]: i for i in client.get("/api/v1/workload", headers=auth(token)).json["items"]}
    assert (items[ann.id]["open"], items[ann.id]["spare"], items[ann.id]["overdue"], items[ann.id]["due_soon"]) == \
        (3, 2, 1, 1)
    assert items[ann.id]["by_state"] == {"allocated": 1, "in_qa": 1, "awaiting_sign_off": 1}
    assert (items[bob.id]["open"], items[bob.id]["spare"], items[bob.id]["is_senior"]) == (1, 2, True)


def test_workload_lists_every_active_inspector_by_name_with_who_is_away_today(client, world, session, today):
    from sfoflow.models.allocation import Absence

    ann, bob = world["ann"][0], world["bob"][0]
    cat, _ = make_person(session, "inspector", name="Cat", capacity=4)  # holds nothing
    gone, _ = make_person(session, "inspector", name="Abe")
    gone.is_active = False  # left: not listed, though first by name
    day = timedelta(days=1)
    session.add_all([Absence(inspector_id=cat.id, from_date=today - day, to_date=today),  # away today
                     Absence(inspector_id=bob.id, from_date=today + day, to_date=today + 5 * day)])  # from tomorrow
    session.commit()
    _m, token = make_person(session, "manager")
    items = client.get("/api/v1/workload", headers=auth(token)).json["items"]
    assert [(i["inspector"]["name"], i["open"], i["spare"], i["absent_today"]) for i in items] == [
        ("Ann", 3, 2, False), ("Bob", 1, 2, False), ("Cat", 0, 4, True)]
    assert items[2]["by_state"] == {"allocated": 0, "in_qa": 0, "awaiting_sign_off": 0}
    assert (items[2]["overdue"], items[2]["due_soon"]) == (0, 0)
    assert {i["inspector"]["id"] for i in items} == {ann.id, bob.id, cat.id}


# --- timeliness ------------------------------------------------------------------------------------------------

def test_timeliness_is_measured_against_the_original_due_date(client, session):
    inspector, _ = make_person(session, "inspector")
    _m, token = make_person(session, "manager")
    may, june = date(2023, 5, 22), date(2023, 6, 20)

    def sent(due, sent_on, region="london", original=None):
        # 10:30 UTC is 11:30 BST, the same London day
        return make_review(session, state="feedback_sent", inspector=inspector, due_on=due,
                           original_due_on=original or due, region=region,
                           sent_at=datetime.combine(sent_on, datetime.min.time(), tzinfo=UTC)
                           + timedelta(hours=10, minutes=30))

    sent(may, may)  # on the day: on time
    sent(may, date(2023, 5, 19), region="wales")  # early
    sent(may, date(2023, 5, 23))  # a day late
    sent(date(2023, 5, 31), date(2023, 5, 30), original=may)  # extended: on time by the new date, late by the old
    make_review(session, state="in_qa", inspector=inspector, due_on=june, region="wales")  # still open, past due
    make_review(session, state="withdrawn", due_on=june)  # not counted
    body = client.get("/api/v1/timeliness?from=2023-05-01&to=2023-06-30", headers=auth(token)).json
    assert body["overall"] == {"on_time": 2, "late": 2, "open_late": 1, "not_yet_due": 0, "due": 5,
                               "share_on_time": 0.4}
    months = {m["month"]: (m["on_time"], m["late"], m["open_late"]) for m in body["by_month"]}
    assert months == {"2023-05": (2, 2, 0), "2023-06": (0, 0, 1)}
    regions = {r["region"]["code"]: (r["on_time"], r["due"]) for r in body["by_region"]}
    assert regions == {"london": (1, 3), "wales": (1, 2)}
    bad = client.get("/api/v1/timeliness?from=2023-06-30&to=2023-05-01", headers=auth(token))
    assert bad.status_code == 422 and "to" in bad.json["error"]["fields"]


def test_a_report_sent_late_in_the_evening_counts_on_its_london_day(client, session):
    inspector, _ = make_person(session, "inspector")
    _m, token = make_person(session, "manager")
    due = date(2023, 5, 22)
    # 23:30 UTC on the due day is 00:30 BST the next day: late
    make_review(session, state="feedback_sent", inspector=inspector, due_on=due,
                sent_at=datetime(2023, 5, 22, 23, 30, tzinfo=UTC))
    body = client.get("/api/v1/timeliness?from=2023-05-01&to=2023-05-31", headers=auth(token)).json
    assert (body["overall"]["on_time"], body["overall"]["late"]) == (0, 1)


# --- notifications and the outbox ------------------------------------------------------------------------------

def _notification(session, status, **kw):
    n = Notification(dedupe_key=f"test:{status}:{kw.get('key', 0)}", kind=kw.get("kind", "overdue"),
                     review_id=kw.get("review_id"), key_day=date(2023, 5, 23), recipient_email="m@example.org",
                     subject=f"subject {status}", body="body", status=status, attempts=kw.get("attempts", 1),
                     last_error=kw.get("last_error"))
    session.add(n)
    session.commit()
    return n


def test_admins_and_managers_list_notifications_and_admins_retry_failed_ones(client, session):
    failed = _notification(session, "failed", attempts=5, last_error="SMTPServerDisconnected: gone")
    _notification(session, "delivered", key=1)
    _notification(session, "pending", key=2, kind="reminder")
    _a, admin = make_person(session, "admin")
    _m, manager = make_person(session, "manager")
    listed = client.get("/api/v1/notifications", headers=auth(manager)).json
    assert listed["total"] == 3 and listed["counts"] == {"pending": 1, "sending": 0, "delivered": 1, "failed": 1}
    only_failed = client.get("/api/v1/notifications?status=failed", headers=auth(admin)).json["items"]
    assert [(n["id"], n["attempts"], n["last_error"]) for n in only_failed] == [
        (failed.id, 5, "SMTPServerDisconnected: gone")]
    assert client.get("/api/v1/notifications?kind=reminder", headers=auth(admin)).json["total"] == 1
    assert client.get("/api/v1/notifications?status=lost", headers=auth(admin)).status_code == 422
    assert client.post(f"/api/v1/notifications/{failed.id}/retry", headers=auth(manager)).status_code == 403
    retried = client.post(f"/api/v1/notifications/{failed.id}/retry", headers=auth(admin))
    assert retried.status_code == 200 and retried.json["status"] == "pending"
    assert client.post(f"/api/v1/notifications/{failed.id}/retry", headers=auth(admin)).status_code == 409


def test_the_notifications_page_highlights_failures(signed_in, session):
    failed = _notification(session, "failed", attempts=5, last_error="ConnectionRefusedError: no mail server")
    _notification(session, "delivered", key=1)
    client, _ = signed_in("admin")
    page = client.get("/admin/notifications")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'id="notification-{failed.id}" data-status="failed"' in html
    assert "Gave up after 5 tries: ConnectionRefusedError: no mail server" in text(page)
    assert 'id="count-failed">1<' in html and "Needs attention" in html
    done = post_form(client, "/admin/notifications", f"/admin/notifications/{failed.id}/retry", {})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Notification, failed.id).status == "pending"
    manager_client, _ = signed_in("manager")
    assert manager_client.get("/admin/notifications").status_code == 200
    assert f"retry-{failed.id}" not in manager_client.get("/admin/notifications?status=failed").get_data(as_text=True)


def test_the_outbox_is_for_admins(client, signed_in, session):
    n = _notification(session, "delivered")
    session.add(OutboxMessage(notification_id=n.id, recipient="ann@example.org", subject="Reminder: SFO/1",
                              body="Dear Ann,\n\nThe QA report is due.\n"))
    session.commit()
    _a, admin = make_person(session, "admin")
    items = client.get("/api/v1/outbox", headers=auth(admin)).json["items"]
    assert [(m["recipient"], m["subject"]) for m in items] == [("ann@example.org", "Reminder: SFO/1")]
    admin_client, _ = signed_in("admin")
    page = admin_client.get("/admin/outbox")
    assert "Reminder: SFO/1" in text(page) and "The QA report is due." in text(page)
    central_client, _ = signed_in("central_team")
    assert central_client.get("/admin/outbox").status_code == 403


# --- the allocation page -------------------------------------------------------------------------------------

def test_the_allocation_page_suggests_and_allocates_the_ticked_reviews_together(signed_in, session, today):
    free, _ = make_person(session, "inspector", name="Free", capacity=4)
    busy, _ = make_person(session, "inspector", name="Busy", capacity=4)
    for _ in range(3):
        make_review(session, state="in_qa", inspector=busy, due_on=wd(today, 6))
    first = make_review(session, state="selected_for_hmip", due_on=wd(today, 10), reference="SFO/S/1")
    second = make_review(session, state="selected_for_hmip", due_on=wd(today, 11), reference="SFO/S/2")
    client, _ = signed_in("central_team")
    page = client.get("/allocate")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'id="suggestion-{first.id}"' in html and "Free" in text(page) and "4 spare of 4" in text(page)
    assert f'<option value="{free.id}" selected>' in html  # the suggestion is chosen already
    nothing = post_form(client, "/allocate", "/allocate", {})
    assert nothing.status_code == 400 and "Select at least one review to allocate" in text(nothing)
    # one ticked review is stale: nothing is allocated
    stale = post_form(client, "/allocate", "/allocate", {
        "review": [str(first.id), str(second.id)], f"inspector-{first.id}": str(free.id),
        f"version-{first.id}": str(first.version), f"inspector-{second.id}": str(busy.id),
        f"version-{second.id}": str(second.version + 5)})
    assert stale.status_code == 422 and f"{second.reference}: Someone else changed this review" in text(stale)
    assert "version" not in text(stale).lower()
    session.expire_all()
    assert {session.get(Review, r.id).state for r in (first, second)} == {"selected_for_hmip"}
    ok = post_form(client, "/allocate", "/allocate", {
        "review": [str(first.id), str(second.id)], f"inspector-{first.id}": str(free.id),
        f"version-{first.id}": str(first.version), f"inspector-{second.id}": str(busy.id),
        f"version-{second.id}": str(second.version)})
    assert ok.status_code == 302
    session.expire_all()
    assert [(session.get(Review, r.id).state, session.get(Review, r.id).inspector_id) for r in (first, second)] == [
        ("allocated", free.id), ("allocated", busy.id)]
    after = client.get("/allocate")
    assert "Allocated 2 reviews: SFO/S/1 to Free, SFO/S/2 to Busy" in text(after)
    assert "No reviews are waiting for allocation." in text(after)
    notices = session.scalars(select(Notification.recipient_id).where(Notification.kind == "allocated")).all()
    assert sorted(notices) == sorted([free.id, busy.id])


def test_navigation_per_role(signed_in):
    expected = {"inspector": ({"My tasks"}, {"Open QA", "Allocate", "Outbox", "Notifications"}),
                "manager": ({"Open QA", "Allocate", "Notifications"}, {"My tasks", "Outbox"}),
                "central_team": ({"Open QA", "Allocate"}, {"My tasks", "Outbox", "Notifications"}),
                "admin": ({"Notifications", "Outbox"}, {"My tasks", "Open QA", "Allocate"})}
    for role, (shown, hidden) in expected.items():
        client, _ = signed_in(role)
        nav = text(client.get("/reviews")).split("Menu", 1)[-1][:600]
        assert shown <= {t for t in shown | hidden if t in nav}, (role, nav)
        assert not {t for t in hidden if f" {t} " in f" {nav} "}, (role, nav)
