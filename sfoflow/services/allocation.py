"""Allocation of selected reviews to inspectors: the eligibility check, the suggestion, bulk
allocation, and the absences and conflicts that the suggestion respects.

Hard rules (a recorded conflict; a high-profile review for a non-senior inspector when the
setting ``high_profile_requires_senior`` is on) refuse an allocation by hand too. Absence and
capacity only keep someone out of the suggestion (see ``sfoflow.deadlines.allocation``).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import reference
from ..deadlines import allocation as core
from ..models import Review, User
from ..models.allocation import Absence, Allocation, ConflictOfInterest
from ..models.review import in_states
from ..workflows import lifecycle as lc
from ..working_days import london_today
from . import audit, settings
from .calendar import get_calendar
from .context import now_of
from .errors import Conflict, NotFound, Refusal, ServiceError, ValidationFailed
from .lifecycle import apply_action

# Open QA an inspector holds: these count against their capacity.
HELD_STATES = (lc.ALLOCATED, lc.IN_QA, lc.AWAITING_SIGN_OFF)


def review_facts(review: Review) -> core.ReviewToAllocate:
    # The provider as its code, however an older record spelled it: a conflict holds against the code.
    provider = reference.provider_code(review.provider) or review.provider
    return core.ReviewToAllocate(review.region, provider, review.is_high_profile, review.due_on)


def _require_senior(session: Session) -> bool:
    return bool(settings.get(session, "high_profile_requires_senior"))


def inspector_eligible(session: Session, review: Review, data: dict) -> list[Refusal]:
    inspector_id = data.get("inspector_id")
    if inspector_id is None:
        return []  # "inspector_id is required" is already reported
    user = session.get(User, inspector_id)
    if user is None or not user.is_active or user.role != lc.INSPECTOR:
        return [Refusal("inspector_id", "not_an_inspector", "That person is not an active inspector",
                        detail=f"user {inspector_id} is not an active inspector")]
    if data.get("action") == "reallocate" and user.id == review.inspector_id:
        return [Refusal("inspector_id", "already_allocated", "The review is already allocated to that inspector",
                        detail="the review is already allocated to that inspector")]
    (candidate,) = candidates(session, [user.id])
    # the core words its reasons as clauses (the API lists them as they are); a person reads a sentence
    return [Refusal("inspector_id", "not_eligible", reason[0].upper() + reason[1:], detail=reason)
            for reason in core.hard_reasons(candidate, review_facts(review), require_senior=_require_senior(session))]


def set_inspector(session: Session, review: Review, actor, data: dict, decision) -> None:
    data["previous_inspector_id"] = review.inspector_id
    session.add(Allocation(review_id=review.id, inspector_id=data["inspector_id"],
                           previous_inspector_id=review.inspector_id, action=decision.action,
                           reason=data.get("reason"), allocated_by_id=actor.id if actor else None,
                           allocated_at=now_of(session)))
    review.inspector_id = data["inspector_id"]


# --- candidates and the suggestion ----------------------------------------------------------------

def open_qa_counts(session: Session, inspector_ids: list[int] | None = None) -> dict[int, int]:
    query = (select(Review.inspector_id, func.count()).where(in_states(HELD_STATES),
                                                             Review.inspector_id.is_not(None))
             .group_by(Review.inspector_id))
    if inspector_ids is not None:
        query = query.where(Review.inspector_id.in_(inspector_ids))
    return dict(session.execute(query).all())


def candidates(session: Session, inspector_ids: list[int] | None = None) -> list[core.Candidate]:
    """Active inspectors (or those named) with their load, absences and conflicts: four queries."""
    query = select(User).where(User.role == lc.INSPECTOR)
    query = query.where(User.id.in_(inspector_ids)) if inspector_ids is not None else query.where(User.is_active)
    people = session.scalars(query.order_by(User.name, User.id)).all()
    ids = [u.id for u in people]
    counts = open_qa_counts(session, ids)
    absences, conflicts = defaultdict(list), defaultdict(list)
    for a in session.scalars(select(Absence).where(Absence.inspector_id.in_(ids))):
        absences[a.inspector_id].append((a.from_date, a.to_date))
    for c in session.scalars(select(ConflictOfInterest).where(ConflictOfInterest.inspector_id.in_(ids))):
        conflicts[c.inspector_id].append((c.region, c.provider))
    return [core.Candidate(u.id, u.name, u.capacity, counts.get(u.id, 0), u.is_senior,
                           tuple(absences[u.id]), tuple(conflicts[u.id])) for u in people]


def suggest(session: Session, review: Review, today: date | None = None) -> core.Suggestion:
    return core.suggest_inspector(candidates(session), review_facts(review), today or london_today(),
                                  get_calendar(session), require_senior=_require_senior(session))


def suggest_many(session: Session, reviews: list[Review], today: date | None = None) -> dict[int, core.Suggestion]:
    """Suggestions for several reviews from one read of the inspectors (for the allocation page),
    in the order given (soonest due first). Each suggestion counts the ones before it as picks
    already made: an inspector suggested for one review holds one more open QA for the next, so
    the suggestions spread and nobody is suggested beyond their capacity."""
    people, calendar = {c.id: c for c in candidates(session)}, get_calendar(session)
    today, senior = today or london_today(), _require_senior(session)
    out = {}
    for r in reviews:
        suggestion = core.suggest_inspector(list(people.values()), review_facts(r), today, calendar,
                                            require_senior=senior)
        out[r.id] = suggestion
        if suggestion.suggested is not None:
            picked = people[suggestion.suggested.id]
            people[picked.id] = dataclasses.replace(picked, open_qas=picked.open_qas + 1)
    return out


def references(session: Session, review_ids: list[int]) -> dict[int, str]:
    """review id -> reference, for messages a person reads (they know reviews by reference)."""
    return dict(session.execute(select(Review.id, Review.reference).where(Review.id.in_(review_ids))).all())


def awaiting_allocation(session: Session) -> list[Review]:
    """Reviews selected for HMIP and not yet allocated, soonest due first."""
    return list(session.scalars(select(Review).where(Review.state == lc.SELECTED_FOR_HMIP)
                                .order_by(Review.due_on, Review.id)))


def candidate_view(c: core.Candidate) -> dict:
    return {"id": c.id, "name": c.name, "capacity": c.capacity, "open_qas": c.open_qas, "spare": c.spare,
            "is_senior": c.is_senior}


def suggestion_view(review: Review, s: core.Suggestion) -> dict:
    return {
        "review_id": review.id,
        "reference": review.reference,
        "version": review.version,
        "days_considered": {"from": s.window[0], "to": s.window[1]},
        "suggested": candidate_view(s.suggested) if s.suggested else None,
        "eligible": [candidate_view(c) for c in s.eligible],
        "excluded": [{**candidate_view(c), "reasons": list(reasons)} for c, reasons in s.excluded],
        "notes": list(s.notes),
    }


# --- bulk allocation ------------------------------------------------------------------------------

def over_capacity(session: Session, items: list[dict]) -> list[dict]:
    """The inspectors these allocations would take beyond their capacity: for each, their name,
    capacity, what they hold now and what they would hold."""
    picks = defaultdict(int)
    for item in items:
        picks[item["inspector_id"]] += 1
    people = {c.id: c for c in candidates(session, list(picks))}
    return [{"inspector_id": pid, "name": people[pid].name, "capacity": people[pid].capacity,
             "open_qas": people[pid].open_qas, "would_hold": people[pid].open_qas + n}
            for pid, n in sorted(picks.items()) if pid in people and people[pid].open_qas + n > people[pid].capacity]


def over_capacity_message(over: list[dict]) -> str:
    """One sentence a person reads: who would go over capacity, and by how much."""
    parts = [f"{o['name']} would hold {o['would_hold']} open QAs, over their capacity of {o['capacity']}"
             for o in over]
    return "; ".join(parts)


def bulk_allocate(session: Session, items: list[dict], actor: User, *,
                  over_capacity_reason: str | None = None) -> list[Review]:
    """Allocate several reviews at once, all or nothing. The caller commits; on any refusal it
    raises ValidationFailed listing every item's problem, and the caller's rollback undoes all.

    Allocating beyond an inspector's capacity is allowed only with a reason (the person confirms
    it), recorded with each allocation to that inspector."""
    from .reviews import get_visible

    reason = (over_capacity_reason or "").strip() or None
    over = over_capacity(session, items)
    if over and reason is None:
        message = over_capacity_message(over)
        raise ValidationFailed(
            f"nothing was allocated: {message}", code="over_capacity", over_capacity=over,
            refusals=[Refusal("over_capacity_reason", "over_capacity",
                              f"{message[0].upper()}{message[1:]}. To allocate anyway, confirm and give the reason")])
    over_ids = {o["inspector_id"] for o in over}
    seen, errors, refusals, done = set(), [], [], []
    for index, item in enumerate(items):
        if item["review_id"] in seen:
            errors.append({"index": index, "review_id": item["review_id"], "message": "listed twice"})
            refusals.append(Refusal(f"allocations.{index}", "duplicate", "The review is listed twice"))
            continue
        seen.add(item["review_id"])
        try:
            review = get_visible(session, item["review_id"], actor, for_update=True)
            data = {"inspector_id": item["inspector_id"]}
            if item["inspector_id"] in over_ids:
                data["reason"] = f"Over capacity: {reason}"
            apply_action(session, review, "allocate", actor, version=item["version"], data=data)
            done.append(review)
        except ServiceError as exc:
            errors.append({"index": index, "review_id": item["review_id"], "message": exc.message,
                           "reasons": exc.extra.get("reasons", []), "status": exc.status})
            refusals.extend(Refusal(f"allocations.{index}", r.code, r.message) for r in exc.refusals)
            if not session.is_active:  # a failed write: the rest cannot be tried in this transaction
                break
    if errors:
        # Every refusal a review changed by someone else meanwhile (a lost race): a conflict, as on the
        # action endpoint; any other problem in the list is the caller's to fix (422).
        refused = Conflict if all(e.get("status") == 409 for e in errors) else ValidationFailed
        raise refused(f"nothing was allocated: {len(errors)} of {len(items)} could not be", errors=errors,
                      refusals=refusals)
    return done


# --- absences and conflicts -------------------------------------------------------------------------

def _inspector(session: Session, inspector_id: int) -> User:
    user = session.get(User, inspector_id)
    if user is None or user.role != lc.INSPECTOR:
        raise NotFound("there is no such inspector",
                       refusals=[Refusal(None, "not_found", "There is no such inspector")])
    return user


def absences(session: Session, inspector_id: int) -> list[Absence]:
    _inspector(session, inspector_id)
    return list(session.scalars(select(Absence).where(Absence.inspector_id == inspector_id)
                                .order_by(Absence.from_date, Absence.id)))


def add_absence(session: Session, inspector_id: int, data: dict, actor: User) -> Absence:
    user = _inspector(session, inspector_id)
    if data["to_date"] < data["from_date"]:
        raise ValidationFailed("invalid absence",
                               fields={"to_date": ["must not be before the first day of the absence"]})
    row = Absence(inspector_id=user.id, from_date=data["from_date"], to_date=data["to_date"],
                  reason=data.get("reason"), created_by_id=actor.id)
    session.add(row)
    audit.record(session, review=None, actor=actor, action="record_absence", reason=data.get("reason"),
                 details={"inspector_id": user.id, "from_date": data["from_date"].isoformat(),
                          "to_date": data["to_date"].isoformat()})
    session.flush()
    return row


def conflicts(session: Session, inspector_id: int) -> list[ConflictOfInterest]:
    _inspector(session, inspector_id)
    return list(session.scalars(select(ConflictOfInterest).where(ConflictOfInterest.inspector_id == inspector_id)
                                .order_by(ConflictOfInterest.id)))


def add_conflict(session: Session, inspector_id: int, data: dict, actor: User) -> ConflictOfInterest:
    user = _inspector(session, inspector_id)
    region, provider = data.get("region"), data.get("provider")
    if (region is None) == (provider is None):
        message = "give a region or a provider, not both" if region else "give a region or a provider"
        raise ValidationFailed("invalid conflict", fields={"region": [message], "provider": [message]})
    if provider is not None and provider not in {r["provider_code"] for r in reference.regions().values()}:
        raise ValidationFailed("invalid conflict", fields={"provider": [f"unknown provider code {provider!r}"]})
    row = ConflictOfInterest(inspector_id=user.id, region=region, provider=provider, reason=data["reason"],
                             created_by_id=actor.id)
    session.add(row)
    audit.record(session, review=None, actor=actor, action="record_conflict", reason=data["reason"],
                 details={"inspector_id": user.id, "region": region, "provider": provider})
    session.flush()
    return row


def remove(session: Session, model, inspector_id: int, row_id: int, actor: User) -> None:
    _inspector(session, inspector_id)
    row = session.get(model, row_id)
    if row is None or row.inspector_id != inspector_id:
        raise NotFound("there is no such record for this inspector",
                       refusals=[Refusal(None, "not_found", "There is no such record for this inspector")])
    action = "remove_absence" if model is Absence else "remove_conflict"
    audit.record(session, review=None, actor=actor, action=action, details={"inspector_id": inspector_id,
                                                                            "id": row_id})
    session.execute(delete(model).where(model.id == row_id))


def absence_view(a: Absence) -> dict:
    return {"id": a.id, "inspector_id": a.inspector_id, "from_date": a.from_date, "to_date": a.to_date,
            "reason": a.reason}


def conflict_view(c: ConflictOfInterest) -> dict:
    return {"id": c.id, "inspector_id": c.inspector_id, "region": c.region, "provider": c.provider,
            "reason": c.reason}
