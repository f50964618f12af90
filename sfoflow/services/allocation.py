"""Allocation of selected reviews to inspectors."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Review, User
from ..workflows import lifecycle as lc
from .lifecycle import check, effect


@check("inspector_eligible")
def inspector_eligible(session: Session, review: Review, data: dict) -> list[str]:
    inspector_id = data.get("inspector_id")
    if inspector_id is None:
        return []  # "inspector_id is required" is already reported
    user = session.get(User, inspector_id)
    if user is None or not user.is_active or user.role != lc.INSPECTOR:
        return [f"user {inspector_id} is not an active inspector"]
    if data.get("action") == "reallocate" and user.id == review.inspector_id:
        return ["the review is already allocated to that inspector"]
    return []


@effect("allocate")
@effect("reallocate")
def _set_inspector(session: Session, review: Review, actor, data: dict, decision) -> None:
    data["previous_inspector_id"] = review.inspector_id
    review.inspector_id = data["inspector_id"]
