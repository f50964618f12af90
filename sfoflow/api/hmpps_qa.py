"""HMPPS QA: the central team's queue of routed reviews, its QA officers, and their flags.

Allocation, start and completion are lifecycle actions (``POST /reviews/<id>/actions/
hmpps_allocate`` with ``officer_id``, ``hmpps_start``, ``hmpps_complete``); the QA itself is
saved through the assessment endpoints, as HMIP's is."""
from __future__ import annotations

from flask import Blueprint, jsonify

from .. import db_session
from ..db import transaction
from ..schemas import benchmarking as s
from ..services import hmpps_qa
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc
from .reviews import _json_body

bp = Blueprint("hmpps_qa", __name__)


@bp.get("/hmpps-qa")
@require(lc.CENTRAL_TEAM, lc.MANAGER)
@doc("Reviews routed to HMPPS awaiting or in HMPPS QA, with the HMPPS due date and officer", tags=["hmpps-qa"])
def queue():
    session = db_session()
    return jsonify({"items": [hmpps_qa.view(session, r, rec) for r, rec in hmpps_qa.queue(session)]})


@bp.get("/hmpps-qa/officers")
@require(lc.CENTRAL_TEAM, lc.MANAGER, lc.ADMIN)
@doc("Active HMPPS QA officers (central-team users marked as HMPPS QA staff)", tags=["hmpps-qa"])
def officers():
    return jsonify({"items": [hmpps_qa.officer_view(u) for u in hmpps_qa.officers(db_session())]})


@bp.put("/users/<int:user_id>/hmpps-qa")
@require(lc.ADMIN)
@doc("Mark a central-team user as HMPPS QA staff and/or a central-team manager", body=s.HmppsFlagsIn,
     tags=["hmpps-qa"])
def set_flags(user_id: int):
    session = db_session()
    body = s.HmppsFlagsIn().load(_json_body())
    with transaction(session):
        user = hmpps_qa.set_flags(session, user_id, body, current_user())
    return jsonify(hmpps_qa.officer_view(user))
