"""Learning recorded on a QA, the themes admins manage, and amendment outcomes."""
from __future__ import annotations

from flask import Blueprint, jsonify

from .. import db_session
from ..db import transaction
from ..schemas import learning as s
from ..services import learning as svc
from ..services import reviews
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc
from .reviews import _json_body

bp = Blueprint("learning", __name__)
READERS = (lc.INSPECTOR, lc.MANAGER, lc.CENTRAL_TEAM)


@bp.get("/themes")
@require()
@doc("The learning themes a QA can record (retired ones marked: past QAs keep them)", response=s.ThemesOut,
     tags=["learning"])
def list_themes():
    session = db_session()
    with transaction(session):
        themes = [svc.theme_view(t) for t in svc.all_themes(session)]
    return jsonify({"themes": themes})


@bp.post("/themes")
@require(lc.ADMIN)
@doc("Add a learning theme", body=s.ThemeIn, response=s.ThemeOut, status=201, tags=["learning"])
def add_theme():
    session = db_session()
    body = _json_body()
    with transaction(session):
        theme = svc.add_theme(session, current_user(), body)
    return jsonify(svc.theme_view(theme)), 201


@bp.post("/themes/<key>/retire")
@require(lc.ADMIN)
@doc("Retire a learning theme: no longer offered on new QAs, kept on past ones", response=s.ThemeOut,
     tags=["learning"])
def retire_theme(key: str):
    session = db_session()
    with transaction(session):
        theme = svc.retire_theme(session, current_user(), key)
    return jsonify(svc.theme_view(theme))


@bp.get("/reviews/<int:review_id>/learning")
@require(*READERS)
@doc("The learning recorded on a review's QA: themes, learning points, good practice, policy issues, "
     "amendments", response=s.LearningOut, tags=["learning"])
def get_learning(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user())
    return jsonify(svc.view(session, review, current_user()))


@bp.put("/reviews/<int:review_id>/learning")
@require(lc.INSPECTOR)
@doc("Save the learning of your QA (the whole of it: what a list leaves out is removed; send an entry's id "
     "to keep it)", body=s.LearningIn, response=s.LearningOut, tags=["learning"])
def put_learning(review_id: int):
    session = db_session()
    body = _json_body()
    with transaction(session):
        review = reviews.get_visible(session, review_id, current_user())
        out = svc.save(session, review, current_user(), body)
    return jsonify(out)


@bp.post("/amendments/<int:entry_id>/outcome")
@require(lc.CENTRAL_TEAM)
@doc("Record what became of an amendment the QA suggested (amended, reissued, declined, no response) and when",
     body=s.OutcomeIn, response=s.EntryOut, tags=["learning"])
def record_outcome(entry_id: int):
    session = db_session()
    body = _json_body()
    with transaction(session):
        out = svc.record_outcome(session, entry_id, current_user(), body)
    return jsonify(out)
