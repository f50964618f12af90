"""When a learning panel's reminders fall due: a pure function of the facts, like rules.py.

=================  ============================================  =====================================
kind               sent                                          key day / catch-up
=================  ============================================  =====================================
panel_reminder     to each invited agency contact who has not    ``panel_reminder_working_days`` working
                   answered, while the panel is confirmed and    days before the panel. Caught up until
                   the link not revoked                          the day before the panel, never after
action_due         to an action's owner (the agency contact,     ``panel_action_reminder_working_days``
                   or the panel's manager for HMIP) while open   before the due date. Caught up until due
action_overdue     to the same, once, the first working day      that day. Caught up while still open
                   after the due date, if still open
=================  ============================================  =====================================

A sweep on a weekend or bank holiday records nothing (``due_*`` return nothing).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .rules import Calendar

PANEL_NOTICE = "panel_notice"
PANEL_REMINDER = "panel_reminder"
ACTION_DUE = "action_due"
ACTION_OVERDUE = "action_overdue"
PANEL_REPORT = "panel_report"


@dataclass(frozen=True)
class InviteFacts:
    invite_id: int
    held_on: date
    confirmed: bool
    responded: bool
    revoked: bool


@dataclass(frozen=True)
class ActionFacts:
    action_id: int
    due_on: date
    open: bool


def response_reminder_day(held_on: date, calendar: Calendar, working_days: int) -> date:
    """The working day ``working_days`` before the panel."""
    return calendar.add_working_days(held_on, -working_days)


def invite_reminder(f: InviteFacts, today: date, calendar: Calendar, working_days: int) -> date | None:
    """The key day of the reminder due today for this invite, or None."""
    if not calendar.is_working_day(today) or not f.confirmed or f.responded or f.revoked:
        return None
    key_day = response_reminder_day(f.held_on, calendar, working_days)
    return key_day if key_day <= today < f.held_on else None


def action_reminders(f: ActionFacts, today: date, calendar: Calendar, working_days: int) -> list[tuple[str, date]]:
    """(kind, key day) of each action reminder due today."""
    if not calendar.is_working_day(today) or not f.open:
        return []
    out = []
    soon = calendar.add_working_days(f.due_on, -working_days) if working_days else f.due_on
    if soon <= today <= f.due_on:
        out.append((ACTION_DUE, soon))
    late = calendar.add_working_days(f.due_on, 1)
    if today >= late:
        out.append((ACTION_OVERDUE, late))
    return out


# --- the words of the emails (no victim, offender or staff details; dates in full) ----------------

def _long(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


FOOTER = ("This message was sent by HM Inspectorate of Probation's SFO review service. The link is personal "
          "to you: please do not forward it.")


def notice(name: str, agency: str, held_on: date, venue: str, reference: str, link: str,
           expires: date) -> tuple[str, str]:
    return (f"Multi-agency learning panel on {_long(held_on)}: please review your records",
            "\n\n".join([
                f"Dear {name},",
                f"HM Inspectorate of Probation is holding a multi-agency learning panel on {_long(held_on)} "
                f"({venue}) about a Serious Further Offence case (reference {reference}) in which {agency} "
                "was involved.",
                "Before the panel, please review your own records to verify your involvement in the case "
                "and to identify any learning, then tell us who will attend.",
                f"Answer using your personal link (it works until {_long(expires)}): {link}",
                FOOTER]) + "\n")


def reminder(name: str, held_on: date, reference: str, link: str, working_days: int) -> tuple[str, str]:
    days = f"{working_days} working day{'' if working_days == 1 else 's'}"
    return (f"Reminder: learning panel on {_long(held_on)} - we have not had your answer",
            "\n\n".join([
                f"Dear {name},",
                f"The multi-agency learning panel about case {reference} is on {_long(held_on)}, "
                f"in {days}. We have not yet had your answer.",
                "Please confirm whether your agency was involved, share any findings and learning, and "
                f"tell us who will attend: {link}",
                FOOTER]) + "\n")


def action_message(kind: str, name: str, description: str, due_on: date, held_on: date) -> tuple[str, str]:
    if kind == ACTION_OVERDUE:
        subject = f"Overdue: learning panel action was due {_long(due_on)}"
        when = (f"This action agreed at the learning panel of {_long(held_on)} was due on {_long(due_on)} "
                "and is still open.")
    else:
        subject = f"Coming due: learning panel action due {_long(due_on)}"
        when = f"This action agreed at the learning panel of {_long(held_on)} is due on {_long(due_on)}."
    return subject, "\n\n".join([f"Dear {name},", when, f"The action: {description}",
                                 "Please tell HM Inspectorate of Probation its outcome when it is done.",
                                 FOOTER]) + "\n"


def report_message(name: str, held_on: date) -> tuple[str, str]:
    return (f"Report of the multi-agency learning panel on {_long(held_on)}",
            "\n\n".join([f"Dear {name},",
                         f"Thank you for attending the multi-agency learning panel on {_long(held_on)}. "
                         "The panel's report is attached: the findings, the learning agreed and the actions.",
                         FOOTER]) + "\n")
