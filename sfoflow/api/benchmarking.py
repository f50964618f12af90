"""Benchmarking exercises: create, rate blind, reveal, moderate; agreement trend; the year's
HMIP and HMPPS figures. A rater sees only their own answers until the exercise is revealed."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import db_session
from ..db import transaction
from ..schemas import benchmarking as s
from ..services import benchmarking as svc
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc
from .reviews import _json_body

bp = Blueprint("benchmarking", __name__)
RATERS = (lc.INSPECTOR, lc.CENTRAL_TEAM)


@bp.get("/benchmarking/exercises")
@require(lc.MANAGER, *RATERS)
@doc("Exercises: all for a manager, a rater's own otherwise", tags=["benchmarking"])
def exercises():
    session = db_session()
    me = current_user()
    return jsonify({"items": [svc.view(session, e, me) for e in svc.listing(session, me)]})


@bp.post("/benchmarking/exercises")
@require(lc.MANAGER)
@doc("Create an exercise: completed reviews (chosen, or drawn by the keyed draw) and raters",
     body=s.ExerciseIn, status=201, tags=["benchmarking"])
def create():
    session = db_session()
    body = s.ExerciseIn().load(_json_body())
    with transaction(session):
        exercise = svc.create(session, body, current_user())
    return jsonify(svc.view(session, exercise, current_user())), 201


@bp.get("/benchmarking/exercises/<int:exercise_id>")
@require(lc.MANAGER, *RATERS)
@doc("One exercise: before the reveal a rater sees only their own answers; after it, every answer, "
     "the original QA and the agreement", tags=["benchmarking"])
def exercise(exercise_id: int):
    session = db_session()
    return jsonify(svc.view(session, svc.get(session, exercise_id, current_user()), current_user()))


@bp.put("/benchmarking/exercises/<int:exercise_id>/reviews/<int:review_id>/rating")
@require(*RATERS)
@doc("Save (submit: hand in) your answers and ratings for one review of the exercise", body=s.RatingIn,
     tags=["benchmarking"])
def rate(exercise_id: int, review_id: int):
    session = db_session()
    body = s.RatingIn().load(_json_body())
    with transaction(session):
        e = svc.get(session, exercise_id, current_user())
        svc.save_rating(session, e, review_id, current_user(), body)
    return jsonify(svc.view(session, e, current_user()))


@bp.post("/benchmarking/exercises/<int:exercise_id>/close")
@require(lc.MANAGER)
@doc("Close the exercise and reveal the ratings handed in", tags=["benchmarking"])
def close(exercise_id: int):
    session = db_session()
    with transaction(session):
        e = svc.close(session, svc.get(session, exercise_id, current_user()), current_user())
    return jsonify(svc.view(session, e, current_user()))


@bp.put("/benchmarking/exercises/<int:exercise_id>/moderation")
@require(lc.MANAGER)
@doc("Record the moderation note and the agreed benchmark ratings (after the reveal)", body=s.ModerationIn,
     tags=["benchmarking"])
def moderate(exercise_id: int):
    session = db_session()
    body = s.ModerationIn().load(_json_body())
    with transaction(session):
        e = svc.moderate(session, svc.get(session, exercise_id, current_user()), body, current_user())
    return jsonify(svc.view(session, e, current_user()))


@bp.get("/benchmarking/trend")
@require(lc.MANAGER)
@doc("Agreement across revealed exercises, and by standard where raters disagree most", tags=["benchmarking"])
def trend():
    return jsonify(svc.trend(db_session()))


@bp.get("/benchmarking/year")
@require(lc.MANAGER)
@doc("A sampling year: each body's rating distribution, and HMIP and HMPPS side by side by standard",
     query=s.YearQuery, tags=["benchmarking"])
def year():
    args = s.YearQuery().load(request.args)
    return jsonify(svc.year_figures(db_session(), args["year"]))
