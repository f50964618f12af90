"""The QA assessment. Until the assessment form lands, nothing can be submitted."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Review
from .lifecycle import check


@check("assessment_complete")
def assessment_complete(session: Session, review: Review, data: dict) -> list[str]:
    return ["the QA assessment is not available yet"]
