"""The QA assessment: the inspector's draft, the completeness check, and the lifecycle effects.

A draft is created when the inspector starts the QA and is pinned to the framework version of
that moment, so a new framework version never changes an assessment already begun. Drafts are
saved in parts (the form autosaves); each save carries the version the inspector loaded, so a
second tab cannot silently overwrite newer work. The overall rating is computed at submit and
at approval from the four standard ratings, never typed.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..assessment import framework as fw
from ..assessment.completeness import gaps_for_submit
from ..assessment.ratings import Rating, balance, overall_rating, overall_score, suggested_answer, suggested_judgement
from ..models import AuditEvent, Review, User
from ..models.assessment import Assessment
from ..schemas.assessment import load_draft
from ..workflows import lifecycle as lc
from . import qa_reports
from .context import now_of
from .errors import Conflict, Forbidden, NotFound, Refusal
from .lifecycle import flush_or_conflict, is_owner
from .permissions import permissions

# Where config/qa_framework lives; None means the repository's config/. Tests point it at a
# temporary folder to add a framework version.
FRAMEWORK_CONFIG_DIR: Path | None = None



# --- framework ------------------------------------------------------------------------------

def latest_framework() -> fw.Framework:
    return fw.load_framework(None, FRAMEWORK_CONFIG_DIR)


def framework_by_version(version: str | None) -> fw.Framework:
    """A given version ('v1'), or the latest for None."""
    return fw.load_framework(version, FRAMEWORK_CONFIG_DIR)


def framework_for(assessment: Assessment | None) -> fw.Framework:
    """The pinned version for an existing assessment, otherwise the latest."""
    if assessment is None:
        return latest_framework()
    return fw.load_framework(assessment.framework_version, FRAMEWORK_CONFIG_DIR)


# --- who may do what ------------------------------------------------------------------------

def require_read(review: Review, viewer: User) -> None:
    if not permissions(review, viewer).read_qa:
        raise Forbidden(f"the {lc.ROLES.get(viewer.role, viewer.role)} role may not read QA assessments")


# --- drafts ---------------------------------------------------------------------------------

def get(session: Session, review: Review) -> Assessment | None:
    return session.scalar(select(Assessment).where(Assessment.review_id == review.id))


def started(session: Session, review: Review) -> Assessment:
    """The review's assessment, or NotFound when the QA has not been started."""
    assessment = get(session, review)
    if assessment is None:
        raise NotFound("the QA of this review has not been started")
    return assessment


def get_or_create(session: Session, review: Review, actor: User | None) -> Assessment:
    """The review's assessment; a new one is pinned to the latest framework version."""
    assessment = get(session, review)
    if assessment is None:
        assessment = Assessment(review_id=review.id, framework_version=latest_framework().key,
                                answers={}, ratings={}, feedback={}, summary=None,
                                created_by_id=actor.id if actor else None,
                                updated_by_id=actor.id if actor else None)
        session.add(assessment)
        session.flush()
    return assessment


SAVED_ELSEWHERE = Refusal(None, "stale", "The QA was saved from another tab or device after you loaded it")


def save_draft(session: Session, review: Review, actor: User, payload: dict) -> Assessment:
    """Merge a partial draft into the assessment. ``payload`` is the raw request body (validated
    here against the pinned framework: marshmallow.ValidationError names each bad field).
    The caller commits."""
    can = permissions(review, actor)
    if not can.edit_qa:
        if can.start_qa:
            raise Conflict("start the QA before saving answers", code="not_started",
                           refusals=[Refusal(None, "not_started", "Start the QA before saving answers")])
        if actor.role == lc.INSPECTOR and is_owner(review, actor):
            state = lc.STATES[review.state].lower()
            raise Conflict(f"the QA cannot be changed while the review is {state}", code="read_only", refusals=[
                Refusal(None, "read_only", f"The QA cannot be changed while the review is {state}")])
        raise Forbidden("only the allocated inspector may change the QA, while it is in QA",
                        refusals=[Refusal(None, "not_allowed",
                                          "Only the allocated inspector may change the QA, while it is in QA")])
    assessment = get(session, review)
    if assessment is None:  # in QA from before assessments existed: start one now
        assessment = get_or_create(session, review, actor)
    data = load_draft(framework_for(assessment), payload)
    if data["version"] != assessment.version:
        raise Conflict("the QA was saved elsewhere since you loaded it (another tab or device); "
                       "reload to see the latest answers", code="stale",
                       reasons=["The QA was saved from another tab or device after you loaded it"],
                       refusals=[SAVED_ELSEWHERE])
    answers = dict(assessment.answers or {})
    for item_id, value in data["answers"].items():
        entry = dict(answers.get(item_id) or {})
        for key in ("answer", "note"):
            if value is None:
                entry.pop(key, None)
            elif key in value:
                text = value[key]
                if text is None or (isinstance(text, str) and not text.strip()):
                    entry.pop(key, None)
                else:
                    entry[key] = text
        if entry:
            answers[item_id] = entry
        else:
            answers.pop(item_id, None)
    assessment.answers = answers
    assessment.ratings = _merge(assessment.ratings, data["ratings"])
    assessment.feedback = _merge(assessment.feedback, data["feedback"])
    if "summary" in data:
        summary = data["summary"]
        assessment.summary = summary if summary and summary.strip() else None
    assessment.updated_at = now_of(session)
    assessment.updated_by = actor
    flush_or_conflict(session, "the QA was saved elsewhere at the same moment; reload to see the latest answers",
                      SAVED_ELSEWHERE)
    return assessment


def _merge(stored: dict | None, changes: dict) -> dict:
    out = dict(stored or {})
    for key, value in changes.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            out.pop(key, None)
        else:
            out[key] = value
    return out


def plain_answers(assessment: Assessment) -> dict[str, str]:
    """item id -> answer, as the pure core expects."""
    return {k: v["answer"] for k, v in (assessment.answers or {}).items() if v.get("answer") is not None}


def gaps(framework: fw.Framework, assessment: Assessment):
    return gaps_for_submit(framework, plain_answers(assessment), assessment.ratings or {},
                           assessment.feedback or {}, assessment.summary)


def missing(framework: fw.Framework, assessment: Assessment) -> list[str]:
    return [gap.message for gap in gaps(framework, assessment)]


def computed_overall(framework: fw.Framework, ratings: dict) -> tuple[int, Rating] | None:
    """(score, rating) when every standard has a rating; otherwise None."""
    sids = framework.standard_ids()
    if any(not ratings.get(s) for s in sids):
        return None
    score = overall_score(ratings, standard_ids=sids)
    return score, overall_rating(ratings, standard_ids=sids, banding=framework.overall_banding)


def balances(framework: fw.Framework, answers: dict[str, str]) -> dict:
    """For each key question and standard: the yes/no balance and a SUGGESTED judgement.

    A key question's suggestion is yes/no from its prompts; a standard's is a range of ratings
    anchored on Good from the balance of its judgement items (the key questions for standards 1
    and 3, the prompts for 2 and 4), never a single Outstanding. Suggestions only: one serious
    'no' may preclude 'yes', so the inspector decides.
    """
    out: dict = {"key_questions": {}, "standards": {}}
    for standard in framework.standards:
        for kq in standard.key_questions:
            b = balance(answers, [p.id for p in kq.prompts])
            out["key_questions"][kq.id] = {"yes": b.yes, "no": b.no, "not_applicable": b.not_applicable,
                                           "suggested": suggested_answer(b),
                                           "suggested_label": {"yes": "Yes", "no": "No"}.get(suggested_answer(b))}
        b = balance(answers, [i.id for i in standard.judgement_items()])
        s = suggested_judgement(b, what="key questions" if standard.key_questions else "prompts")
        out["standards"][standard.id] = {"yes": b.yes, "no": b.no, "not_applicable": b.not_applicable,
                                         "suggested": s.basis if s else None,
                                         "suggested_ratings": s.keys if s else [],
                                         "suggested_label": s.label if s else None,
                                         "suggested_reason": s.reason if s else None,
                                         "consider_outstanding": bool(s and s.consider_outstanding)}
    return out


def latest_return(session: Session, review: Review) -> AuditEvent | None:
    """The manager's most recent return of this QA (its reason is shown on the form)."""
    return session.scalar(select(AuditEvent).where(AuditEvent.review_id == review.id,
                                                   AuditEvent.action == "return")
                          .order_by(AuditEvent.id.desc()).limit(1))


def view(session: Session, review: Review, assessment: Assessment, viewer: User) -> dict:
    """The assessment as the API and the pages show it, with computed fields."""
    framework = framework_for(assessment)
    answers = plain_answers(assessment)
    overall = computed_overall(framework, assessment.ratings or {})
    ret = latest_return(session, review)
    return {
        "review_id": review.id,
        "reference": review.reference,
        "framework_version": assessment.framework_version,
        "state": review.state,
        "editable": permissions(review, viewer).edit_qa,
        "version": assessment.version,
        "answers": {k: dict(v) for k, v in (assessment.answers or {}).items()},
        "ratings": dict(assessment.ratings or {}),
        "feedback": dict(assessment.feedback or {}),
        "summary": assessment.summary,
        "overall_score": overall[0] if overall else None,
        "overall_rating": overall[1].key if overall else None,
        "overall_rating_label": overall[1].label if overall else None,
        "balances": balances(framework, answers),
        "missing": missing(framework, assessment),
        "updated_at": assessment.updated_at,
        "updated_by": assessment.updated_by.name if assessment.updated_by else None,
        "submitted_at": assessment.submitted_at,
        "latest_return": ({"at": ret.created_at, "by": ret.actor_label, "reason": ret.reason}
                          if ret is not None else None),
    }


# --- lifecycle: checks and effects ------------------------------------------------------------

def assessment_complete(session: Session, review: Review, data: dict) -> list[Refusal]:
    assessment = get(session, review)
    if assessment is None:
        return [Refusal(None, "not_started", "The QA has not been started",
                        detail="the QA assessment has not been started")]
    return [Refusal(gap.field, "incomplete", gap.message) for gap in gaps(framework_for(assessment), assessment)]


def create_draft(session: Session, review: Review, actor, data: dict, decision) -> None:
    get_or_create(session, review, actor)


def finalise(session: Session, review: Review, actor, data: dict, decision: lc.Decision) -> None:
    """Fix the overall rating; when this sends the feedback (approval, or submit with sign-off
    off), produce the report and queue the email."""
    assessment = get(session, review)
    if assessment is None:  # the completeness check refuses this first; defensive
        raise NotFound("the QA assessment has not been started")
    framework = framework_for(assessment)
    score, rating = computed_overall(framework, assessment.ratings)
    assessment.overall_score = score
    assessment.overall_rating = rating.key
    if decision.action == "submit":
        assessment.submitted_at = now_of(session)
        assessment.submitted_by_id = actor.id if actor else None
    data["overall_rating"] = rating.key  # recorded in the audit event's details
    if decision.to_state == lc.FEEDBACK_SENT:
        qa_reports.issue(session, review, assessment, framework,
                         approved_by=actor if decision.action == "approve" else None)
    session.flush()


# --- the framework as data for clients ----------------------------------------------------------

def _item_view(item: fw.Item) -> dict:
    out = {"id": item.id, "reference": item.reference, "number": item.number, "text": item.text,
           "kind": item.kind, "answer_type": item.answer_type, "required": item.required,
           "allows_na": item.allows_na, "na_basis": item.na_basis, "guidance": item.guidance,
           "guidance_full": list(item.guidance_full),
           "required_if": ({"item": item.required_if.item, "equals": item.required_if.equals}
                           if item.required_if else None)}
    if isinstance(item, fw.KeyQuestion):
        out["label"] = item.label
        out["prompts"] = [_item_view(p) for p in item.prompts]
    return out


def framework_view(framework: fw.Framework) -> dict:
    return {
        "key": framework.key, "version": framework.version, "title": framework.title,
        "answer_values": dict(framework.answer_labels),
        "not_applicable": dict(framework.not_applicable),
        "rating_characteristics": {k: (list(v) if isinstance(v, (list, tuple)) else v)
                                   for k, v in framework.rating_characteristics.items()},
        "ratings": [{"key": r.key, "label": r.label, "score": r.score} for r in framework.rating_scale],
        "overall_banding": [{"min": lo, "max": hi, "rating": r.key} for lo, hi, r in framework.overall_banding],
        "sections": [{"id": s.id, "title": s.title, "statement": s.statement, "guidance": s.guidance,
                      "items": [_item_view(i) for i in s.items]} for s in framework.sections],
        "standards": [{"id": s.id, "number": s.number, "title": s.title, "statement": s.statement,
                       "guidance": s.guidance, "judged_by": [i.id for i in s.judgement_items()],
                       "guidance_full": list(s.guidance_full),
                       "characteristics": {k: v for k, v in s.characteristics.items()},
                       "characteristics_text": {k: list(v) for k, v in s.characteristics_text.items()},
                       "key_questions": [_item_view(k) for k in s.key_questions],
                       "prompts": [_item_view(p) for p in s.prompts]} for s in framework.standards],
        "summary_required": framework.summary_required,
        "feedback_required": framework.feedback_required,
    }
