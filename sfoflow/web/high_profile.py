"""High-profile queries: the inspector asks (on the QA form), the central team decides (the queue)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from .. import db_session
from ..db import transaction
from ..schemas.assessment import HighProfileDecisionIn, HighProfileQueryIn
from ..services import high_profile_queries as hpq
from ..services import reviews
from ..services.errors import NotFound, ServiceError
from ..workflows import lifecycle as lc
from .auth import roles_required
from .forms import FormErrors, add_refusals
from .qa_form import render_form

bp = Blueprint("high_profile", __name__)


@bp.post("/reviews/<int:review_id>/qa/high-profile-query")
@roles_required(lc.INSPECTOR)
def raise_query(review_id: int):
    session = db_session()
    errors = FormErrors()
    raw = {"reason": (request.form.get("reason") or "").strip()}
    try:
        body = HighProfileQueryIn().load(raw)
    except ValidationError:
        errors.add("hpq-reason", "Enter why you think the high-profile status should change")
        return render_form(review_id, errors=errors, status=422)
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user)
            hpq.raise_query(session, review, current_user, body["reason"])
    except NotFound:
        raise
    except ServiceError as exc:
        add_refusals(errors, exc.refusals, ids={"proposed_high_profile": "hpq-reason", "reason": "hpq-reason"},
                     fallback="hpq-reason")
        return render_form(review_id, errors=errors, status=exc.status)
    flash("Your query has been sent to the central team, who decide a case's high-profile status.", "success")
    return redirect(url_for("qa_form.form", review_id=review_id) + "#high-profile-query")


def _queue(errors: FormErrors | None = None, status: int = 200, failed: int | None = None):
    session = db_session()
    return render_template("assessment/queries.html", title="High-profile queries",
                           open_queries=[hpq.view(q) for q in hpq.listing(session, hpq.OPEN)],
                           decided=[hpq.view(q) for q in hpq.listing(session, "all") if q.status != hpq.OPEN][-20:],
                           errors=errors or FormErrors(), failed=failed,
                           form=request.form if errors else {}), status


@bp.get("/high-profile-queries")
@roles_required(lc.CENTRAL_TEAM)
def query_queue():
    return _queue()


@bp.post("/high-profile-queries/<int:query_id>/decision")
@roles_required(lc.CENTRAL_TEAM)
def decide_query(query_id: int):
    session = db_session()
    errors = FormErrors()
    raw = {k: (request.form.get(k) or "").strip() for k in ("decision", "reason")}
    try:
        body = HighProfileDecisionIn().load({k: v for k, v in raw.items() if v})
    except ValidationError as exc:
        if "decision" in exc.messages:
            errors.add(f"decision-{query_id}", "Select whether to accept or reject the query")
        if "reason" in exc.messages:
            errors.add(f"reason-{query_id}", "Enter the reason for your decision")
        return _queue(errors, 422, query_id)
    try:
        with transaction(session):
            query = hpq.get(session, query_id)
            hpq.decide(session, query, current_user, body["decision"], body["reason"])
    except NotFound:
        raise
    except ServiceError as exc:
        add_refusals(errors, exc.refusals, ids={"decision": f"decision-{query_id}", "reason": f"reason-{query_id}"},
                     fallback=f"decision-{query_id}")
        return _queue(errors, exc.status, query_id)
    flash(f"Query on review {query.review.reference} {query.status}.", "success")
    return redirect(url_for("high_profile.query_queue"))
