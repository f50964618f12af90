"""The information section of the QA form as data: read (pre-filled from the central team's
records) and save (with the form's own yes/no answers kept in step)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .. import reference
from ..assessment import information as info
from ..models import Review, User
from ..models.assessment import Assessment
from . import assessment as qa
from . import high_profile_queries as hpq
from .permissions import permissions


def designation(review: Review) -> dict:
    return {"is_high_profile": bool(review.is_high_profile),
            "parallel_reviews": [
                {"type": p.type, "type_name": reference.parallel_review_types().get(p.type, {}).get("name", p.type),
                 "status": p.status,
                 "status_name": reference.parallel_review_statuses().get(p.status, {}).get("name", p.status)}
                for p in review.parallel_reviews]}


def view(session: Session, review: Review, assessment: Assessment, viewer: User) -> dict:
    answers = assessment.answers or {}
    stored = dict(assessment.information or {})
    # pre-filled from what the central team recorded until the inspector answers
    high_profile = (answers.get("info.high_profile") or {}).get("answer") or info.designation(review.is_high_profile)
    parallel = (answers.get("info.parallel_reviews") or {}).get("answer") or (
        "yes" if review.parallel_reviews else "no")
    staff = {s["role"]: s for s in stored.get("staff") or []}
    stored["staff"] = [{"role": code, "status": staff.get(code, {}).get("status"),
                        "reason": staff.get(code, {}).get("reason")} for code, _ in info.STAFF_ROLES]
    return {
        "version": assessment.version,
        "editable": permissions(review, viewer).edit_qa,
        "information": stored,
        "high_profile": high_profile,
        "parallel_reviews": parallel,
        "designation": designation(review),
        "high_profile_mismatch": info.high_profile_mismatch(high_profile, review.is_high_profile),
        "open_query": hpq.open_query(session, review) is not None,
        "gaps": [{"field": g.field, "message": g.message} for g in info.gaps(stored)],
        "roles": [{"code": code, "label": info.ROLE_LABELS[code]} for code, _ in info.STAFF_ROLES],
    }


def save(session: Session, review: Review, actor: User, data: dict) -> Assessment:
    """Save the section (validated ``InformationIn``): the yes/no answers of the form go through
    the draft (its permission and version checks), the rest is stored as data. The caller commits."""
    staff = [{"role": s["role"], "status": s.get("status"),
              "reason": (s.get("reason") or "").strip() or None} for s in data.get("staff") or []]
    derived = info.staff_answers(staff)
    answers: dict = {"info.high_profile": {"answer": data.get("high_profile")},
                     "info.parallel_reviews": {"answer": data.get("parallel_reviews")}}
    answers.update({k: {"answer": v} for k, v in derived.items()})
    assessment = qa.save_draft(session, review, actor, {"version": data["version"], "answers": answers})
    diversity = data.get("diversity") or {}
    assessment.information = {
        "staff": staff,
        "period_start": data["period_start"].isoformat() if data.get("period_start") else None,
        "period_end": data["period_end"].isoformat() if data.get("period_end") else None,
        "diversity": {"status": diversity.get("status"), "note": (diversity.get("note") or "").strip() or None},
        "share_with_victim": data.get("share_with_victim"),
    }
    session.flush()
    return assessment
