"""Work lists: the inspector's tasks, the managers' open QA (JSON or CSV), workload, timeliness."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, request

from .. import db_session
from ..http.downloads import csv_stream_response
from ..schemas import deadlines as s
from ..services import settings, work
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .auth import current_user, require
from .openapi import doc

bp = Blueprint("work", __name__)

WATCHERS = (lc.MANAGER, lc.CENTRAL_TEAM)


@bp.get("/tasks")
@require(lc.INSPECTOR)
@doc("Your open reviews, soonest due first, with working days left, markers and the actions you can take",
     response=s.TaskList, tags=["work"])
def tasks():
    today = london_today()
    return jsonify({"today": today, "items": work.task_list(db_session(), current_user(), today)})


@bp.get("/open-qa")
@require(*WATCHERS)
@doc("Open QA a page at a time, overdue first (by due date, then id), with counts; filter by overdue, due "
     "within N working days, region, inspector, unallocated; ?format=csv for every match as a spreadsheet",
     query=s.OpenQaFilter, response=s.OpenQaOut, tags=["work"], also=("text/csv",))
def open_qa():
    f = s.OpenQaFilter().load(request.args.to_dict())
    session = db_session()
    today = london_today()
    if f["format"] == "csv":
        return csv_stream_response(work.open_qa_csv(session, f, today), work.open_qa_csv_name(today))
    per_page = min(f["per_page"] or settings.get(session, "page_size_default"), settings.get(session, "page_size_max"))
    return jsonify(work.open_qa(session, f, today, per_page=per_page))


@bp.get("/workload")
@require(*WATCHERS)
@doc("Open QA held by each active inspector against their capacity", response=s.WorkloadOut, tags=["work"])
def workload():
    today = london_today()
    return jsonify({"today": today, "items": work.workload(db_session(), today)})


@bp.get("/timeliness")
@require(*WATCHERS)
@doc("Share of QA reports sent on or before the original due date (15 working days from receipt), by month "
     "of that date and by region; default: the last 12 months", query=s.TimelinessFilter,
     response=s.TimelinessOut, tags=["work"])
def timeliness():
    f = s.TimelinessFilter().load(request.args.to_dict())
    today = london_today()
    last = f.get("to") or today
    first = f.get("from_") or date(last.year - 1, last.month, 1)
    return jsonify(work.timeliness(db_session(), first, last, today))
