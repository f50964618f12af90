"""What each role finds first: the managers' dashboard (sign-off queue, overdue, due soon,
unallocated, the year's headline figures) and the central team's intake (awaiting allocation,
open high-profile queries, the latest registered). Read only; built from the existing services."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..assessment.ratings import Rating
from ..models import Review
from ..models.assessment import QaReport
from ..workflows import lifecycle as lc
from ..working_days import london_today
from . import high_profile_queries, sampling, settings, work
from .calendar import get_calendar

SHOWN = 10  # rows of each list on a landing page; "see all" links go to the full list


def dashboard(session: Session, today: date | None = None) -> dict:
    today = today or london_today()
    due_soon_days = int(settings.get(session, "digest_due_soon_working_days"))
    everything = work.open_qa(session, {}, today)
    items = everything["items"]
    overdue = [i for i in items if i["due_on"] < today]
    soon_limit = get_calendar(session).add_working_days(today, due_soon_days)
    due_soon = [i for i in items if today <= i["due_on"] <= soon_limit]
    sign_off = [i for i in items if i["state"] == lc.AWAITING_SIGN_OFF]
    unallocated = [i for i in items if i["inspector"] is None]
    year = sampling.current_year(session, today)
    first = sampling.year_start(session, year)
    return {
        "today": today, "counts": everything["counts"], "due_soon_days": due_soon_days,
        "sign_off": sign_off[:SHOWN], "sign_off_total": len(sign_off),
        "overdue": overdue[:SHOWN], "overdue_total": len(overdue),
        "due_soon": due_soon[:SHOWN], "due_soon_total": len(due_soon),
        "unallocated": unallocated[:SHOWN], "unallocated_total": len(unallocated),
        "headline": headline(session, first, today),
    }


def headline(session: Session, first: date, today: date) -> dict:
    """The year so far: received, sampled for HMIP, reports sent, share on time, overall ratings."""
    received = session.scalar(select(func.count()).select_from(Review).where(Review.received_on >= first,
                                                                            Review.received_on <= today))
    sampled = session.scalar(select(func.count()).select_from(Review).where(
        Review.received_on >= first, Review.received_on <= today, Review.route == "hmip"))
    timeliness = work.timeliness(session, first, today, today)["overall"]
    ratings = Counter(session.scalars(select(QaReport.overall_rating).join(Review, QaReport.review_id == Review.id)
                                      .where(Review.received_on >= first)))
    order = [r.key for r in sorted(Rating, key=lambda r: -r.score)]
    return {"from": first, "to": today, "received": received, "sampled": sampled,
            "sent": timeliness["on_time"] + timeliness["late"], "on_time": timeliness["on_time"],
            "due": timeliness["due"], "share_on_time": timeliness["share_on_time"],
            "ratings": [{"rating": Rating.parse(k).label, "count": ratings.get(k, 0)} for k in order]}


def intake(session: Session, today: date | None = None) -> dict:
    today = today or london_today()
    calendar = get_calendar(session)
    waiting = session.scalars(select(Review).where(Review.state == lc.SELECTED_FOR_HMIP)
                              .options(selectinload(Review.parallel_reviews), selectinload(Review.inspector))
                              .order_by(Review.due_on, Review.id)).all()
    latest = session.scalars(select(Review).options(selectinload(Review.parallel_reviews),
                                                    selectinload(Review.inspector))
                             .order_by(Review.created_at.desc(), Review.id.desc()).limit(SHOWN)).all()
    queries = high_profile_queries.listing(session)
    return {"today": today,
            "unallocated": [work.review_row(r, calendar, today) for r in waiting[:SHOWN]],
            "unallocated_total": len(waiting),
            "queries": [high_profile_queries.view(q) for q in queries[:SHOWN]], "queries_total": len(queries),
            "latest": [work.review_row(r, calendar, today) for r in latest]}
