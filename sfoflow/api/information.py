"""The information section of a QA as data: staff interviewed by role, the period under review,
diversity in the case details, sharing with the victim or family; pre-filled from the central
team's records, with a high-profile mismatch flagged."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import db_session
from ..db import transaction
from ..schemas.information import InformationIn, InformationOut
from ..services import assessment as svc
from ..services import qa_information, reviews
from .auth import current_user, require
from .openapi import doc

bp = Blueprint("qa_information", __name__)


def _review(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user())
    svc.require_read(review, current_user())
    return session, review


@bp.get("/reviews/<int:review_id>/assessment/information")
@require()
@doc("The information section of the QA as data, pre-filled from the central team's records",
     response=InformationOut, tags=["assessment"])
def get_information(review_id: int):
    session, review = _review(review_id)
    assessment = svc.started(session, review)
    return jsonify(qa_information.view(session, review, assessment, current_user()))


@bp.put("/reviews/<int:review_id>/assessment/information")
@require()
@doc("Save the information section (the allocated inspector, while in QA); 'Is this case high profile?' "
     "and the staff answers of the form are kept in step", body=InformationIn, response=InformationOut,
     tags=["assessment"])
def put_information(review_id: int):
    body = InformationIn().load(request.get_json(silent=True) or {})
    session, review = _review(review_id)
    with transaction(session):
        assessment = qa_information.save(session, review, current_user(), body)
    return jsonify(qa_information.view(session, review, assessment, current_user()))
