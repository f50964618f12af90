"""The QA form as a journey (GOV.UK "check answers" pattern): progress by section, a check of
the answers before the inspector submits, and a preview of the report before a manager approves
it. Submitting and approving happen only from these pages, after the person has seen what goes."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from ..assessment.ratings import Rating
from ..services import assessment as svc
from ..services import qa_progress
from ..services.calendar import get_calendar
from ..services.errors import NotFound
from ..services.permissions import permissions
from ..services.views import review_view
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .auth import roles_required
from .qa_form import _submit, field_id, readable_review

bp = Blueprint("qa_journey", __name__)


def _context(review_id: int):
    session, review = readable_review(review_id)
    assessment = svc.get(session, review)
    if assessment is None:
        raise NotFound("the QA of this review has not been started")
    framework = svc.framework_for(assessment)
    return session, review, assessment, framework


def section_progress(review_id: int) -> list[dict]:
    """For the form's progress panel (assessment/_progress.html)."""
    _session, _review, assessment, framework = _context(review_id)
    return qa_progress.progress(framework, assessment)


@bp.app_context_processor
def _globals():
    return {"qa_section_progress": section_progress}


@bp.get("/reviews/<int:review_id>/qa/check")
@roles_required(lc.INSPECTOR)
def check(review_id: int):
    session, review, assessment, framework = _context(review_id)
    a = svc.view(session, review, assessment, current_user)
    parts = qa_progress.progress(framework, assessment)
    form_url = url_for("qa_form.form", review_id=review_id)
    for part in parts:
        for gap in part["gaps"]:
            gap["href"] = form_url + "#" + (field_id(gap["field"]) if gap["field"] else part["anchor"])
    return render_template("assessment/check.html", title=f"Check your answers: {review.reference}",
                           review=review_view(review, get_calendar(session), london_today(), current_user),
                           a=a, fw=framework, parts=parts, complete=not any(p["to_do"] for p in parts),
                           can=permissions(review, current_user), form_url=form_url,
                           rating_labels={sid: Rating.parse(key).label for sid, key in (a["ratings"] or {}).items()
                                          if key})


@bp.post("/reviews/<int:review_id>/qa/check")
@roles_required(lc.INSPECTOR)
def confirm_submit(review_id: int):
    return _submit(review_id)


@bp.get("/reviews/<int:review_id>/qa/preview")
@roles_required(lc.MANAGER)
def preview(review_id: int):
    session, review, assessment, framework = _context(review_id)
    can = permissions(review, current_user)
    html = qa_progress.preview_html(review, assessment, framework, current_user.name, session)
    return render_template("assessment/preview.html", title=f"Preview the QA report: {review.reference}",
                           review=review_view(review, get_calendar(session), london_today(), current_user),
                           report_html=html, can=can)
