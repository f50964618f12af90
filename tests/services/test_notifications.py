"""The sweep against a real database: what it records, once, on which day, and what it costs.

Expected days are worked by hand (2023: bank holidays 1, 8 and 29 May; 2026: Good Friday
3 April, Easter Monday 6 April; clocks change 29 March and 25 October 2026).
"""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, select, update

from sfoflow.cli import cli
from sfoflow.models.notifications import Notification
from sfoflow.services import notifications, settings
from tests.support.core import make_review
from tests.support.deadlines import allocate, clock, days, keyset, recorded, selected_review, staff

D = date


def sweep(session, day, **kw):
    kw.setdefault("dispatch", None)
    return notifications.sweep(session, day, **kw)


def sweep_daily(session, first, last, times=1):
    for d in days(first, last):
        for _ in range(times):
            sweep(session, d)


@pytest.fixture
def people(session):
    return staff(session)


def test_a_year_of_one_review_reminds_and_escalates_on_the_right_days_once(session, people):
    inspector, managers = people["inspectors"][0], people["managers"]
    review = selected_review(session, due_on=D(2023, 5, 22), received_on=D(2023, 4, 27))
    sweep_daily(session, D(2023, 4, 27), D(2023, 5, 1), times=2)  # each day swept twice
    allocate(session, review, inspector, people["central"][0], on=D(2023, 5, 2))
    sweep_daily(session, D(2023, 5, 2), D(2023, 5, 31), times=2)

    reminders = {(n.key_day, n.dedupe_key.split(":")[1]) for n in recorded(session, "reminder")}
    assert reminders == {(D(2023, 5, 15), "5"), (D(2023, 5, 18), "2"), (D(2023, 5, 22), "0")}
    assert {n.recipient_id for n in recorded(session, "reminder")} == {inspector.id}
    overdue_days = [D(2023, 5, 23), D(2023, 5, 24), D(2023, 5, 25), D(2023, 5, 26), D(2023, 5, 30), D(2023, 5, 31)]
    assert keyset(session, "overdue") == {("overdue", review.id, d, m.id) for d in overdue_days for m in managers}
    # selected 27 April, allocated 2 May: the alert's day (Fri 28 April) came while it was unallocated
    assert keyset(session, "unallocated") == {("unallocated", review.id, D(2023, 4, 28), people["central"][0].id)}
    assert len(recorded(session, "allocated")) == 1
    # no key twice, whatever was asked
    keys = [n.dedupe_key for n in recorded(session)]
    assert len(keys) == len(set(keys))


def test_the_allocation_notice_is_recorded_with_the_allocation(session, people):
    inspector = people["inspectors"][0]
    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, inspector, people["central"][0], on=D(2023, 5, 2))
    (notice,) = recorded(session, "allocated")
    assert notice.recipient_email == inspector.email and notice.review_id == review.id
    assert notice.key_day == D(2023, 5, 2) and notice.status == "pending"
    assert review.reference in notice.subject and "Monday 22 May 2023" in notice.body
    assert f"/reviews/{review.id}" in notice.body
    # reallocation: the new inspector gets their own notice
    allocate(session, review, people["inspectors"][1], people["managers"][0], on=D(2023, 5, 3),
             action="reallocate", reason="Inspector 0 is off sick")
    assert [n.recipient_id for n in recorded(session, "allocated")] == [inspector.id, people["inspectors"][1].id]


def test_a_refused_allocation_records_no_notice(session, people):
    from sfoflow.services.errors import ServiceError
    from sfoflow.services.lifecycle import apply_action

    review = selected_review(session, due_on=D(2023, 5, 22))
    with pytest.raises(ServiceError):
        apply_action(session, review, "allocate", people["central"][0], version=review.version,
                     data={"inspector_id": people["managers"][0].id})  # not an inspector
    session.rollback()
    assert recorded(session) == []


def test_a_sweep_that_missed_days_catches_up_each_reminder_once(session, people):
    inspector = people["inspectors"][0]
    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, inspector, people["central"][0], on=D(2023, 5, 2))
    sweep(session, D(2023, 5, 17))  # nothing ran on Mon 15 or Tue 16: the 5-day reminder still goes
    sweep(session, D(2023, 5, 19))  # nor on Thu 18: the 2-day one goes on Fri
    sweep(session, D(2023, 5, 19))
    assert sorted(n.key_day for n in recorded(session, "reminder")) == [D(2023, 5, 15), D(2023, 5, 18)]
    # on Mon 22 May only the due-day reminder is new; the escalations of a gap are not replayed
    sweep(session, D(2023, 5, 26))
    assert sorted(n.key_day for n in recorded(session, "overdue")) == [D(2023, 5, 26)] * 2


def test_a_weekend_sweep_records_nothing(session, people):
    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, people["inspectors"][0], people["central"][0], on=D(2023, 5, 2))
    before = len(recorded(session))
    for d in (D(2023, 5, 20), D(2023, 5, 21), D(2023, 5, 29)):  # Sat, Sun, spring bank holiday
        report = sweep(session, d)
        assert report.working_day is False and report.recorded == []
    assert len(recorded(session)) == before


def test_an_extension_earns_fresh_reminders_against_the_new_date(session, people):
    from sfoflow.services.reviews import grant_extension

    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, people["inspectors"][0], people["central"][0], on=D(2023, 5, 2))
    sweep_daily(session, D(2023, 5, 15), D(2023, 5, 18))
    with clock(D(2023, 5, 18)):
        grant_extension(session, review, D(2023, 5, 31), "inspector ill", people["managers"][0], review.version)
        session.commit()
    sweep_daily(session, D(2023, 5, 19), D(2023, 6, 1))
    # old date: 15 (5), 18 (2); new date Wed 31 May: Tue 23 (5), Fri 26 (2), Wed 31 (0)
    assert sorted(n.key_day for n in recorded(session, "reminder")) == [
        D(2023, 5, 15), D(2023, 5, 18), D(2023, 5, 23), D(2023, 5, 26), D(2023, 5, 31)]
    assert [n.key_day for n in recorded(session, "overdue")] == [D(2023, 6, 1)] * 2


def test_finished_and_withdrawn_reviews_get_nothing(session, people):
    for state in ("feedback_sent", "withdrawn", "routed_to_hmpps"):
        make_review(session, state=state, due_on=D(2023, 5, 22), inspector=people["inspectors"][0])
    sweep_daily(session, D(2023, 5, 15), D(2023, 5, 26))
    assert recorded(session) == []


def test_digest_goes_to_each_active_manager_on_working_days(session, people):
    retired = people["managers"][1]
    retired.is_active = False
    session.commit()
    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, people["inspectors"][0], people["central"][0], on=D(2023, 5, 2))
    sweep_daily(session, D(2023, 5, 12), D(2023, 5, 23))
    digests = recorded(session, "digest")
    # due within 5 working days from Mon 15 May (15 -> 22 is 5), overdue on Tue 23
    assert [n.key_day for n in digests] == [D(2023, 5, 15), D(2023, 5, 16), D(2023, 5, 17), D(2023, 5, 18),
                                            D(2023, 5, 19), D(2023, 5, 22), D(2023, 5, 23)]
    assert {n.recipient_id for n in digests} == {people["managers"][0].id}
    assert all(n.review_id is None for n in digests)
    assert "Overdue (1):" in digests[-1].body and review.reference in digests[-1].body
    assert {n.recipient_id for n in recorded(session, "overdue")} == {people["managers"][0].id}


def test_reminder_thresholds_are_a_setting(session, people):
    settings.set_value(session, "reminder_working_days", [3])
    session.commit()
    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, people["inspectors"][0], people["central"][0], on=D(2023, 5, 2))
    sweep_daily(session, D(2023, 5, 10), D(2023, 5, 22))
    assert [n.key_day for n in recorded(session, "reminder")] == [D(2023, 5, 17)]  # Wed: 18, 19, 22 left


# --- around the clock changes and Easter 2026 ---------------------------------------------------------

def test_reminders_across_the_clock_changes_and_bank_holidays_fire_once_on_the_right_day(session, people):
    inspector, central = people["inspectors"][0], people["central"][0]
    # Due Thu 9 April 2026: before it Wed 8 (1), Tue 7 (2), [Mon 6 Easter Monday, Fri 3 Good Friday],
    # Thu 2 (3), Wed 1 (4), Tue 31 March (5), two days after the clocks went forward.
    spring = selected_review(session, due_on=D(2026, 4, 9), received_on=D(2026, 3, 12))
    # Due Fri 30 October 2026: Thu 29 (1), Wed 28 (2), Tue 27, Mon 26 (4), Fri 23 (5), before they go back.
    autumn = selected_review(session, due_on=D(2026, 10, 30), received_on=D(2026, 10, 9))
    allocate(session, spring, inspector, central, on=D(2026, 3, 16))
    allocate(session, autumn, inspector, central, on=D(2026, 10, 12))
    sweep_daily(session, D(2026, 3, 20), D(2026, 4, 10), times=2)
    sweep_daily(session, D(2026, 10, 16), D(2026, 10, 30), times=2)
    got = sorted((n.review_id, n.key_day, n.created_at.date() if n.created_at else None)
                 for n in recorded(session, "reminder"))
    assert [(rid, key) for rid, key, _ in got] == [
        (spring.id, D(2026, 3, 31)), (spring.id, D(2026, 4, 7)), (spring.id, D(2026, 4, 9)),
        (autumn.id, D(2026, 10, 23)), (autumn.id, D(2026, 10, 28)), (autumn.id, D(2026, 10, 30))]


@pytest.mark.parametrize("utc_instant, expect_reminder", [
    (datetime(2026, 3, 31, 5, 30, tzinfo=UTC), False),  # 06:30 BST Tue: still Monday 30's day
    (datetime(2026, 3, 31, 6, 30, tzinfo=UTC), True),  # 07:30 BST Tue 31 March
    (datetime(2026, 10, 23, 5, 30, tzinfo=UTC), False),  # 06:30 BST Fri: still Thursday's day
    (datetime(2026, 10, 23, 6, 30, tzinfo=UTC), True),  # 07:30 BST Fri 23 October
])
def test_the_beat_sweep_decides_the_day_in_london_time(app, session, people, utc_instant, expect_reminder):
    """The task beat runs, at a real instant: the day is London's, and starts at 07:00 local."""
    import time_machine

    from sfoflow.tasks.sweep import sweep as sweep_task

    inspector, central = people["inspectors"][0], people["central"][0]
    if utc_instant.month == 3:
        review = selected_review(session, due_on=D(2026, 4, 9), received_on=D(2026, 3, 12))
        allocate(session, review, inspector, central, on=D(2026, 3, 16))
    else:
        review = selected_review(session, due_on=D(2026, 10, 30), received_on=D(2026, 10, 9))
        allocate(session, review, inspector, central, on=D(2026, 10, 12))
    with time_machine.travel(utc_instant, tick=False), app.app_context():
        result = sweep_task.run()
    expected_day = utc_instant.date() if expect_reminder else utc_instant.date() - timedelta(days=1)
    assert result["day"] == expected_day.isoformat()
    assert bool(recorded(session, "reminder")) is expect_reminder


# --- exactly once, even at once --------------------------------------------------------------------------

def test_two_sweeps_at_once_record_each_notification_once(database, session, people):
    for i in range(12):
        review = selected_review(session, due_on=D(2023, 5, 22) + timedelta(days=i % 4), reference=f"SFO/C/{i}")
        if i % 3:
            allocate(session, review, people["inspectors"][i % 2], people["central"][0], on=D(2023, 5, 2))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            with database.session() as s:
                barrier.wait(timeout=10)
                results.append(sweep(s, D(2023, 5, 25)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    rows = recorded(session)
    keys = [n.dedupe_key for n in rows if n.kind != "allocated"]
    assert len(keys) == len(set(keys)) > 0
    # between them, the two sweeps claimed each new row exactly once
    claimed = sorted(r.id for res in results for r in res.recorded)
    assert claimed == sorted(n.id for n in rows if n.kind != "allocated")


# --- cost --------------------------------------------------------------------------------------------------

class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def test_the_sweep_reads_a_fixed_number_of_queries_whatever_the_history(database, session, people):
    inspector = people["inspectors"][0]

    def open_reviews(n, start):
        for i in range(n):
            review = selected_review(session, due_on=D(2023, 5, 22), reference=f"SFO/O/{start + i}")
            allocate(session, review, inspector, people["central"][0], on=D(2023, 5, 2))

    def cost():
        sweep(session, D(2023, 5, 10))  # warm: calendar, settings rows
        session.execute(update(Notification).values(status="delivered"))
        session.execute(Notification.__table__.delete().where(Notification.kind != "allocated"))
        session.commit()
        with QueryCounter(database.engine) as counter:
            report = sweep(session, D(2023, 5, 25))
        return counter.count, len(report.recorded)

    open_reviews(3, 0)
    small = cost()
    for i in range(300):  # a long history of finished reviews
        make_review(session, state="feedback_sent", due_on=D(2023, 5, 22) - timedelta(days=i % 200),
                    inspector=inspector, reference=f"SFO/F/{i}")
    assert cost() == small  # same queries, same notifications: the history is never read
    open_reviews(27, 100)  # ten times the open work: more rows, not more queries
    many_queries, many_recorded = cost()
    assert many_recorded > small[1] and many_queries == small[0]


def test_sweep_candidates_use_the_state_due_on_index_on_postgresql(database, session):
    if database.dialect != "postgresql":
        pytest.skip("the plan check is for PostgreSQL")
    from sqlalchemy import text

    from sfoflow.services.notifications import _candidates

    session.execute(text("SET enable_seqscan = off"))
    sql = str(_candidates(D(2023, 5, 29)).compile(database.engine, compile_kwargs={"literal_binds": True}))
    plan = "\n".join(r[0] for r in session.execute(text("EXPLAIN " + sql)))
    # an index led by state (alone, with due_on, or the partial one on open QA, as the planner
    # prefers), never a scan of every review
    assert any(index in plan for index in ("ix_reviews_state", "ix_reviews_open_qa_inspector")), plan
    assert "Seq Scan on reviews" not in plan, plan


def hand_over(ids):
    return list(ids), None


# --- handing to workers ------------------------------------------------------------------------------------

def test_deliverable_notifications_are_handed_over_once_and_again_when_a_lease_expires(session, people):
    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, people["inspectors"][0], people["central"][0], on=D(2023, 5, 2))
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    first = sweep(session, D(2023, 5, 15), now=now, dispatch=hand_over)
    new_ids = {n.id for n in recorded(session) if n.kind != "allocated"}
    assert new_ids and new_ids <= set(first.dispatched)
    # a second sweep a minute later does not hand them over again: they are in flight
    again = sweep(session, D(2023, 5, 15), now=now + timedelta(minutes=1), dispatch=hand_over)
    assert not (set(again.dispatched) & new_ids)
    # nobody took them for longer than a lease: they are handed over again
    later = sweep(session, D(2023, 5, 15), now=now + timedelta(minutes=6), dispatch=hand_over)
    assert new_ids <= set(later.dispatched)


def test_with_the_broker_down_nothing_is_marked_in_flight(session, people):
    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, people["inspectors"][0], people["central"][0], on=D(2023, 5, 2))

    def broker_down(ids):
        return [], "ConnectionRefusedError: broker down"

    report = sweep(session, D(2023, 5, 15), dispatch=broker_down)
    assert report.dispatched == [] and "broker down" in report.dispatch_error
    reminder = recorded(session, "reminder")[0]
    assert reminder.dispatched_at is None and reminder.status == "pending"
    assert reminder.id in sweep(session, D(2023, 5, 15), dispatch=hand_over).dispatched


# --- the command ---------------------------------------------------------------------------------------------

def test_sfoflow_sweep_records_and_delivers_to_the_outbox(session, people, test_env, monkeypatch):
    from sfoflow.models.notifications import OutboxMessage

    for key, value in test_env.items():
        if key.startswith("SFOFLOW_"):
            monkeypatch.setenv(key, value)
    review = selected_review(session, due_on=D(2023, 5, 22))
    allocate(session, review, people["inspectors"][0], people["central"][0], on=D(2023, 5, 2))
    runner = CliRunner()
    result = runner.invoke(cli, ["sweep", "--today", "2023-05-15", "--deliver-here"])
    assert result.exit_code == 0, result.output
    assert "sweep for 2023-05-15 (working day)" in result.output
    assert f"reminder {review.reference} 2023-05-15 -> {people['inspectors'][0].email}" in result.output
    assert "delivered here: delivered" in result.output
    session.expire_all()
    outbox = session.scalars(select(OutboxMessage)).all()
    statuses = {n.status for n in recorded(session)}
    assert statuses == {"delivered"} and len(outbox) == len(recorded(session))
    again = runner.invoke(cli, ["sweep", "--today", "2023-05-15", "--deliver-here"])
    assert "0 notification(s) recorded" in again.output and "nothing to send" in again.output
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == len(outbox)
    shown = runner.invoke(cli, ["outbox", "--limit", "1"])
    assert shown.exit_code == 0 and review.reference in shown.output
    saturday = runner.invoke(cli, ["sweep", "--today", "2023-05-20"])
    assert "not a working day" in saturday.output
