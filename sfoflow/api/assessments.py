"""The QA assessment, its report and high-profile queries through the API.

Drafts are read and written with the same validation as the form (the schema built from the
framework version the assessment is pinned to). Submitting, returning and approving are
lifecycle actions: POST /api/v1/reviews/<id>/actions/submit etc.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from marshmallow import ValidationError

from .. import db_session
from ..assessment.framework import UnknownFrameworkVersion
from ..db import transaction
from ..http.downloads import file_response
from ..models.assessment import NotificationAttachment
from ..schemas import assessment as s
from ..services import assessment as svc
from ..services import high_profile_queries as hpq
from ..services import qa_reports, reviews
from ..services.errors import NotFound, ValidationFailed, flatten_messages
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc
from .reviews import _json_body

bp = Blueprint("assessments", __name__)

READERS = (lc.INSPECTOR, lc.MANAGER, lc.CENTRAL_TEAM)


def invalid(exc: ValidationError) -> ValidationFailed:
    fields = flatten_messages(exc.messages)
    first = "; ".join(f"{k}: {v[0]}" for k, v in list(fields.items())[:3])
    return ValidationFailed(f"invalid input: {first}", fields=fields)


def _review_and_assessment(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user())
    svc.require_read(review, current_user())
    return session, review, svc.started(session, review)


@bp.get("/framework")
@require()
@doc("The QA framework: sections, standards, key questions and prompts (latest, or ?version=v1)",
     tags=["assessment"])
def get_framework():
    version = request.args.get("version")
    try:
        framework = svc.framework_by_version(version or None)
    except UnknownFrameworkVersion as exc:
        raise NotFound(str(exc).splitlines()[0]) from None
    return jsonify(svc.framework_view(framework))


@bp.get("/reviews/<int:review_id>/assessment")
@require(*READERS)
@doc("The QA assessment of a review, draft or submitted, with balances, suggestions and what is missing",
     response=s.AssessmentOut, tags=["assessment"])
def get_assessment(review_id: int):
    session, review, assessment = _review_and_assessment(review_id)
    return jsonify(svc.view(session, review, assessment, current_user()))


@bp.patch("/reviews/<int:review_id>/assessment")
@require(lc.INSPECTOR, lc.CENTRAL_TEAM)  # the central team: the HMPPS QA officer holding it
@doc("Save part of the draft (answers, ratings, feedback, summary) with the version you loaded; "
     "null clears a value", body=s.AssessmentDraftIn, response=s.AssessmentOut, tags=["assessment"])
def patch_assessment(review_id: int):
    session = db_session()
    body = _json_body()
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user())
            assessment = svc.save_draft(session, review, current_user(), body)
    except ValidationError as exc:
        raise invalid(exc) from None
    return jsonify(svc.view(session, review, assessment, current_user()))


def _report(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user())
    svc.require_read(review, current_user())
    return qa_reports.sent(session, review)


@bp.get("/reviews/<int:review_id>/report")
@require(*READERS)
@doc("The QA report sent to the local team: ratings, overall rating, timeliness and the HTML",
     response=s.QaReportOut, tags=["assessment"])
def get_report(review_id: int):
    report = _report(review_id)
    return jsonify(qa_reports.view(report, url_for("api.assessments.get_report_pdf", review_id=review_id)))


@bp.get("/reviews/<int:review_id>/report.pdf")
@require(*READERS)
@doc("The QA report as the PDF that was emailed", tags=["assessment"])
def get_report_pdf(review_id: int):
    report = _report(review_id)
    return file_response(report.pdf, "application/pdf", report.pdf_filename, inline=True)


@bp.get("/reviews/<int:review_id>/high-profile-queries")
@require(*READERS)
@doc("High-profile queries raised on a review, with their decisions", response=s.HighProfileQueryList,
     tags=["high-profile queries"])
def review_queries(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user())
    svc.require_read(review, current_user())
    return jsonify({"items": [hpq.view(q) for q in hpq.for_review(session, review)]})


@bp.post("/reviews/<int:review_id>/high-profile-queries")
@require(lc.INSPECTOR)
@doc("Query the high-profile status of your review, with a reason (the central team decides)",
     body=s.HighProfileQueryIn, response=s.HighProfileQueryOut, status=201, tags=["high-profile queries"])
def raise_query(review_id: int):
    session = db_session()
    body = s.HighProfileQueryIn().load(_json_body())
    with transaction(session):
        review = reviews.get_visible(session, review_id, current_user())
        query = hpq.raise_query(session, review, current_user(), body["reason"], body["proposed_high_profile"])
    return jsonify(hpq.view(query)), 201


@bp.get("/high-profile-queries")
@require(lc.CENTRAL_TEAM)
@doc("High-profile queries for the central team to decide (open by default; ?status=all)",
     query=s.HighProfileQueryFilter, response=s.HighProfileQueryList, tags=["high-profile queries"])
def list_queries():
    f = s.HighProfileQueryFilter().load(dict(request.args))
    return jsonify({"items": [hpq.view(q) for q in hpq.listing(db_session(), f["status"])]})


@bp.post("/high-profile-queries/<int:query_id>/decision")
@require(lc.CENTRAL_TEAM)
@doc("Decide a high-profile query: accept (the flag changes, audited) or reject, with a reason",
     body=s.HighProfileDecisionIn, response=s.HighProfileQueryOut, tags=["high-profile queries"])
def decide_query(query_id: int):
    session = db_session()
    body = s.HighProfileDecisionIn().load(_json_body())
    with transaction(session):
        query = hpq.get(session, query_id)
        hpq.decide(session, query, current_user(), body["decision"], body["reason"])
    return jsonify(hpq.view(query))


@bp.get("/outbox/attachments/<int:attachment_id>")
@require(lc.ADMIN)
@doc("A file sent with an outbox email (the QA report PDF), as listed in the outbox", tags=["notifications"])
def outbox_attachment(attachment_id: int):
    item = db_session().get(NotificationAttachment, attachment_id)
    if item is None:
        raise NotFound(f"no attachment {attachment_id}")
    return file_response(item.content, item.content_type, item.filename)
