"""The QA report as sent to the local SFO review team: the page and the PDF."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..http.downloads import file_response
from ..services import qa_reports
from .auth import roles_required
from .display import london_time
from .qa_form import READERS, readable_review

bp = Blueprint("qa_report", __name__)


def _report(review_id: int):
    session, review = readable_review(review_id)
    return review, qa_reports.sent(session, review)


@bp.get("/reviews/<int:review_id>/qa/report")
@roles_required(*READERS)
def report(review_id: int):
    review, rep = _report(review_id)
    return render_template("assessment/report.html", title=f"QA report: {review.reference}", review=review,
                           report=rep, sent=london_time(rep.sent_at))


@bp.get("/reviews/<int:review_id>/qa/report.pdf")
@roles_required(*READERS)
def report_pdf(review_id: int):
    _review_, rep = _report(review_id)
    return file_response(rep.pdf, "application/pdf", rep.pdf_filename, inline=True)
