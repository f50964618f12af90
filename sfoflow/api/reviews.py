"""Reviews: intake, import, lists, detail, lifecycle actions, central team edits, extensions."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from sqlalchemy import select

from .. import db_session
from ..db import transaction
from ..models import AuditEvent
from ..schemas import reviews as s
from ..services import import_jobs, imports, lifecycle, reviews, settings
from ..services.calendar import get_calendar
from ..services.errors import ValidationFailed
from ..services.views import review_view
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .auth import current_user, require
from .openapi import Answer, doc

bp = Blueprint("reviews", __name__)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("the request body must be a JSON object", fields={"_body": ["expected a JSON object"]})
    return body


def _detail(session, review):
    events = session.scalars(select(AuditEvent).where(AuditEvent.review_id == review.id).order_by(AuditEvent.id)).all()
    return review_view(review, get_calendar(session), london_today(), current_user(), audit=events)


@bp.post("/reviews")
@require(lc.CENTRAL_TEAM)
@doc("Register a review; its due date is set and the sample decided at once",
     body=s.ReviewCreate, response=s.ReviewOut, status=201)
def create_review():
    session = db_session()
    data = s.review_create_schema(london_today()).load(_json_body())
    with transaction(session):
        review = reviews.register(session, data, current_user())
    return jsonify(_detail(session, review)), 201


@bp.post("/reviews/import")
@require(lc.CENTRAL_TEAM)
@doc("Import reviews from CSV, all or nothing; errors name each row, field and reason. A file of more than "
     "500 rows (or ?background=true) is imported in the background: 202 with the job and its status_url",
     query=s.ImportQuery, response=s.ImportResult, status=201, form="text/csv",
     answers={202: Answer("Accepted: the file is imported in the background; follow status_url (also in "
                          "Location) until finished", response=s.ImportJobOut,
                          headers={"Location": "the status URL of the import"})})
def import_reviews():
    query = s.ImportQuery().load(request.args.to_dict())
    upload = request.files.get("file")
    if upload is None and request.mimetype == "multipart/form-data":
        raise ValidationFailed("no file: attach the CSV as the form field 'file'",
                               fields={"file": ["attach the CSV file as 'file'"]})
    raw = upload.read() if upload else request.get_data()
    text = imports.decode(raw)
    if text is None:
        raise ValidationFailed("the file is not UTF-8 text", errors=[])
    session = db_session()
    if query["background"] or import_jobs.wants_background(text):
        with transaction(session):
            job = import_jobs.create(session, text, upload.filename if upload else "", current_user())
        url = url_for("api.reviews.import_status", job_id=job.id)
        return jsonify({**import_jobs.view(job), "status_url": url}), 202, {"Location": url}
    with transaction(session):
        created = imports.import_csv(session, text, current_user())
    return jsonify({"imported": len(created), "references": [r.reference for r in created]}), 201


@bp.get("/imports/<int:job_id>")
@require(lc.CENTRAL_TEAM)
@doc("A background import: rows checked and written so far, then the result (refused with every problem; "
     "or imported, with any rows skipped because someone else registered their reference meanwhile)",
     response=s.ImportJobOut)
def import_status(job_id: int):
    job = import_jobs.get(db_session(), job_id)
    return jsonify({**import_jobs.view(job), "status_url": url_for("api.reviews.import_status", job_id=job.id)})


@bp.get("/reviews")
@require()
@doc("Reviews you may see, soonest due first; filter and paginate", query=s.ReviewFilter, response=s.ReviewPage)
def list_reviews():
    session = db_session()
    args = {k: request.args.getlist(k) if k == "status" else v for k, v in request.args.items()}
    if "status" in args:  # accept ?status=a&status=b and ?status=a,b
        args["status"] = [x for v in args["status"] for x in v.split(",") if x]
    f = s.ReviewFilter().load(args)
    per_page = min(f["per_page"] or settings.get(session, "page_size_default"), settings.get(session, "page_size_max"))
    today = london_today()
    items, total = reviews.page(session, current_user(), f, per_page=per_page, today=today)
    calendar = get_calendar(session)
    return jsonify({"items": [review_view(r, calendar, today, current_user()) for r in items],
                    "page": f["page"], "per_page": per_page, "total": total})


@bp.get("/reviews/<int:review_id>")
@require()
@doc("One review with its deadline, allowed actions and audit trail", response=s.ReviewOut)
def get_review(review_id: int):
    session = db_session()
    return jsonify(_detail(session, reviews.get_visible(session, review_id, current_user())))


@bp.post("/reviews/<int:review_id>/actions/<action>")
@require()
@doc("Take a lifecycle action (refused with reasons and the actions allowed now)", body=s.ActionIn,
     response=s.ReviewOut)
def take_action(review_id: int, action: str):
    session = db_session()
    body = s.ActionIn().load(_json_body())
    with transaction(session):
        review = reviews.get_visible(session, review_id, current_user(), for_update=True)
        lifecycle.apply_action(session, review, action, current_user(), version=body.pop("version"), data=body)
    return jsonify(_detail(session, review))


def _edit(review_id: int, schema, change):
    """Validate the body, apply one central team or manager edit to the locked review, show it."""
    session = db_session()
    body = schema().load(_json_body())
    with transaction(session):
        review = reviews.get_visible(session, review_id, current_user(), for_update=True)
        change(session, review, body)
    return jsonify(_detail(session, review))


@bp.put("/reviews/<int:review_id>/high-profile")
@require(lc.CENTRAL_TEAM)
@doc("Set or clear the high-profile flag, with a reason", body=s.HighProfileIn, response=s.ReviewOut)
def set_high_profile(review_id: int):
    return _edit(review_id, s.HighProfileIn, lambda session, review, b: reviews.set_high_profile(
        session, review, b["is_high_profile"], b["reason"], current_user(), b["version"]))


@bp.put("/reviews/<int:review_id>/parallel-reviews")
@require(lc.CENTRAL_TEAM)
@doc("Replace the parallel reviews, with a reason", body=s.ParallelReviewsIn, response=s.ReviewOut)
def set_parallel_reviews(review_id: int):
    return _edit(review_id, s.ParallelReviewsIn, lambda session, review, b: reviews.set_parallel_reviews(
        session, review, b["parallel_reviews"], b["reason"], current_user(), b["version"]))


@bp.post("/reviews/<int:review_id>/extensions")
@require(lc.MANAGER)
@doc("Grant an extension: a new due date and a reason (the original due date is kept)", body=s.ExtensionIn,
     response=s.ReviewOut, status=201)
def grant_extension(review_id: int):
    response = _edit(review_id, s.ExtensionIn, lambda session, review, b: reviews.grant_extension(
        session, review, b["new_due_on"], b["reason"], current_user(), b["version"]))
    return response, 201
