"""The pure deadline core: the suggestion, the notification rules, the delivery policy, the words.

Dates are worked by hand from the 2023 England and Wales calendar (bank holidays Mon 1 May,
Mon 8 May (coronation) and Mon 29 May 2023), with the working shown in comments.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sfoflow.deadlines import messages
from sfoflow.deadlines.allocation import Candidate, ReviewToAllocate, suggest_inspector
from sfoflow.deadlines.delivery import FAILED, PENDING, Policy
from sfoflow.deadlines.rules import (
    DIGEST,
    OVERDUE,
    REMINDER,
    TO_CENTRAL_TEAM,
    TO_INSPECTOR,
    TO_MANAGERS,
    UNALLOCATED,
    ReviewFacts,
    Rules,
    digest,
    due_notifications,
    effective_day,
)
from sfoflow.working_days import default_calendar

D = date
CAL = default_calendar()
RULES = Rules()  # 5, 2 and 0 working days; unallocated after 1; digest horizon 5


DUE, ALLOCATED, SELECTED = D(2023, 5, 22), D(2023, 5, 2), D(2023, 4, 27)


def facts(state="allocated", due=DUE, inspector=7, allocated=ALLOCATED, selected=SELECTED):
    return ReviewFacts(1, state, due, inspector if state != "selected_for_hmip" else None,
                       allocated if state != "selected_for_hmip" else None, selected)


def days(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def first_seen(f: ReviewFacts, first: date, last: date, rules: Rules = RULES) -> dict:
    """Sweep every day from first to last: {(kind, key_day, n): the first day it was due}."""
    seen = {}
    for d in days(first, last):
        for due in due_notifications(f, d, CAL, rules):
            seen.setdefault((due.kind, due.key_day, due.working_days if due.kind == REMINDER else None), d)
    return seen


# --- reminders and escalations ------------------------------------------------------------------

def test_a_daily_sweep_reminds_on_each_threshold_day_and_escalates_each_working_day_overdue():
    # Due Mon 22 May 2023. Working days before it: Fri 19 (1), Thu 18 (2), Wed 17 (3), Tue 16 (4),
    # Mon 15 (5). After it: Tue 23 .. Fri 26, (Mon 29 May bank holiday), Tue 30, Wed 31.
    seen = first_seen(facts(), D(2023, 5, 1), D(2023, 5, 31))
    assert seen == {
        (REMINDER, D(2023, 5, 15), 5): D(2023, 5, 15),
        (REMINDER, D(2023, 5, 18), 2): D(2023, 5, 18),
        (REMINDER, D(2023, 5, 22), 0): D(2023, 5, 22),
        **{(OVERDUE, d, None): d for d in (D(2023, 5, 23), D(2023, 5, 24), D(2023, 5, 25), D(2023, 5, 26),
                                           D(2023, 5, 30), D(2023, 5, 31))},
    }


def test_reminder_days_step_over_bank_holidays():
    # Due Wed 10 May 2023: before it Tue 9 (1), [Mon 8 coronation], Fri 5 (2), Thu 4 (3), Wed 3 (4),
    # Tue 2 (5) [Mon 1 May bank holiday].
    seen = first_seen(facts(due=D(2023, 5, 10), allocated=D(2023, 4, 20)), D(2023, 4, 24), D(2023, 5, 10))
    assert seen == {(REMINDER, D(2023, 5, 2), 5): D(2023, 5, 2), (REMINDER, D(2023, 5, 5), 2): D(2023, 5, 5),
                    (REMINDER, D(2023, 5, 10), 0): D(2023, 5, 10)}


def test_the_overdue_escalation_carries_the_working_days_overdue():
    (due,) = due_notifications(facts(), D(2023, 5, 30), CAL, RULES)  # Tue 30 May: 23,24,25,26,30 -> 5
    assert (due.kind, due.key_day, due.audience, due.working_days) == (OVERDUE, D(2023, 5, 30), TO_MANAGERS, 5)


def test_nothing_is_decided_on_a_weekend_or_bank_holiday():
    for d in (D(2023, 5, 20), D(2023, 5, 21), D(2023, 5, 27), D(2023, 5, 29)):  # Sat, Sun, Sat, spring bank holiday
        assert due_notifications(facts(), d, CAL, RULES) == []


def test_a_missed_reminder_is_caught_up_while_its_window_lasts():
    f = facts()
    # Wed 17 May: 3 remain (18, 19, 22): still the 5-day window -> the 5-day reminder, keyed Mon 15 May
    assert [(d.kind, d.key_day, d.working_days) for d in due_notifications(f, D(2023, 5, 17), CAL, RULES)] == \
        [(REMINDER, D(2023, 5, 15), 5)]
    # Fri 19 May: 1 remains: the 2-day window -> the 2-day reminder keyed Thu 18; the 5-day one is gone
    assert [(d.kind, d.key_day, d.working_days) for d in due_notifications(f, D(2023, 5, 19), CAL, RULES)] == \
        [(REMINDER, D(2023, 5, 18), 2)]


def test_no_reminder_for_a_window_that_began_before_the_allocation():
    # Allocated on Mon 15 May, the 5-day reminder's own day: the allocation notice says it all.
    seen = first_seen(facts(allocated=D(2023, 5, 15)), D(2023, 5, 15), D(2023, 5, 22))
    assert set(seen) == {(REMINDER, D(2023, 5, 18), 2), (REMINDER, D(2023, 5, 22), 0)}


def test_reminders_only_while_the_inspector_holds_the_work():
    for state in ("awaiting_sign_off",):
        kinds = {d.kind for d in due_notifications(facts(state=state), D(2023, 5, 22), CAL, RULES)}
        assert kinds == set()
        assert {d.kind for d in due_notifications(facts(state=state), D(2023, 5, 23), CAL, RULES)} == {OVERDUE}
    for state in ("feedback_sent", "withdrawn", "routed_to_hmpps", "received"):
        assert first_seen(facts(state=state), D(2023, 5, 1), D(2023, 6, 30)) == {}
    in_qa = first_seen(facts(state="in_qa"), D(2023, 5, 1), D(2023, 5, 22))
    assert len(in_qa) == 3 and {k[0] for k in in_qa} == {REMINDER}


def test_an_extension_moves_the_reminders_with_the_due_date():
    # Extended to Wed 31 May: before it Tue 30 (1), [Mon 29], Fri 26 (2), Thu 25, Wed 24, Tue 23 (5).
    seen = first_seen(facts(due=D(2023, 5, 31)), D(2023, 5, 19), D(2023, 5, 31))
    assert set(seen) == {(REMINDER, D(2023, 5, 23), 5), (REMINDER, D(2023, 5, 26), 2), (REMINDER, D(2023, 5, 31), 0)}


def test_thresholds_come_from_the_rules():
    rules = Rules(reminder_working_days=(3,), unallocated_alert_working_days=1)
    # 3 days before Mon 22 May: Fri 19 (1), Thu 18 (2), Wed 17 (3); the window then runs to the due day
    seen = first_seen(facts(), D(2023, 5, 1), D(2023, 5, 22), rules)
    assert seen == {(REMINDER, D(2023, 5, 17), 3): D(2023, 5, 17)}
    assert Rules(reminder_working_days=(0, 5, 2, 5)).reminder_working_days == (5, 2, 0)
    with pytest.raises(ValueError):
        Rules(reminder_working_days=(5, -1))


# --- unallocated alert ------------------------------------------------------------------------------

def test_an_unallocated_review_alerts_the_central_team_once_a_working_day_after_selection():
    # Selected Fri 5 May 2023; the next working day is Tue 9 May (Mon 8 is the coronation holiday).
    f = facts(state="selected_for_hmip", selected=D(2023, 5, 5))
    seen = first_seen(f, D(2023, 5, 5), D(2023, 5, 12))
    assert seen == {(UNALLOCATED, D(2023, 5, 9), None): D(2023, 5, 9)}
    (due,) = due_notifications(f, D(2023, 5, 11), CAL, RULES)  # caught up later, same key
    assert (due.key_day, due.audience) == (D(2023, 5, 9), TO_CENTRAL_TEAM)


def test_selection_on_a_non_working_day_counts_from_the_next_working_day():
    # Selected Sat 13 May -> treated as Mon 15 -> alert Tue 16 May
    f = facts(state="selected_for_hmip", selected=D(2023, 5, 13))
    assert first_seen(f, D(2023, 5, 13), D(2023, 5, 19)) == {(UNALLOCATED, D(2023, 5, 16), None): D(2023, 5, 16)}


def test_an_unallocated_review_past_its_due_date_is_also_escalated():
    kinds = {d.kind for d in due_notifications(facts(state="selected_for_hmip"), D(2023, 5, 23), CAL, RULES)}
    assert kinds == {UNALLOCATED, OVERDUE}


# --- digest --------------------------------------------------------------------------------------------

def test_the_digest_lists_overdue_and_due_soon_on_working_days_only():
    items = [ReviewFacts(1, "in_qa", D(2023, 5, 15), 7, D(2023, 5, 1)),  # overdue on 17 May
             ReviewFacts(2, "allocated", D(2023, 5, 24), 7, D(2023, 5, 1)),  # 18,19,22,23,24 = 5 left: soon
             ReviewFacts(3, "allocated", D(2023, 5, 25), 7, D(2023, 5, 1)),  # 6 left: not yet
             ReviewFacts(4, "feedback_sent", D(2023, 5, 10), 7, D(2023, 5, 1))]  # finished
    summary = digest(items, D(2023, 5, 17), CAL, RULES)
    assert [f.review_id for f in summary.overdue] == [1]
    assert [f.review_id for f in summary.due_soon] == [2]
    assert digest(items, D(2023, 5, 20), CAL, RULES) is None  # Saturday
    assert digest(items[2:], D(2023, 5, 17), CAL, RULES) is None  # nothing to say
    assert DIGEST == "digest"


# --- the day a sweep decides for, across the clock changes -------------------------------------------

UTC = UTC


@pytest.mark.parametrize("instant, expected", [
    # Spring forward: Sun 29 March 2026, 01:00 UTC (01:00 GMT -> 02:00 BST)
    (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), D(2026, 3, 28)),  # 23:30 GMT Sat
    (datetime(2026, 3, 29, 6, 30, tzinfo=UTC), D(2026, 3, 29)),  # 07:30 BST Sun (06:30 in UTC)
    (datetime(2026, 3, 30, 5, 59, tzinfo=UTC), D(2026, 3, 29)),  # 06:59 BST Mon: the day has not begun
    (datetime(2026, 3, 30, 6, 0, tzinfo=UTC), D(2026, 3, 30)),  # 07:00 BST Mon
    (datetime(2026, 3, 30, 23, 30, tzinfo=UTC), D(2026, 3, 30)),  # 00:30 BST Tue, before 7: still Monday's day
    # Fall back: Sun 25 October 2026, 01:00 UTC (02:00 BST -> 01:00 GMT)
    (datetime(2026, 10, 23, 6, 30, tzinfo=UTC), D(2026, 10, 23)),  # 07:30 BST Fri
    (datetime(2026, 10, 26, 6, 30, tzinfo=UTC), D(2026, 10, 25)),  # 06:30 GMT Mon: still Sunday's day
    (datetime(2026, 10, 26, 7, 0, tzinfo=UTC), D(2026, 10, 26)),  # 07:00 GMT Mon
    (datetime(2026, 10, 25, 0, 30), D(2026, 10, 24)),  # naive = UTC: 01:30 BST Sun, before 7
])
def test_the_sweep_day_follows_london_local_time(instant, expected):
    assert effective_day(instant, 7) == expected


def test_with_the_day_starting_at_midnight_it_is_the_london_date():
    assert effective_day(datetime(2026, 3, 30, 23, 30, tzinfo=UTC), 0) == D(2026, 3, 31)


# --- the suggestion ---------------------------------------------------------------------------------

REVIEW = ReviewToAllocate(region="london", provider="N07", is_high_profile=False, due_on=D(2023, 5, 22))
TODAY = D(2023, 5, 2)


def cand(id, name, capacity=6, open_qas=0, **kw):
    return Candidate(id, name, capacity, open_qas, **kw)


def test_the_most_spare_capacity_wins():
    people = [cand(1, "Ann", 6, 4), cand(2, "Bob", 4, 1), cand(3, "Cat", 8, 6)]  # spare 2, 3, 2
    s = suggest_inspector(people, REVIEW, TODAY, CAL)
    assert s.suggested.id == 2
    assert [c.id for c in s.eligible] == [2, 1, 3]  # Ann and Cat tie on 2 spare: fewer open QAs first


def test_ties_break_by_name_then_id_so_the_answer_is_stable():
    people = [cand(9, "Zoe", 5, 1), cand(4, "Amy", 5, 1), cand(3, "Amy", 5, 1)]
    assert [c.id for c in suggest_inspector(people, REVIEW, TODAY, CAL).eligible] == [3, 4, 9]


def test_someone_at_capacity_is_not_suggested():
    s = suggest_inspector([cand(1, "Ann", 3, 3), cand(2, "Bob", 3, 2)], REVIEW, TODAY, CAL)
    assert s.suggested.id == 2
    assert s.excluded[0][0].id == 1 and "no spare capacity" in s.excluded[0][1][0]


def test_absence_on_a_working_day_before_the_due_date_excludes_but_a_weekend_one_does_not():
    away_weekday = cand(1, "Ann", absences=((D(2023, 5, 19), D(2023, 5, 19)),))  # Fri 19 May
    away_weekend = cand(2, "Bob", 6, 3, absences=((D(2023, 5, 13), D(2023, 5, 14)),))  # Sat-Sun
    away_holiday = cand(3, "Cat", 6, 3, absences=((D(2023, 5, 8), D(2023, 5, 8)),))  # the coronation
    away_after = cand(4, "Dan", 6, 3, absences=((D(2023, 5, 23), D(2023, 6, 30)),))  # after the due date
    away_before = cand(5, "Eve", 6, 3, absences=((D(2023, 4, 1), D(2023, 5, 1)),))  # ended before today
    s = suggest_inspector([away_weekday, away_weekend, away_holiday, away_after, away_before], REVIEW, TODAY, CAL)
    assert [c.id for c, _ in s.excluded] == [1]
    assert "absent on 1 working day" in s.excluded[0][1][0]
    assert {c.id for c in s.eligible} == {2, 3, 4, 5}


def test_an_overdue_review_considers_today_only():
    late = ReviewToAllocate("london", "N07", False, D(2023, 4, 28))
    away_today = cand(1, "Ann", absences=((D(2023, 5, 2), D(2023, 5, 2)),))
    away_tomorrow = cand(2, "Bob", 6, 5, absences=((D(2023, 5, 3), D(2023, 5, 3)),))
    s = suggest_inspector([away_today, away_tomorrow], late, TODAY, CAL)
    assert s.window == (TODAY, TODAY) and s.suggested.id == 2


def test_conflicts_by_region_or_provider_exclude():
    people = [cand(1, "Ann", conflicts=(("london", None),)), cand(2, "Bob", conflicts=((None, "N07"),)),
              cand(3, "Cat", 6, 5, conflicts=(("wales", None), (None, "N03")))]
    s = suggest_inspector(people, REVIEW, TODAY, CAL)
    assert s.suggested.id == 3
    reasons = {c.id: r for c, r in s.excluded}
    assert "region london" in reasons[1][0] and "provider N07" in reasons[2][0]


def test_a_high_profile_review_goes_to_a_senior_inspector_when_the_setting_says_so():
    hp = ReviewToAllocate("london", "N07", True, D(2023, 5, 22))
    people = [cand(1, "Ann", 6, 0), cand(2, "Bob", 6, 4, is_senior=True)]
    assert suggest_inspector(people, hp, TODAY, CAL, require_senior=True).suggested.id == 2
    assert suggest_inspector(people, hp, TODAY, CAL, require_senior=False).suggested.id == 1
    assert suggest_inspector(people, REVIEW, TODAY, CAL, require_senior=True).suggested.id == 1


def test_no_one_to_suggest_says_so():
    s = suggest_inspector([cand(1, "Ann", 2, 2)], REVIEW, TODAY, CAL)
    assert s.suggested is None and s.eligible == () and s.notes


# --- delivery policy ---------------------------------------------------------------------------------

def test_backoff_doubles_and_gives_up_after_the_last_attempt():
    policy = Policy(max_attempts=4, backoff_seconds=30)
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert [policy.after_failure(n, now) for n in (1, 2, 3)] == [
        (PENDING, now + timedelta(seconds=30)), (PENDING, now + timedelta(seconds=60)),
        (PENDING, now + timedelta(seconds=120))]
    assert policy.after_failure(4, now) == (FAILED, None)
    assert Policy(backoff_seconds=60).backoff(30) == timedelta(days=1)  # capped


# --- the words -------------------------------------------------------------------------------------------

def test_emails_name_the_review_the_due_date_and_the_link_in_plain_text():
    line = messages.ReviewLine("SFO/2023/0001", "London", D(2023, 5, 22), "in QA", "Ann Inspector", 2,
                               "https://sfoflow.example/reviews/12")
    for subject, body in (messages.reminder("Ann", line), messages.allocation("Ann", line),
                          messages.overdue("Mo", line)):
        assert "SFO/2023/0001" in subject
        assert "Monday 22 May 2023" in body and "https://sfoflow.example/reviews/12" in body
        assert "<" not in body and body.startswith("Dear ")
    assert "2 working days left" in messages.reminder("Ann", line)[1]
    due_today = messages.ReviewLine("SFO/1", "Wales", D(2023, 5, 22), "allocated", None, 0, "l")
    assert messages.reminder("Ann", due_today)[0].startswith("Due today")
    assert "1 working day overdue" in messages.overdue("Mo", messages.ReviewLine(
        "SFO/1", "Wales", D(2023, 5, 22), "allocated", None, 1, "l"))[1]
    subject, body = messages.digest("Mo", D(2023, 5, 23), [line], [], 5, "https://x/open-qa")
    assert subject == "QA summary for Tuesday 23 May 2023: 1 overdue, 0 due soon"
    assert "Overdue (1):" in body and "Due within" not in body


def test_audiences():
    assert {d.audience for d in due_notifications(facts(), D(2023, 5, 22), CAL, RULES)} == {TO_INSPECTOR}
