"""The QA feedback report: produced when the feedback is sent (approval, or submit with sign-off
off), stored with its HTML and PDF, emailed to the local SFO review team, and timed.

Timeliness is measured against the ORIGINAL due date (an extension never makes a late report
on time): on time when the Europe/London date of sending is on or before it.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import reference
from ..assessment.framework import Framework
from ..assessment.ratings import Rating
from ..deadlines import messages
from ..deadlines.delivery import PENDING
from ..models import Review, User
from ..models.assessment import Assessment, NotificationAttachment, QaReport
from ..models.notifications import Notification
from ..reports import html as report_html
from ..reports import pdf as report_pdf
from ..reports.dates import long_date
from . import notifications
from .context import dispatcher_of, now_of
from .dispatch import after_commit
from .errors import Conflict, NotFound, Refusal

LONDON = ZoneInfo("Europe/London")
QA_REPORT = "qa_report"  # the notification kind


def london_date(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def is_on_time(sent_at: datetime, original_due_on: date) -> bool:
    return london_date(sent_at) <= original_due_on


def timeliness_text(on_time: bool, sent_on: date, original_due_on: date) -> str:
    if on_time:
        return f"On time (sent {long_date(sent_on)}; due {long_date(original_due_on)})"
    return f"Late (sent {long_date(sent_on)}; due {long_date(original_due_on)})"


def build_content(review: Review, assessment: Assessment, framework: Framework, *, sent_at: datetime,
                  inspector_name: str, signed_off_by: str | None) -> dict:
    """What the report says, as JSON-safe data: both renderings are made from this."""
    ratings = {sid: Rating.parse(key) for sid, key in assessment.ratings.items()}
    sent_on = london_date(sent_at)
    on_time = sent_on <= review.original_due_on
    overall = Rating.parse(assessment.overall_rating)
    return {
        "reference": review.reference,
        "region": reference.region_name(review.region),
        "received_on": review.received_on.isoformat(),
        "due_on": review.original_due_on.isoformat(),
        "extended_due_on": review.due_on.isoformat() if review.due_on != review.original_due_on else None,
        "sent_at": sent_at.isoformat(),
        "sent_on": sent_on.isoformat(),
        "on_time": on_time,
        "timeliness": timeliness_text(on_time, sent_on, review.original_due_on),
        "standards": [
            {"id": s.id, "number": s.number, "title": s.title, "rating": ratings[s.id].key,
             "rating_label": ratings[s.id].label, "score": ratings[s.id].score,
             "feedback": assessment.feedback[s.id]}
            for s in framework.standards
        ],
        "overall_score": assessment.overall_score,
        "max_score": framework.max_score,
        "overall_rating": overall.key,
        "overall_rating_label": overall.label,
        "summary": assessment.summary or "",
        "inspector_name": inspector_name,
        "signed_off_by": signed_off_by,
        "framework": {"key": framework.key, "version": framework.version, "title": framework.title},
    }


def get(session: Session, review: Review) -> QaReport | None:
    return session.scalar(select(QaReport).where(QaReport.review_id == review.id))


def sent(session: Session, review: Review) -> QaReport:
    """The report sent for this review, or NotFound (the page and the API refuse alike)."""
    report = get(session, review)
    if report is None:
        raise NotFound("no QA report has been sent for this review")
    return report


def pdf_filename(review: Review) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in review.reference)
    return f"qa-report-{safe}.pdf"


def issue(session: Session, review: Review, assessment: Assessment, framework: Framework, *,
          approved_by: User | None) -> QaReport:
    """Produce, store and send the report; set the review's send time. Called inside the
    lifecycle transaction: if anything fails, nothing is recorded and nothing is sent."""
    if get(session, review) is not None:
        raise Conflict("a QA report has already been sent for this review",
                       refusals=[Refusal(None, "already_sent", "A QA report has already been sent for this review")])
    sent_at = now_of(session)
    inspector_name = review.inspector.name if review.inspector else "Not recorded"
    content = build_content(review, assessment, framework, sent_at=sent_at, inspector_name=inspector_name,
                            signed_off_by=approved_by.name if approved_by else None)
    report = QaReport(
        review_id=review.id, assessment_id=assessment.id, framework_version=framework.key, content=content,
        html=report_html.render(content), pdf=report_pdf.render(content), pdf_filename=pdf_filename(review),
        overall_score=assessment.overall_score, overall_rating=assessment.overall_rating,
        inspector_name=inspector_name, approved_by_id=approved_by.id if approved_by else None,
        generated_at=sent_at, sent_at=sent_at, sent_to=review.local_team_email,
        on_time=content["on_time"],
    )
    session.add(report)
    session.flush()
    review.sent_at = sent_at
    report.notification_id = send_report(session, review, report)
    return report


def email_text(review: Review, report: QaReport) -> tuple[str, str]:
    """The covering email. Like every sfoflow email it names the review by reference and region
    only; the judgements are in the attached report."""
    region = reference.region_name(review.region)
    rating = Rating.parse(report.overall_rating).label
    subject = f"HMIP QA report: SFO review {review.reference} ({region}) - overall rating {rating}"
    body = "\n\n".join([
        "Dear SFO review team,",
        f"HM Inspectorate of Probation has completed its quality assurance of SFO review {review.reference} "
        f"({region}). The QA report is attached ({report.pdf_filename}).",
        f"Overall rating: {rating}. The report gives the rating for each standard and the written "
        "feedback explaining the judgements.",
        f"Received {long_date(review.received_on)}; due {long_date(review.original_due_on)}; "
        f"sent {long_date(london_date(report.sent_at))}.",
        messages.FOOTER,
    ]) + "\n"
    return subject, body


def send_report(session: Session, review: Review, report: QaReport) -> int:
    """Queue the report email, with the PDF, to the local SFO review team; return the
    notification id. Recorded once (a unique key per review) in this transaction and handed
    to a worker after commit; the delivery sweep resends it if that hand-over is lost.
    The one place that knows how the report is emailed."""
    subject, body = email_text(review, report)
    notification = Notification(
        dedupe_key=f"qa_report:r{review.id}", kind=QA_REPORT, review_id=review.id,
        key_day=london_date(report.sent_at), recipient_id=None, recipient_email=review.local_team_email,
        subject=subject[:300], body=body, status=PENDING, attempts=0, created_at=report.sent_at,
        dispatched_at=None)  # see notifications.hand_over
    session.add(notification)
    session.flush()
    session.add(NotificationAttachment(notification_id=notification.id, filename=report.pdf_filename,
                                       content_type="application/pdf", content=report.pdf))
    after_commit(session, notifications.hand_over, dispatcher_of(session), notification, session.get_bind())
    return notification.id


def view(report: QaReport, pdf_url: str) -> dict:
    c = report.content
    return {
        "review_id": report.review_id, "reference": c["reference"], "region": c["region"],
        "received_on": c["received_on"], "original_due_on": c["due_on"], "sent_at": report.sent_at,
        "sent_on": c["sent_on"], "sent_to": report.sent_to, "on_time": report.on_time,
        "timeliness": c["timeliness"],
        "ratings": {s["id"]: s["rating"] for s in c["standards"]},
        "overall_score": report.overall_score, "overall_rating": report.overall_rating,
        "overall_rating_label": c["overall_rating_label"], "inspector_name": report.inspector_name,
        "signed_off_by": c.get("signed_off_by"), "html": report.html, "pdf_url": pdf_url,
    }
