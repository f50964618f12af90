"""The sample: one review's decision, the audit export and the balance."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import db_session
from ..http.downloads import csv_response
from ..schemas import sampling as s
from ..services import reviews
from ..services import sampling as svc
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc

bp = Blueprint("sampling", __name__)


def _year(query: dict) -> int:
    return query["year"] if query["year"] is not None else svc.current_year(db_session())


@bp.get("/reviews/<int:review_id>/sample-decision")
@require(lc.CENTRAL_TEAM, lc.MANAGER, lc.ADMIN)
@doc("Why a review is or is not in the HMIP sample (run position, uniform and threshold for admins only)",
     response=s.SampleDecisionOut, tags=["sample"])
def sample_decision(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user())
    return jsonify(svc.decision_view(svc.decision_for(session, review), review, current_user()))


@bp.get("/sample/decisions")
@require(lc.ADMIN)
@doc("The audit export of a sampling year's decisions (JSON, or CSV with ?format=csv)", query=s.ExportQuery,
     response=s.SampleExport, tags=["sample"], also=("text/csv",))
def sample_decisions():
    query = s.ExportQuery().load(request.args)
    year = _year(query)
    rows = svc.export(db_session(), year)
    if query["format"] == "csv":
        return csv_response(svc.export_csv_rows(rows), svc.export_csv_name(year))
    return jsonify({"sampling_year": year, "algorithm_version": svc.ALGORITHM_VERSION, "decisions": rows})


@bp.get("/sample/balance")
@require(lc.CENTRAL_TEAM, lc.MANAGER, lc.ADMIN)
@doc("Sample balance for the year to date: intake, selected, expected and difference by region and offence "
     "category, warnings, and purposive additions listed separately", query=s.YearQuery, response=s.BalanceOut,
     tags=["sample"])
def sample_balance():
    query = s.YearQuery().load(request.args)
    return jsonify(s.BalanceOut().dump(svc.balance(db_session(), _year(query))))
