"""Why a review was (or was not) sampled for HMIP, in plain words, for the central team and
managers: the region's run, the draw and its outcome, and the year's balance alongside.

A run's details are told only once the run is complete: while it is open, knowing that it
already has its selection would tell anyone that the next reviews from that region will not
be drawn (the reason the run position is otherwise for admins only)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import reference
from ..models import Review, User
from ..models.sampling import SampleDecision
from ..reports.dates import long_date
from ..workflows import lifecycle as lc
from . import sampling
from .context import now_of

READERS = (lc.CENTRAL_TEAM, lc.MANAGER, lc.ADMIN)
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth",
            9: "ninth", 10: "tenth"}


def _nth(n: int) -> str:
    return ORDINALS.get(n, f"number {n}")


def explain(session: Session, review: Review, viewer: User) -> dict | None:
    """None when the viewer may not read it or the review has no sample decision."""
    if viewer.role not in READERS:
        return None
    row = session.scalar(select(SampleDecision).where(SampleDecision.review_id == review.id)
                         .options(selectinload(SampleDecision.purposive_by)))
    if row is None:
        return None
    region = reference.region_name(row.region)
    year = row.sampling_year
    balance = sampling.balance(session, year)
    line = next((x for x in balance["by_region"] if x["code"] == row.region), None)
    k = row.k
    story = []
    if row.is_random and k:
        story.append(f"{region}'s reviews are taken in order of arrival in runs of {k}. In each run one review "
                     f"is drawn at random for HMIP, so every review has the same 1 in {k} chance "
                     f"({round(100 / k)}%), and each region's sample stays within one of its share.")
        complete = line is not None and row.run_number is not None and line["intake"] >= row.run_number * k
        if complete:
            story.append(f"This review was the {_nth(row.run_position + 1)} of {k} in {region}'s run "
                         f"{row.run_number} of the sampling year that began on "
                         f"{long_date(sampling.year_start(session, year))}.")
        else:
            story.append(f"This review is in {region}'s current run, which is not complete yet: its details "
                         "are shown here once it is, so that no one can tell which reviews will be drawn next.")
        story.append("It was drawn for HMIP quality assurance." if row.selected else
                     "It was not drawn: the HMPPS SFO central team quality assures it.")
    if row.purposive:
        who = row.purposive_by.name if row.purposive_by else "a manager"
        when = f" on {long_date(row.purposive_at.date())}" if row.purposive_at else ""
        story.append(f"It was added to the HMIP sample on purpose by {who}{when}, apart from the random draw: "
                     f"{row.purposive_reason}")
    return {
        "story": story, "region": region, "sampling_year": year, "year_from": balance["from"],
        "in_hmip_sample": bool(row.selected) or row.purposive,
        "region_line": line, "total": balance["total"], "k": k, "today": now_of(session).date(),
    }
