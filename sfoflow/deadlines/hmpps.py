"""Which HMPPS QA notifications are due for a review on a day: the same kind of pure rule as
``rules.due_notifications``, for the central team's QA of the reviews routed to it.

=================  ==============================================  ===============================
kind               sent                                            key day / catch-up
=================  ==============================================  ===============================
hmpps_reminder     to the HMPPS QA officer when N working days     as HMIP's reminder (same
                   remain (the same ``reminder_working_days``),    thresholds, same windows)
                   while allocated or in HMPPS QA
hmpps_overdue      to each central-team manager (``hmpps_qa_       that day; not caught up
                   manager``) on every working day an allocated
                   or started HMPPS QA is past its HMPPS due date
=================  ==============================================  ===============================

Reviews routed to HMPPS but not yet allocated are the central team's own queue (the HMPPS QA
page lists them, soonest due first); they are not escalated one by one.
"""
from __future__ import annotations

from datetime import date

from ..workflows.lifecycle import HMPPS_HELD_STATES
from .rules import Calendar, Due, ReviewFacts, Rules, reminder_window

HMPPS_REMINDER = "hmpps_reminder"
HMPPS_OVERDUE = "hmpps_overdue"
KINDS = {HMPPS_REMINDER: "HMPPS QA reminder", HMPPS_OVERDUE: "HMPPS QA overdue escalation"}
TO_OFFICER = "officer"
TO_HMPPS_MANAGERS = "hmpps_manager"


def due_notifications(facts: ReviewFacts, today: date, calendar: Calendar, rules: Rules) -> list[Due]:
    """``facts.due_on`` is the HMPPS due date; ``facts.inspector_id`` the HMPPS QA officer."""
    if not calendar.is_working_day(today) or facts.state not in HMPPS_HELD_STATES:
        return []
    out: list[Due] = []
    if facts.inspector_id is not None and facts.allocated_on is not None and today <= facts.due_on:
        window = reminder_window(calendar.working_days_remaining(facts.due_on, today), rules.reminder_working_days)
        if window is not None:
            key_day = calendar.add_working_days(facts.due_on, -window) if window else facts.due_on
            if facts.allocated_on < key_day:
                out.append(Due(HMPPS_REMINDER, key_day, TO_OFFICER, window))
    if today > facts.due_on:
        out.append(Due(HMPPS_OVERDUE, today, TO_HMPPS_MANAGERS, calendar.days_overdue(facts.due_on, today)))
    return out
