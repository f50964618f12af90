"""The words of each email: plain text, short sentences, the review, the due date and a link.

No victim, offence or staff details ever go into an email: the reference and region identify
the review, and the link leads to it behind sign-in. Dates are written out in full
("Monday 22 May 2023") so nobody has to decode 05/06.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FOOTER = ("This is an automatic message from sfoflow, the SFO review QA tracker. "
          "Please do not reply to it.")


@dataclass(frozen=True)
class ReviewLine:
    reference: str
    region: str
    due_on: date
    state: str
    inspector: str | None
    working_days: int  # remaining, or overdue (for overdue lines)
    link: str


def long_date(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def _compose(greeting: str, paragraphs: list[str]) -> str:
    return "\n\n".join([f"Dear {greeting},", *paragraphs, FOOTER]) + "\n"


def high_profile_line(is_high_profile: bool | None) -> str:
    """Seed 001: "the email will contain confirmation of the case's high-profile status"."""
    if is_high_profile is None:
        return ""
    status = "high profile" if is_high_profile else "not high profile"
    return (f"High-profile status: the HMPPS SFO central team has designated this case as {status}. If you "
            "think this is wrong, raise a high-profile query from the QA form: the central team has the "
            "final say.")


def parallel_lines(parallel: list[tuple[str, str]] | None) -> str:
    """The parallel reviews the central team knows of, each with its status."""
    if parallel is None:
        return ""
    if not parallel:
        return ("Parallel reviews: none known to the central team. HMPPS may not be aware of other reviews "
                "at the time of allocation.")
    return "Parallel reviews known to the central team:\n" + "\n".join(
        f"- {kind}: {status}" for kind, status in parallel)


def allocation(name: str, r: ReviewLine, *, is_high_profile: bool | None = None,
               parallel: list[tuple[str, str]] | None = None) -> tuple[str, str]:
    left = "It is due today." if r.working_days == 0 else f"That is {_days(r.working_days)} from today."
    extra = [p for p in (high_profile_line(is_high_profile), parallel_lines(parallel)) if p]
    return (f"SFO review {r.reference} allocated to you: due {long_date(r.due_on)}",
            _compose(name, [
                f"SFO review {r.reference} ({r.region}) has been allocated to you for quality assurance.",
                f"The QA report is due on {long_date(r.due_on)}. {left}",
                *extra,
                f"Open the review: {r.link}",
            ]))


def high_profile_query(name: str, reference: str, region: str, proposed: bool, raised_by: str,
                       link: str) -> tuple[str, str]:
    status = "high profile" if proposed else "not high profile"
    return (f"High-profile query on SFO review {reference}",
            _compose(name, [
                f"{raised_by} has queried the high-profile status of SFO review {reference} ({region}). "
                f"They think the case should be {status}.",
                "The HMPPS SFO central team has the final say: please accept or reject the query, with a reason.",
                f"See the query and decide: {link}",
            ]))


def high_profile_decided(name: str, reference: str, region: str, accepted: bool, is_high_profile: bool,
                         link: str) -> tuple[str, str]:
    status = "high profile" if is_high_profile else "not high profile"
    outcome = "accepted" if accepted else "did not accept"
    return (f"High-profile query on SFO review {reference}: {'accepted' if accepted else 'not accepted'}",
            _compose(name, [
                f"The HMPPS SFO central team {outcome} your high-profile query on SFO review {reference} "
                f"({region}). The case is {status}.",
                f"Open the review to see their reason: {link}",
            ]))


def reminder(name: str, r: ReviewLine) -> tuple[str, str]:
    if r.working_days == 0:
        subject = f"Due today: SFO review {r.reference} ({long_date(r.due_on)})"
        when = f"The QA report for SFO review {r.reference} ({r.region}) is due today, {long_date(r.due_on)}."
    else:
        subject = f"Reminder: SFO review {r.reference} is due in {_days(r.working_days)}"
        when = (f"The QA report for SFO review {r.reference} ({r.region}) is due on {long_date(r.due_on)}. "
                f"There are {_days(r.working_days)} left.")
    return subject, _compose(name, [when, f"Its state is: {r.state}.", f"Open the review: {r.link}"])


def overdue(name: str, r: ReviewLine) -> tuple[str, str]:
    held = f"It is allocated to {r.inspector}." if r.inspector else "It has not been allocated to an inspector."
    return (f"Overdue: SFO review {r.reference} is {_days(r.working_days)} overdue",
            _compose(name, [
                f"The QA report for SFO review {r.reference} ({r.region}) was due on {long_date(r.due_on)} "
                f"and is now {_days(r.working_days)} overdue.",
                f"Its state is: {r.state}. {held}",
                f"Open the review: {r.link}",
            ]))


def unallocated(name: str, r: ReviewLine, selected_on: date) -> tuple[str, str]:
    return (f"Not yet allocated: SFO review {r.reference} (due {long_date(r.due_on)})",
            _compose(name, [
                f"SFO review {r.reference} ({r.region}) was selected for HMIP quality assurance on "
                f"{long_date(selected_on)} and has not been allocated to an inspector.",
                f"The QA report is due on {long_date(r.due_on)}.",
                f"Allocate it: {r.link}",
            ]))


def digest(name: str, day: date, overdue_lines: list[ReviewLine], due_soon_lines: list[ReviewLine],
           due_soon_days: int, link: str) -> tuple[str, str]:
    def line(r: ReviewLine, what: str) -> str:
        who = r.inspector or "not allocated"
        return f"- {r.reference} ({r.region}): due {long_date(r.due_on)}, {what}; {r.state}; {who}"

    paragraphs = [f"This is the QA summary for {long_date(day)}."]
    if overdue_lines:
        paragraphs.append(f"Overdue ({len(overdue_lines)}):\n" + "\n".join(
            line(r, f"{_days(r.working_days)} overdue") for r in overdue_lines))
    if due_soon_lines:
        paragraphs.append(f"Due within {_days(due_soon_days)} ({len(due_soon_lines)}):\n" + "\n".join(
            line(r, "due today" if r.working_days == 0 else f"{_days(r.working_days)} left")
            for r in due_soon_lines))
    paragraphs.append(f"See all open QA: {link}")
    return (f"QA summary for {long_date(day)}: {len(overdue_lines)} overdue, {len(due_soon_lines)} due soon",
            _compose(name, paragraphs))
