"""Allocation: the suggestion, bulk allocation, and inspectors' absences and conflicts."""
from __future__ import annotations

from flask import Blueprint, jsonify

from .. import db_session
from ..db import transaction
from ..models.allocation import Absence, ConflictOfInterest
from ..schemas import deadlines as s
from ..services import allocation, reviews
from ..services.calendar import get_calendar
from ..services.views import review_view
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .auth import current_user, require
from .openapi import doc
from .reviews import _json_body

bp = Blueprint("allocation", __name__)

ALLOCATORS = (lc.CENTRAL_TEAM, lc.MANAGER)
RECORDERS = (lc.ADMIN, lc.MANAGER)  # who records absences and conflicts


@bp.get("/reviews/<int:review_id>/suggestion")
@require(*ALLOCATORS)
@doc("The inspector suggested for a review (most spare capacity, not absent, no conflict, senior for "
     "high profile), with everyone else's reasons", response=s.SuggestionOut, tags=["allocation"])
def suggestion(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user())
    return jsonify(allocation.suggestion_view(review, allocation.suggest(session, review)))


@bp.post("/allocations")
@require(*ALLOCATORS)
@doc("Allocate several selected reviews at once, all or nothing; a refusal lists every item's problem. "
     "Taking an inspector beyond their capacity is refused (code over_capacity) unless over_capacity_reason "
     "gives the reason, which is recorded with each allocation to them",
     body=s.BulkAllocationIn, response=s.BulkAllocationOut, tags=["allocation"])
def bulk_allocate():
    session = db_session()
    body = s.BulkAllocationIn().load(_json_body())
    with transaction(session):
        done = allocation.bulk_allocate(session, body["allocations"], current_user(),
                                        over_capacity_reason=body.get("over_capacity_reason"))
    calendar, today = get_calendar(session), london_today()
    return jsonify({"allocated": [review_view(r, calendar, today, current_user()) for r in done]})


@bp.get("/inspectors/<int:inspector_id>/absences")
@require(*RECORDERS)
@doc("An inspector's recorded absences", response=s.AbsenceList, tags=["allocation"])
def list_absences(inspector_id: int):
    rows = allocation.absences(db_session(), inspector_id)
    return jsonify({"items": [allocation.absence_view(a) for a in rows]})


@bp.post("/inspectors/<int:inspector_id>/absences")
@require(*RECORDERS)
@doc("Record an absence (inclusive dates); absent inspectors are not suggested for reviews due meanwhile",
     body=s.AbsenceIn, response=s.AbsenceOut, status=201, tags=["allocation"])
def add_absence(inspector_id: int):
    session = db_session()
    body = s.AbsenceIn().load(_json_body())
    with transaction(session):
        row = allocation.add_absence(session, inspector_id, body, current_user())
    return jsonify(allocation.absence_view(row)), 201


@bp.delete("/inspectors/<int:inspector_id>/absences/<int:absence_id>")
@require(*RECORDERS)
@doc("Remove a recorded absence", status=204, tags=["allocation"])
def remove_absence(inspector_id: int, absence_id: int):
    session = db_session()
    with transaction(session):
        allocation.remove(session, Absence, inspector_id, absence_id, current_user())
    return "", 204


@bp.get("/inspectors/<int:inspector_id>/conflicts")
@require(*RECORDERS)
@doc("An inspector's recorded conflicts of interest", response=s.ConflictList, tags=["allocation"])
def list_conflicts(inspector_id: int):
    rows = allocation.conflicts(db_session(), inspector_id)
    return jsonify({"items": [allocation.conflict_view(c) for c in rows]})


@bp.post("/inspectors/<int:inspector_id>/conflicts")
@require(*RECORDERS)
@doc("Record a conflict of interest for a region or a provider: the inspector is never allocated those reviews",
     body=s.ConflictIn, response=s.ConflictOut, status=201, tags=["allocation"])
def add_conflict(inspector_id: int):
    session = db_session()
    body = s.ConflictIn().load(_json_body())
    with transaction(session):
        row = allocation.add_conflict(session, inspector_id, body, current_user())
    return jsonify(allocation.conflict_view(row)), 201


@bp.delete("/inspectors/<int:inspector_id>/conflicts/<int:conflict_id>")
@require(*RECORDERS)
@doc("Remove a recorded conflict of interest", status=204, tags=["allocation"])
def remove_conflict(inspector_id: int, conflict_id: int):
    session = db_session()
    with transaction(session):
        allocation.remove(session, ConflictOfInterest, inspector_id, conflict_id, current_user())
    return "", 204
