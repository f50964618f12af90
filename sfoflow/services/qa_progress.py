"""The QA form as a journey: how far each part is done, and the report as it would be sent.

Read only: the progress comes from the completeness check (the same gaps that refuse a submit),
the preview from the report's own content builder, never stored or sent."""
from __future__ import annotations

from ..assessment.framework import Framework
from ..models import Review
from ..models.assessment import Assessment
from ..reports import html as report_html
from . import assessment as svc
from . import qa_reports
from .context import now_of

COMPLETED, IN_PROGRESS, NOT_STARTED = "Completed", "In progress", "Not started"


def _part_of(framework: Framework, field: str | None) -> str:
    if not field or field == "summary":
        return "summary"
    kind, _, key = field.partition(".")
    if kind in ("ratings", "feedback"):
        return f"standard-{key}"
    if kind == "answers" and framework.has_item(key):
        item = framework.item(key)
        return f"standard-{item.standard_id}" if item.standard_id else f"section-{item.section_id}"
    return "summary"


def progress(framework: Framework, assessment: Assessment) -> list[dict]:
    """Each section and standard, then the summary: what is still to do, and a status."""
    gaps = svc.gaps(framework, assessment)
    todo: dict[str, list] = {}
    for gap in gaps:
        todo.setdefault(_part_of(framework, gap.field), []).append(gap)
    parts = [(f"section-{s.id}", s.title, len(s.items)) for s in framework.sections]
    parts += [(f"standard-{s.id}", f"Standard {s.number}: {s.title}", len(s.items()) + 2) for s in framework.standards]
    parts.append(("summary", "Summary and overall rating", 1))
    out = []
    for anchor, title, total in parts:
        left = todo.get(anchor, [])
        status = COMPLETED if not left else NOT_STARTED if len(left) >= total else IN_PROGRESS
        out.append({"anchor": anchor, "title": title, "to_do": len(left), "status": status,
                    "gaps": [{"field": g.field, "message": g.message} for g in left]})
    return out


def preview_html(review: Review, assessment: Assessment, framework: Framework, signed_off_by: str | None,
                 session) -> str | None:
    """The report as it would be sent now, or None while the QA is incomplete."""
    if svc.gaps(framework, assessment):
        return None
    overall = svc.computed_overall(framework, assessment.ratings)
    if overall is None:
        return None
    score, rating = overall
    # a copy of what finalise() fixes at approval, for the preview only (nothing is written)
    shown = Assessment(review_id=review.id, framework_version=assessment.framework_version,
                       answers=assessment.answers, ratings=assessment.ratings, feedback=assessment.feedback,
                       summary=assessment.summary, overall_score=score, overall_rating=rating.key)
    content = qa_reports.build_content(review, shown, framework, sent_at=now_of(session),
                                       inspector_name=review.inspector.name if review.inspector else "Not recorded",
                                       signed_off_by=signed_off_by)
    return report_html.render(content)
