"""Reviews: intake, what each person may see, the central team's edits and extensions."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import reference
from ..models import Extension, ParallelReview, Review, User
from ..models.base import utcnow
from ..models.review import in_states
from ..reports.dates import long_date
from ..workflows import lifecycle as lc
from ..working_days import WorkingCalendar, london_today
from . import audit
from .calendar import get_calendar
from .errors import Conflict, Forbidden, NotFound, Refusal, ValidationFailed
from .lifecycle import STALE, flush_or_conflict
from .permissions import CASE_EDIT_STATES, EXTENSION_STATES, permissions
from .wiring import run_intake_hooks, take_intake_locks


def register(session: Session, data: dict, actor: User | None, calendar: WorkingCalendar | None = None) -> Review:
    """Register one validated review (see schemas.reviews.ReviewCreate). The caller commits."""
    calendar = calendar or get_calendar(session)
    # One review whatever the case: UX/2023/0001 and ux/2023/0001 are the same reference.
    same = session.scalar(select(Review.reference).where(func.lower(Review.reference) == data["reference"].lower()))
    if same is not None:
        raise Conflict("a review with this reference already exists",
                       fields={"reference": [f"{same} is already registered"]})
    due = calendar.due_on(data["received_on"])
    take_intake_locks(session, data)  # before the review is written, as an import takes them
    review = Review(
        reference=data["reference"], region=data["region"], offence_category=data["offence_category"],
        provider=data.get("provider") or reference.regions()[data["region"]]["provider_code"],
        received_on=data["received_on"], original_due_on=due, due_on=due,
        is_high_profile=bool(data.get("is_high_profile")), local_team_email=data["local_team_email"],
        state=lc.RECEIVED, created_by_id=actor.id if actor else None,
        parallel_reviews=[ParallelReview(**p) for p in data.get("parallel_reviews") or []],
    )
    session.add(review)
    try:
        session.flush()
    except IntegrityError:  # registered at the same moment by someone else; the caller rolls back
        raise Conflict("a review with this reference already exists",
                       fields={"reference": [f"{data['reference']} is already registered"]}
                       ) from None
    audit.record(session, review=review, actor=actor, action="register", to_state=lc.RECEIVED,
                 details={"due_on": due.isoformat(), "received_on": data["received_on"].isoformat()})
    run_intake_hooks(session, review, actor)
    return review


# --- what a person may see -------------------------------------------------------------------

def visible(viewer: User) -> Select:
    """Reviews this person may see. An inspector sees only the reviews allocated to them."""
    query = select(Review)
    if viewer.role == lc.INSPECTOR:
        query = query.where(Review.inspector_id == viewer.id)
    return query


def get_visible(session: Session, review_id: int, viewer: User, *, for_update: bool = False) -> Review:
    query = visible(viewer).where(Review.id == review_id).options(
        selectinload(Review.parallel_reviews), selectinload(Review.inspector))
    if for_update:
        query = query.with_for_update()
    review = session.scalar(query)
    if review is None:  # the same answer whether it does not exist or is not yours
        raise NotFound("there is no such review", refusals=[Refusal(None, "not_found", "There is no such review")])
    return review


def filtered(viewer: User, f: dict, today: date) -> Select:
    query = visible(viewer)
    if f.get("status"):
        query = query.where(Review.state.in_(f["status"]))
    for column in ("region", "offence_category", "inspector_id"):
        if f.get(column) is not None:
            query = query.where(getattr(Review, column) == f[column])
    if f.get("route") == "none":
        query = query.where(Review.route.is_(None))
    elif f.get("route"):
        query = query.where(Review.route == f["route"])
    if f.get("due_before"):
        query = query.where(Review.due_on <= f["due_before"])
    if f.get("due_after"):
        query = query.where(Review.due_on >= f["due_after"])
    if f.get("overdue") is True:
        query = query.where(in_states(sorted(lc.HMIP_OPEN_STATES)), Review.due_on < today)
    elif f.get("overdue") is False:
        # IN the other states, not NOT IN the open ones: an index serves IN, not NOT IN.
        closed = sorted(set(lc.STATES) - lc.HMIP_OPEN_STATES)
        query = query.where(or_(Review.state.in_(closed), Review.due_on >= today))
    if f.get("high_profile") is not None:
        query = query.where(Review.is_high_profile == f["high_profile"])
    if f.get("q"):
        query = query.where(_search(f["q"], f.get("q_inspector_ids") or ()))
    return query


def _search(text: str, inspector_ids):
    """Reference or inspector's name containing the words typed (any case), a region or offence
    whose name contains them, or a region's provider code."""
    text = text.strip()
    low = text.lower()
    regions = [code for code, r in reference.regions().items()
               if low in r["name"].lower() or low == r["provider_code"].lower()]  # N07 finds London's
    offences = [code for code, o in reference.offence_categories().items() if low in o["name"].lower()]
    # each alternative is served by an index (tests/api/test_query_counts.py)
    return or_(Review.reference.icontains(text, autoescape=True), Review.inspector_id.in_(list(inspector_ids)),
               Review.region.in_(regions), Review.offence_category.in_(offences))


# Columns a list can be sorted by (?sort=...&direction=asc|desc); ties always go by id.
SORTS = {"due_on": Review.due_on, "received_on": Review.received_on, "reference": Review.reference,
         "region": Review.region, "state": Review.state, "offence_category": Review.offence_category}


def page(session: Session, viewer: User, f: dict, *, per_page: int, today: date | None = None):
    """One page of reviews, soonest due first: a fixed number of queries whatever the size.
    A page past the last is the last (``f["page"]`` is set to the page returned)."""
    today = today or london_today()
    if f.get("q"):  # inspectors whose name matches, read first: the search then uses only indexes
        f["q_inspector_ids"] = list(session.scalars(select(User.id).where(
            User.role == lc.INSPECTOR, User.name.icontains(f["q"].strip(), autoescape=True))))
    query = filtered(viewer, f, today)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    # Past the last page shows the last page (never "Showing 501 to 489 of 489"); f["page"] says which.
    f["page"] = min(max(int(f.get("page") or 1), 1), max(1, -(-total // per_page)))
    column = SORTS.get(f.get("sort") or "due_on", Review.due_on)
    order = (column.desc(), Review.id.desc()) if f.get("direction") == "desc" else (column, Review.id)
    items = session.scalars(
        query.options(selectinload(Review.parallel_reviews), joinedload(Review.inspector))
        .order_by(*order)
        .limit(per_page).offset((f["page"] - 1) * per_page)
    ).all()
    return items, total


def visible_count(session: Session, viewer: User, f: dict, total: int, today: date | None = None) -> int:
    """How many reviews this person may see at all (the list shows what its filters keep of them).
    When the filters keep everything, that is the list's own ``total``: no second count."""
    today = today or london_today()
    if str(filtered(viewer, f, today).whereclause) == str(visible(viewer).whereclause):
        return total
    return session.scalar(select(func.count()).select_from(visible(viewer).subquery()))


# --- central team edits and extensions --------------------------------------------------------

def _check_version(review: Review, version: int) -> None:
    if version != review.version:
        raise Conflict(STALE.message, reasons=[STALE.message], code="stale", refusals=[STALE])


def _require_open(review: Review) -> None:
    if review.state not in CASE_EDIT_STATES:
        state = lc.STATES[review.state].lower()
        raise Conflict(f"the review is {state} and can no longer be changed",
                       refusals=[Refusal(None, "wrong_state", f"The review is {state} and can no longer be changed")])


def _require_case_edit(review: Review, actor: User) -> None:
    _require_open(review)
    if not permissions(review, actor).edit_case:
        raise Forbidden("only the central team changes a review's high-profile flag and parallel reviews",
                        refusals=[Refusal(None, "not_allowed", "Only the central team changes a review's "
                                                               "high-profile flag and parallel reviews")])


def set_high_profile(session: Session, review: Review, value: bool, reason: str, actor: User, version: int) -> Review:
    _check_version(review, version)
    _require_case_edit(review, actor)
    old = review.is_high_profile
    review.is_high_profile = value
    audit.record(session, review=review, actor=actor, action="set_high_profile", from_state=review.state,
                 to_state=review.state, reason=reason, details={"is_high_profile": [old, value]})
    flush_or_conflict(session)
    return review


def set_parallel_reviews(session: Session, review: Review, items: list[dict], reason: str, actor: User,
                         version: int) -> Review:
    _check_version(review, version)
    _require_case_edit(review, actor)
    before = [{"type": p.type, "status": p.status, "notes": p.notes} for p in review.parallel_reviews]
    review.parallel_reviews = [ParallelReview(**p) for p in items]
    # Touch the review row itself so its version moves: a collection change alone would not.
    review.updated_at = utcnow()
    audit.record(session, review=review, actor=actor, action="set_parallel_reviews", from_state=review.state,
                 to_state=review.state, reason=reason, details={"before": before, "after": items})
    flush_or_conflict(session)
    return review


def grant_extension(session: Session, review: Review, new_due_on: date, reason: str, actor: User,
                    version: int, calendar: WorkingCalendar | None = None) -> Review:
    """Move the working due date. ``original_due_on`` never moves: timeliness is measured against it."""
    _check_version(review, version)
    if review.state not in EXTENSION_STATES:
        state = lc.STATES[review.state].lower()
        raise Conflict(f"an extension applies only to an open HMIP QA, not to a review that is {state}",
                       refusals=[Refusal(None, "wrong_state", "An extension applies only to an open HMIP QA, "
                                                              f"not to a review that is {state}")])
    if not permissions(review, actor).grant_extension:
        raise Forbidden("only a manager grants an extension",
                        refusals=[Refusal(None, "not_allowed", "Only a manager grants an extension")])
    calendar = calendar or get_calendar(session)
    problems = []
    if new_due_on <= review.due_on:
        problems.append(f"must be after the current due date, {long_date(review.due_on)}")
    if not calendar.is_working_day(new_due_on):
        problems.append("must be a working day")
    if problems:
        raise ValidationFailed("invalid extension", fields={"new_due_on": problems})
    session.add(Extension(review_id=review.id, previous_due_on=review.due_on, new_due_on=new_due_on,
                          reason=reason, granted_by_id=actor.id))
    audit.record(session, review=review, actor=actor, action="grant_extension", from_state=review.state,
                 to_state=review.state, reason=reason,
                 details={"due_on": [review.due_on.isoformat(), new_due_on.isoformat()]})
    previous_due_on, review.due_on = review.due_on, new_due_on
    flush_or_conflict(session)
    from .event_notices import extension_granted

    extension_granted(session, review, previous_due_on, reason, actor)
    return review
