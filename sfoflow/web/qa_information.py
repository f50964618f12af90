"""The information section of the QA as its own page (/reviews/<id>/qa/information): staff
interviewed by role, the period under review, diversity in the case details, sharing with the
victim or family; pre-filled from the central team's records, offering a high-profile query on a
mismatch."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from .. import db_session
from ..assessment import information as info
from ..db import transaction
from ..schemas.information import InformationIn
from ..services import assessment as svc
from ..services import qa_information, reviews
from ..services.errors import ServiceError
from ..workflows import lifecycle as lc
from .auth import roles_required
from .forms import FormErrors, add_refusals, date_from_parts
from .qa_form import READERS, readable_review

bp = Blueprint("qa_information", __name__)

FIELD_IDS = {"period_start": "period_start-day", "period_end": "period_end-day", "diversity": "diversity",
             "share_with_victim": "share_with_victim", "high_profile": "high_profile",
             "parallel_reviews": "parallel_reviews"}


def _page(review_id: int, errors: FormErrors | None = None, form=None, status: int = 200):
    session, review = readable_review(review_id)
    assessment = svc.started(session, review)
    v = qa_information.view(session, review, assessment, current_user)
    return render_template("assessment/information.html", title=f"Information section of {review.reference}",
                           review=review, v=v, info=info, errors=errors or FormErrors(), form=form), status


@bp.get("/reviews/<int:review_id>/qa/information")
@roles_required(*READERS)
def information(review_id: int):
    return _page(review_id)


def _from_form(form, errors: FormErrors) -> dict:
    raw: dict = {"version": form.get("version"), "staff": []}
    for name in ("high_profile", "parallel_reviews", "share_with_victim"):
        raw[name] = form.get(name) or None
    for code, _ in info.STAFF_ROLES:
        status = form.get(f"staff-{code}") or None
        reason = (form.get(f"staff-{code}-reason") or "").strip() or None
        if status or reason:
            raw["staff"].append({"role": code, "status": status,
                                 "reason": reason if status == info.NOT_INTERVIEWED else None})
    for name, what in (("period_start", "the start of the period under review"),
                       ("period_end", "the end of the period under review")):
        raw[name] = date_from_parts(form, name, errors, what, required=False)
    raw["diversity"] = {"status": form.get("diversity") or None,
                        "note": (form.get("diversity-note") or "").strip() or None}
    return raw


@bp.post("/reviews/<int:review_id>/qa/information")
@roles_required(lc.INSPECTOR)
def save_information(review_id: int):
    session = db_session()
    errors = FormErrors()
    raw = _from_form(request.form, errors)
    if errors:
        return _page(review_id, errors, request.form, 422)
    try:
        body = InformationIn().load(raw)
    except ValidationError as exc:
        for field, messages in exc.messages.items():
            text = messages[0] if isinstance(messages, list) else "Check this answer"
            says_what_to_do = field == "period_end"  # its message already says what to change
            errors.add(FIELD_IDS.get(field, field), text if says_what_to_do else f"Check this answer: {text}")
        return _page(review_id, errors, request.form, 422)
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user, for_update=True)
            qa_information.save(session, review, current_user, body)
    except ServiceError as exc:
        add_refusals(errors, exc.refusals, fallback="information-form")
        return _page(review_id, errors, request.form, exc.status)
    flash("Information section saved.", "success")
    return redirect(url_for("qa_information.information", review_id=review_id))
