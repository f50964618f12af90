"""The central team's edits (high-profile flag, parallel reviews) and a manager's extensions."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from .. import db_session
from ..db import transaction
from ..schemas.reviews import ExtensionIn, HighProfileIn, ParallelReviewsIn
from ..services import reviews
from ..services.errors import NotFound, ServiceError
from ..workflows import lifecycle as lc
from .auth import roles_required
from .display import govuk_date
from .forms import FormErrors, add_refusals, add_schema_errors, blank_to_none, date_from_parts, parallel_from_form
from .pages import render_review

bp = Blueprint("review_edits", __name__)


CHANGE_REASON = {"reason": "Enter the reason for the change"}


def _save(review_id: int, form_name: str, errors: FormErrors, load, change, labels: dict, ids: dict, done,
          missing: dict):
    """Validate with the schema, apply the change in one transaction, or show the page with the errors."""
    body = None
    if not errors:
        try:
            body = load()
        except ValidationError as exc:
            add_schema_errors(errors, exc, labels, ids, missing)
    if errors:
        return render_review(review_id, errors, form_name, 422)
    session = db_session()
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user, for_update=True)
            change(session, review, body)
    except NotFound:
        raise
    except ServiceError as exc:
        add_refusals(errors, exc.refusals, ids=ids, labels=labels, fallback=ids.get("_form", "main-content"))
        return render_review(review_id, errors, form_name, exc.status)
    flash(done(review), "success")
    return redirect(url_for("pages.review_page", review_id=review_id))


@bp.post("/reviews/<int:review_id>/high-profile")
@roles_required(lc.CENTRAL_TEAM)
def high_profile(review_id: int):
    raw = blank_to_none(request.form, ("is_high_profile", "reason", "version"))
    ids = {"is_high_profile": "hp-is_high_profile", "reason": "hp-reason", "version": "save-high-profile",
           "_form": "save-high-profile"}
    labels = {"is_high_profile": "High profile", "reason": "Reason for the change"}
    return _save(review_id, "high-profile", FormErrors(), lambda: HighProfileIn().load(raw),
                 lambda s, r, b: reviews.set_high_profile(s, r, b["is_high_profile"], b["reason"], current_user,
                                                          b["version"]),
                 labels, ids, lambda r: f"High-profile flag saved for review {r.reference}.",
                 {**CHANGE_REASON, "is_high_profile": "Select yes if the case is high profile"})


@bp.post("/reviews/<int:review_id>/parallel-reviews")
@roles_required(lc.CENTRAL_TEAM)
def parallel_reviews(review_id: int):
    errors = FormErrors()
    items, ids = parallel_from_form(request.form, "pr-", errors)
    raw = {**blank_to_none(request.form, ("reason", "version")), "parallel_reviews": items}
    ids.update({"reason": "pr-reason", "version": "save-parallel-reviews", "_form": "save-parallel-reviews"})
    labels = {"reason": "Reason for the change", "parallel_reviews": "Parallel review"}
    return _save(review_id, "parallel-reviews", errors, lambda: ParallelReviewsIn().load(raw),
                 lambda s, r, b: reviews.set_parallel_reviews(s, r, b["parallel_reviews"], b["reason"],
                                                              current_user, b["version"]),
                 labels, ids, lambda r: f"Parallel reviews saved for review {r.reference}.", CHANGE_REASON)


@bp.post("/reviews/<int:review_id>/extensions")
@roles_required(lc.MANAGER)
def extension(review_id: int):
    errors = FormErrors()
    new_due_on = date_from_parts(request.form, "new_due_on", errors, "the new due date", id_prefix="ext-")
    raw = {**blank_to_none(request.form, ("reason", "version")), **({"new_due_on": new_due_on} if new_due_on else {})}
    ids = {"new_due_on": "ext-new_due_on-day", "reason": "ext-reason", "version": "grant-extension",
           "_form": "grant-extension"}
    labels = {"new_due_on": "New due date", "reason": "Reason for the extension"}
    return _save(review_id, "extension", errors, lambda: ExtensionIn().load(raw),
                 lambda s, r, b: reviews.grant_extension(s, r, b["new_due_on"], b["reason"], current_user,
                                                         b["version"]),
                 labels, ids,
                 lambda r: f"Extension granted: review {r.reference} is now due on {govuk_date(r.due_on)}.",
                 {"reason": "Enter the reason for the extension", "new_due_on": "Enter the new due date"})
