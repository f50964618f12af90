"""The QA form and the manager's sign-off (the report: qa_report; queries: high_profile).

The inspector works through the form; it autosaves (assessment.js posts the changed fields to
``autosave``) and works without JavaScript too (the "Save draft" button posts the whole form).
Validation is the service's: the same framework-built schema as the API.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError

from .. import db_session
from ..assessment.framework import Framework
from ..db import transaction
from ..services import assessment as svc
from ..services import high_profile_queries as hpq
from ..services import hmpps_qa, lifecycle, qa_reports, reviews
from ..services.calendar import get_calendar
from ..services.errors import Conflict, NotFound, ServiceError, flatten_messages
from ..services.permissions import permissions
from ..services.views import review_view
from ..workflows import lifecycle as lc
from ..working_days import london_today
from . import year as year_pages
from .auth import roles_required
from .display import LONDON, london_time
from .forms import STALE, FormErrors, add_refusals

bp = Blueprint("qa_form", __name__)
READERS = (lc.INSPECTOR, lc.MANAGER, lc.CENTRAL_TEAM)
SAVED_ELSEWHERE = ("This QA was saved from another tab or device after you opened this page. The page shows "
                   "what you entered here, which has not been saved: save again to keep it (it will replace "
                   "the other changes), or reload the page to see them.")


# --- form fields <-> the draft payload -------------------------------------------------------

def fid(item_id: str) -> str:
    """An id safe in a URL fragment and a CSS selector: "1.1.a" -> "1-1-a"."""
    return item_id.replace(".", "-")


def form_payload(framework: Framework, form) -> dict:
    """The whole form as a draft payload: a blank field clears what was saved."""
    answers = {}
    for item in framework.all_items():
        answer = (form.get(f"answer-{item.id}") or "").strip() or None
        entry = {"answer": answer}
        if item.is_yes_no:
            entry["note"] = (form.get(f"note-{item.id}") or "").strip() or None
        answers[item.id] = entry
    sids = framework.standard_ids()
    return {
        "version": form.get("version"),
        "answers": answers,
        "ratings": {sid: form.get(f"rating-{sid}") or None for sid in sids},
        "feedback": {sid: (form.get(f"feedback-{sid}") or "").strip() or None for sid in sids},
        "summary": (form.get("summary") or "").strip() or None,
    }


def field_id(path: str) -> str:
    """The input a flattened error path is about: "answers.1.1.a.answer" -> "answer-1-1-a"."""
    head, _, rest = path.partition(".")
    if head == "answers" and rest:
        item, _, part = rest.rpartition(".") if rest.endswith((".answer", ".note")) else (rest, "", "answer")
        return f"{'note' if part == 'note' else 'answer'}-{fid(item)}"
    if head in ("ratings", "feedback") and rest:
        return f"{'rating' if head == 'ratings' else 'feedback'}-{rest}"
    return {"summary": "summary", "version": "save-draft"}.get(head, "qa-form")


def schema_errors(framework: Framework, exc: ValidationError) -> FormErrors:
    errors = FormErrors()
    for path, reasons in flatten_messages(exc.messages).items():
        target = field_id(path)
        label = _label_for(framework, path)
        for reason in reasons:
            errors.add(target, f"{label}: {reason}")
    return errors


def _label_for(framework: Framework, path: str) -> str:
    head, _, rest = path.partition(".")
    if head == "answers":
        item_id = rest.rsplit(".", 1)[0] if rest.endswith((".answer", ".note")) else rest
        if framework.has_item(item_id):
            item = framework.item(item_id)
            return f"{item.reference} “{item.text}”" + (" (evidence)" if path.endswith(".note") else "")
        return f"Item {item_id}"
    if head in ("ratings", "feedback"):
        try:
            s = framework.standard(rest)
            return f"Standard {s.number} ({s.title}) {'rating' if head == 'ratings' else 'feedback'}"
        except KeyError:
            return f"Standard {rest}"
    return head.capitalize()


def refusal_errors(refusals, fallback: str = "qa-form", texts: dict | None = None) -> FormErrors:
    """The refusals, each linked to the input of the field it is about (they are in form order)."""
    errors = FormErrors()
    add_refusals(errors, refusals, ids={r.field: field_id(r.field) for r in refusals if r.field},
                 texts=texts, fallback=fallback)
    return errors


# --- pages ---------------------------------------------------------------------------------------

def readable_review(review_id: int):
    """The review and its session, if this person may read its QA (else 404 or 403)."""
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user)
    svc.require_read(review, current_user)
    return session, review


def qa_links(review_id: int) -> list[dict]:
    """Links to this review's QA for the review page (reviews/detail.html includes them)."""
    if not current_user.is_authenticated or current_user.role not in READERS:
        return []
    session = db_session()
    try:
        review = reviews.get_visible(session, review_id, current_user)
    except NotFound:
        return []
    can = permissions(review, current_user)
    if not can.read_qa:
        return []
    links = []
    assessment = svc.get(session, review)
    form_url = url_for("qa_form.form", review_id=review_id)
    if assessment is None:
        if can.start_qa:
            links.append({"id": "qa-start-link", "text": "Start the QA", "href": form_url})
    elif can.edit_qa:
        links.append({"id": "qa-form-link", "text": "Continue the QA", "href": form_url})
    elif can.sign_off:
        links.append({"id": "qa-sign-off-link", "text": "Read the QA and sign it off", "href": form_url})
    else:
        links.append({"id": "qa-read-link", "text": "Read the QA", "href": form_url})
    report = qa_reports.get(session, review)
    if report is not None:
        links.append({"id": "qa-report-link", "text": "Read the QA report",
                      "href": url_for("qa_report.report", review_id=review_id),
                      "status": {"on_time": report.on_time, "sent": london_time(report.sent_at),
                                 "to": report.sent_to, "rating": report.content["overall_rating_label"]}})
    return links


@bp.app_context_processor
def _globals():
    return {"qa_links": qa_links}


def render_form(review_id: int, *, errors: FormErrors | None = None, values: dict | None = None,
                status: int = 200, version: int | None = None, section_errors: dict | None = None):
    session, review = readable_review(review_id)
    assessment = svc.get(session, review)
    view = review_view(review, get_calendar(session), london_today(), current_user)
    can = permissions(review, current_user)
    if assessment is None:
        if can.start_qa:
            return render_template("assessment/start.html", title=f"Start the QA of {review.reference}",
                                   review=view), status
        raise NotFound("the QA of this review has not been started")
    framework = svc.framework_for(assessment)
    a = svc.view(session, review, assessment, current_user)
    if values is None:
        values = {"answers": a["answers"], "ratings": a["ratings"], "feedback": a["feedback"],
                  "summary": a["summary"]}
    return render_template(
        "assessment/form.html", title=f"QA of review {review.reference}", review=view, fw=framework, a=a,
        values=values, version=version if version is not None else a["version"], errors=errors or FormErrors(),
        fid=fid, editable=a["editable"], saved_at=_saved_text(assessment.updated_at, a["updated_by"]),
        can=can, queries=[hpq.view(q) for q in hpq.for_review(session, review)],
        open_query=hpq.open_query(session, review) is not None,
        report=qa_reports.get(session, review), form=request.form if errors else {},
        section_errors=section_errors or {},
    ), status


def _saved_text(at, who) -> str:
    return f"Last saved {london_time(at)}" + (f" by {who}" if who else "")


@bp.get("/reviews/<int:review_id>/qa")
@roles_required(*READERS)
def form(review_id: int):
    return render_form(review_id)


@bp.post("/reviews/<int:review_id>/qa/start")
@roles_required(lc.INSPECTOR, lc.CENTRAL_TEAM)  # the central team: an HMPPS QA officer (services.hmpps_qa)
def start(review_id: int):
    session = db_session()
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user, for_update=True)
            lifecycle.apply_action(session, review, hmpps_qa.qa_action(review, "start"), current_user,
                                   version=_int(request.form.get("version")))
    except NotFound:
        raise
    except ServiceError as exc:
        flash(" ".join(STALE if r.code == "stale" else r.message for r in exc.refusals), "error")
        return redirect(url_for("pages.review_page", review_id=review_id))
    flash("QA started. Your answers save as you go.", "success")
    return redirect(url_for("qa_form.form", review_id=review_id))


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@bp.post("/reviews/<int:review_id>/qa")
@roles_required(lc.INSPECTOR, lc.CENTRAL_TEAM)
def save(review_id: int):
    """Without JavaScript: "Save draft" and "Submit QA" post the whole form here."""
    session, review = readable_review(review_id)
    framework = svc.framework_for(svc.started(session, review))
    payload = form_payload(framework, request.form)
    values = {k: payload[k] for k in ("answers", "ratings", "feedback", "summary")}
    try:
        with transaction(session):
            assessment = svc.save_draft(session, reviews.get_visible(session, review_id, current_user),
                                        current_user, payload)
            year_pages.save_learning_from_form(session, review_id, request.form)  # the learning part
    except ValidationError as exc:
        return render_form(review_id, errors=schema_errors(framework, exc), values=values, status=422,
                           version=_int(payload["version"]))
    except Conflict as exc:
        if exc.has("stale"):
            errors = refusal_errors(exc.refusals, "save-draft", {"stale": SAVED_ELSEWHERE})
            current = svc.get(db_session(), review)
            return render_form(review_id, errors=errors, values=values, status=409, version=current.version)
        return render_form(review_id, errors=refusal_errors(exc.refusals), status=409)
    if request.form.get("intent") == "check":  # "Continue": check the answers, then submit (web/qa_journey.py)
        return redirect(url_for("qa_journey.check", review_id=review_id))
    if request.form.get("intent") != "submit":
        flash(f"Draft saved at {_clock(assessment.updated_at)}.", "success")
        return redirect(url_for("qa_form.form", review_id=review_id))
    return _submit(review_id)


def _submit(review_id: int):
    session = db_session()
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user, for_update=True)
            lifecycle.apply_action(session, review, hmpps_qa.qa_action(review, "submit"), current_user, version=None)
    except NotFound:
        raise
    except ServiceError as exc:
        return render_form(review_id, errors=refusal_errors(exc.refusals), status=exc.status)
    if review.state == lc.HMPPS_QA_COMPLETED:
        flash(f"HMPPS QA completed. The HMPPS QA report for review {review.reference} has been sent to the local "
              "SFO review team.", "success")
    elif review.state == lc.FEEDBACK_SENT:
        flash(f"QA submitted. The report for review {review.reference} has been sent to the local SFO review team.",
              "success")
    else:
        flash(f"QA submitted for sign-off. Review {review.reference} is now awaiting sign-off.", "success")
    return redirect(url_for("pages.review_page", review_id=review_id))


def _clock(at) -> str:
    return at.astimezone(LONDON).strftime("%H:%M:%S")


@bp.post("/reviews/<int:review_id>/qa/autosave")
@login_required
def autosave(review_id: int):
    """The form's background save: JSON in (the changed fields), JSON out. CSRF token in the
    X-CSRFToken header."""
    session = db_session()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"message": "expected a JSON object"}), 400
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user)
            assessment = svc.save_draft(session, review, current_user, body)
    except ValidationError as exc:
        fields = flatten_messages(exc.messages)
        return jsonify({"message": "Not saved: " + "; ".join(f"{k}: {v[0]}" for k, v in fields.items()),
                        "fields": fields}), 422
    except ServiceError as exc:
        message = " ".join(SAVED_ELSEWHERE if r.code == "stale" else r.message for r in exc.refusals)
        return jsonify({"message": message, "code": exc.refusals[0].code}), exc.status
    a = svc.view(session, review, assessment, current_user)
    return jsonify({"version": a["version"], "saved_at": _clock(assessment.updated_at),
                    "saved_text": _saved_text(assessment.updated_at, a["updated_by"]),
                    "balances": a["balances"], "overall_rating_label": a["overall_rating_label"],
                    "overall_score": a["overall_score"], "missing": len(a["missing"])})


# --- sign-off -----------------------------------------------------------------------------------

@bp.post("/reviews/<int:review_id>/qa/sign-off/<decision>")
@roles_required(lc.MANAGER)
def sign_off(review_id: int, decision: str):
    if decision not in ("approve", "return"):
        abort(404)
    session = db_session()
    reason = (request.form.get("reason") or "").strip() or None
    data = {"reason": reason} if decision == "return" else {}
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user, for_update=True)
            lifecycle.apply_action(session, review, decision, current_user,
                                   version=_int(request.form.get("version")), data=data)
    except NotFound:
        raise
    except ServiceError as exc:
        errors = FormErrors()
        add_refusals(errors, exc.refusals, ids={"reason": "return-reason"}, fallback=f"sign-off-{decision}",
                     texts={("reason", "required"): "Enter your comments for the inspector"})
        return render_form(review_id, errors=errors, status=exc.status)
    if decision == "approve":
        flash(f"Approved. The QA report for review {review.reference} has been sent to the local SFO review team.",
              "success")
    else:
        flash(f"Returned to the inspector with your comments. Review {review.reference} is back in QA.", "success")
    return redirect(url_for("pages.review_page", review_id=review_id))
