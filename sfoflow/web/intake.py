"""The central team registers reviews: one through a form, or many from a CSV file."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from .. import db_session
from ..db import transaction
from ..schemas.reviews import review_create_schema
from ..services import import_jobs, imports, reviews
from ..services.errors import ServiceError
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .auth import roles_required
from .display import govuk_date
from .forms import FormErrors, add_refusals, add_schema_errors, blank_to_none, date_from_parts, parallel_from_form

bp = Blueprint("intake", __name__)

LABELS = {"reference": "Reference", "region": "Region", "offence_category": "Offence",
          "received_on": "Date received", "provider": "Provider", "is_high_profile": "High profile",
          "local_team_email": "Local SFO team email", "parallel_reviews": "Parallel review"}
MISSING = {"reference": "Enter the review's reference", "region": "Select the region",
           "offence_category": "Select the offence", "local_team_email": "Enter the local SFO team's email address"}


@bp.route("/reviews/new", methods=["GET", "POST"])
@roles_required(lc.CENTRAL_TEAM)
def register():
    errors = FormErrors()
    if request.method == "GET":
        return render_template("intake/register.html", title="Register a review", errors=errors, form={})
    form = request.form
    raw = blank_to_none(form, ("reference", "region", "offence_category", "provider", "local_team_email"))
    received = date_from_parts(form, "received_on", errors, "the date the review was received")
    if received:
        raw["received_on"] = received
    raw["is_high_profile"] = form.get("is_high_profile") == "true"
    raw["parallel_reviews"], ids = parallel_from_form(form, "", errors)
    ids["received_on"] = "received_on-day"
    data = None
    try:
        data = review_create_schema(london_today()).load(raw)
    except ValidationError as exc:
        messages = dict(exc.messages)
        if "received_on" in messages and not received:
            messages.pop("received_on")  # date_from_parts already said what is wrong with it
        add_schema_errors(errors, messages, LABELS, ids, MISSING)
    if not errors:
        session = db_session()
        try:
            with transaction(session):
                review = reviews.register(session, data, current_user)
        except ServiceError as exc:
            add_refusals(errors, exc.refusals, ids=ids, labels=LABELS, fallback="register-review")
        else:
            flash(f"Review {review.reference} registered. It is due on {govuk_date(review.due_on)}.", "success")
            return redirect(url_for("pages.review_page", review_id=review.id))
    errors.items.sort(key=lambda item: _ORDER.get(item[0].split("-")[0], 99))  # summary in page order
    return render_template("intake/register.html", title="Register a review", errors=errors, form=form), 422


_ORDER = {name: i for i, name in enumerate(
    ("reference", "region", "offence_category", "received_on", "provider", "is_high_profile", "local_team_email",
     "parallel"))}


@bp.route("/reviews/import", methods=["GET", "POST"])
@roles_required(lc.CENTRAL_TEAM)
def import_reviews():
    errors, problems = FormErrors(), []
    if request.method == "POST":
        upload = request.files.get("file")
        raw = upload.read() if upload and upload.filename else b""
        if not raw:
            errors.add("file", "Select a CSV file to import")
        else:
            text = imports.decode(raw)
            if text is None:
                errors.add("file", "The file must be a CSV file saved as UTF-8 text")
            if text is not None and import_jobs.wants_background(text):
                session = db_session()
                with transaction(session):
                    job = import_jobs.create(session, text, upload.filename, current_user)
                return redirect(url_for("intake.import_job", job_id=job.id))
            if text is not None:
                session = db_session()
                try:
                    with transaction(session):
                        created = imports.import_csv(session, text, current_user)
                except ServiceError as exc:
                    problems = exc.extra.get("errors") or []
                    add_refusals(errors, exc.refusals, fallback="file")
                else:
                    flash(f"Imported {len(created)} review{'' if len(created) == 1 else 's'}: "
                          f"{', '.join(r.reference for r in created[:20])}{' …' if len(created) > 20 else ''}.",
                          "success")
                    return redirect(url_for("pages.review_list"))
    return render_template("intake/import.html", title="Import reviews", errors=errors, problems=problems,
                           columns=imports.COLUMNS, required=imports.REQUIRED), 422 if errors else 200


@bp.get("/reviews/imports/<int:job_id>")
@roles_required(lc.CENTRAL_TEAM)
def import_job(job_id: int):
    """A large import's progress (rows checked, rows written), then its result."""
    try:
        job = import_jobs.view(import_jobs.get(db_session(), job_id))
    except ServiceError:
        abort(404)
    return render_template("intake/import_job.html", title="Import reviews", job=job,
                           status_url=url_for("intake.import_job_status", job_id=job_id))


@bp.get("/reviews/imports/<int:job_id>/status")
@roles_required(lc.CENTRAL_TEAM)
def import_job_status(job_id: int):
    """The progress as JSON, for the page's progress bar to follow."""
    try:
        job = import_jobs.view(import_jobs.get(db_session(), job_id))
    except ServiceError:
        return jsonify({"error": "There is no such import"}), 404
    return jsonify({k: job[k] for k in ("status", "status_label", "finished", "total_rows", "rows_checked",
                                        "rows_written", "rows_skipped")})
