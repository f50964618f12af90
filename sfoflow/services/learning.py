"""Learning recorded on each QA: themes, learning points (level, in the action plan), good
practice, national policy issues and suggested amendments (their outcome recorded later by the
central team). Saved by the allocated inspector with the draft; read by whoever may read the QA.
The caller commits."""
from __future__ import annotations

import json
import re

from marshmallow import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..config_dir import CONFIG_DIR
from ..models import AuditEvent, Review, User
from ..models.assessment import Assessment
from ..models.base import utcnow
from ..models.year import AssessmentTheme, LearningEntry, Theme
from ..reports.year.sections import LEVELS as LEVEL_LABELS
from ..reports.year.sections import OUTCOMES as OUTCOME_LABELS
from ..schemas.learning import LearningIn, OutcomeIn, ThemeIn
from ..workflows import lifecycle as lc
from ..working_days import london_today
from . import settings
from .errors import Conflict, Forbidden, NotFound, Refusal
from .permissions import permissions

KINDS = {"learning_points": "learning_point", "good_practice": "good_practice",
         "policy_issues": "policy_issue", "amendments": "amendment"}


# --- themes -------------------------------------------------------------------------------------

def config_themes() -> list[dict]:
    with open(CONFIG_DIR / "learning_themes.json", encoding="utf-8") as fh:
        return json.load(fh)["themes"]


def ensure_themes(session: Session) -> None:
    """Seed the themes from config/learning_themes.json the first time (idempotent)."""
    if session.scalar(select(func.count()).select_from(Theme)):
        return
    for i, t in enumerate(config_themes()):
        session.add(Theme(key=t["key"], label=t["label"], position=i))
    session.flush()


def all_themes(session: Session, *, include_retired: bool = True) -> list[Theme]:
    ensure_themes(session)
    q = select(Theme).order_by(Theme.position, Theme.id)
    if not include_retired:
        q = q.where(Theme.retired_at.is_(None))
    return list(session.scalars(q))


def theme_view(t: Theme) -> dict:
    return {"key": t.key, "label": t.label, "retired": t.retired_at is not None}


def _require_admin(actor: User) -> None:
    if actor.role != lc.ADMIN:
        raise Forbidden("only an admin may manage learning themes")


def add_theme(session: Session, actor: User, payload: dict) -> Theme:
    _require_admin(actor)
    data = ThemeIn().load(payload)
    ensure_themes(session)
    key = re.sub(r"[^a-z0-9]+", "_", data["label"].lower()).strip("_")[:64] or "theme"
    if session.scalar(select(Theme).where(Theme.key == key)) is not None:
        raise Conflict(f"there is already a theme called {data['label']}", code="exists",
                       refusals=[Refusal("label", "exists", f"There is already a theme called {data['label']}")])
    position = (session.scalar(select(func.max(Theme.position))) or 0) + 1
    theme = Theme(key=key, label=data["label"], position=position)
    session.add(theme)
    session.flush()
    return theme


def retire_theme(session: Session, actor: User, key: str) -> Theme:
    """Retired themes are no longer offered on new QAs; past QAs keep them."""
    _require_admin(actor)
    ensure_themes(session)
    theme = session.scalar(select(Theme).where(Theme.key == key))
    if theme is None:
        raise NotFound(f"no theme {key}", refusals=[Refusal(None, "not_found", "There is no such theme")])
    if theme.retired_at is None:
        theme.retired_at = utcnow()
    return theme


# --- learning on one QA -------------------------------------------------------------------------

def _assessment(session: Session, review: Review) -> Assessment | None:
    return session.scalar(select(Assessment).where(Assessment.review_id == review.id))


def view(session: Session, review: Review, viewer: User) -> dict:
    if not permissions(review, viewer).read_qa:
        raise Forbidden("you may not read this QA")
    assessment = _assessment(session, review)
    if assessment is None:
        raise NotFound("the QA of this review has not been started")
    return view_of(session, assessment)


def view_of(session: Session, assessment: Assessment) -> dict:
    themes = session.scalars(select(Theme).join(AssessmentTheme, AssessmentTheme.theme_id == Theme.id)
                             .where(AssessmentTheme.assessment_id == assessment.id)
                             .order_by(Theme.position, Theme.id))
    entries = session.scalars(select(LearningEntry).where(LearningEntry.assessment_id == assessment.id)
                              .order_by(LearningEntry.position, LearningEntry.id))
    out: dict = {"themes": [theme_view(t) for t in themes], **{k: [] for k in KINDS}}
    by_kind = {v: k for k, v in KINDS.items()}
    for e in entries:
        out[by_kind[e.kind]].append(entry_view(e))
    return out


def entry_view(e: LearningEntry) -> dict:
    return {"id": e.id, "text": e.text, "level": e.level, "level_label": LEVEL_LABELS.get(e.level or ""),
            "in_action_plan": e.in_action_plan, "outcome": e.outcome,
            "outcome_label": OUTCOME_LABELS.get(e.outcome or ""), "outcome_on": e.outcome_on,
            "outcome_note": e.outcome_note}


def save(session: Session, review: Review, actor: User, payload: dict) -> dict:
    """Replace the learning of the review's QA with ``payload`` (validated here; raises
    marshmallow.ValidationError naming each bad field). Entries sent with their ``id`` keep it
    (and an amendment its recorded outcome)."""
    can = permissions(review, actor)
    if not can.edit_qa:
        raise Forbidden("only the allocated inspector may change the QA, while it is in QA",
                        refusals=[Refusal(None, "not_allowed",
                                          "Only the allocated inspector may change the QA, while it is in QA")])
    assessment = _assessment(session, review)
    if assessment is None:
        raise Conflict("start the QA before recording learning", code="not_started",
                       refusals=[Refusal(None, "not_started", "Start the QA before recording learning")])
    data = LearningIn().load(payload)
    themes = {t.key: t for t in all_themes(session)}
    current = set(session.scalars(select(AssessmentTheme.theme_id)
                                  .where(AssessmentTheme.assessment_id == assessment.id)))
    wanted: list[int] = []
    errors: dict = {}
    for i, key in enumerate(dict.fromkeys(data["themes"])):
        theme = themes.get(key)
        if theme is None:
            errors[str(i)] = [f"unknown theme {key!r}"]
        elif theme.retired_at is not None and theme.id not in current:
            errors[str(i)] = [f"the theme {theme.label} has been retired"]
        else:
            wanted.append(theme.id)
    if errors:
        raise ValidationError({"themes": errors})
    session.execute(delete(AssessmentTheme).where(AssessmentTheme.assessment_id == assessment.id,
                                                  AssessmentTheme.theme_id.notin_(wanted or [-1])))
    for theme_id in wanted:
        if theme_id not in current:
            session.add(AssessmentTheme(assessment_id=assessment.id, theme_id=theme_id))
    existing = {e.id: e for e in session.scalars(select(LearningEntry)
                                                 .where(LearningEntry.assessment_id == assessment.id))}
    kept: set[int] = set()
    for list_key, kind in KINDS.items():
        for position, item in enumerate(data[list_key]):
            entry = existing.get(item.get("id")) if item.get("id") else None
            if entry is None or entry.kind != kind:
                entry = LearningEntry(assessment_id=assessment.id, kind=kind)
                session.add(entry)
            else:
                kept.add(entry.id)
            entry.text = item["text"]
            entry.position = position
            if kind == "learning_point":
                entry.level = item["level"]
                entry.in_action_plan = item["in_action_plan"]
    for entry_id, entry in existing.items():
        if entry_id not in kept:
            session.delete(entry)
    session.flush()
    return view_of(session, assessment)


def themes_for_reviews(session: Session, review_ids: list[int]) -> dict[int, list[str]]:
    """The themes recorded on each of these reviews' QAs, by name (the learning panels'
    candidates show them and filter on them)."""
    rows = session.execute(select(Assessment.review_id, Theme.label)
                           .join(AssessmentTheme, AssessmentTheme.assessment_id == Assessment.id)
                           .join(Theme, Theme.id == AssessmentTheme.theme_id)
                           .where(Assessment.review_id.in_(review_ids)).order_by(Theme.position, Theme.label))
    out: dict[int, list[str]] = {}
    for review_id, label in rows:
        out.setdefault(review_id, []).append(label)
    return out


def themes_recorded(session: Session, review: Review) -> int:
    assessment = _assessment(session, review)
    if assessment is None:
        return 0
    return session.scalar(select(func.count()).select_from(AssessmentTheme)
                          .where(AssessmentTheme.assessment_id == assessment.id)) or 0


def learning_recorded(session: Session, review: Review, data: dict) -> list[Refusal]:
    """The submit check: at least one theme, when the setting ``learning_themes_required`` is on."""
    if not settings.get(session, "learning_themes_required"):
        return []
    if themes_recorded(session, review):
        return []
    return [Refusal("learning", "incomplete", "Select at least one theme in the Learning section",
                    detail="no learning theme recorded")]


# --- amendments: the outcome the central team records -----------------------------------------

def amendments_awaiting(session: Session, limit: int = 200) -> list[dict]:
    rows = session.execute(
        select(LearningEntry, Review.reference, Review.id)
        .join(Assessment, Assessment.id == LearningEntry.assessment_id)
        .join(Review, Review.id == Assessment.review_id)
        .where(LearningEntry.kind == "amendment")
        .order_by(LearningEntry.outcome.is_not(None), LearningEntry.id).limit(limit))
    return [{**entry_view(e), "reference": ref, "review_id": rid} for e, ref, rid in rows]


def record_outcome(session: Session, entry_id: int, actor: User, payload: dict) -> dict:
    if actor.role != lc.CENTRAL_TEAM:
        raise Forbidden("only the central team records what became of a suggested amendment")
    data = OutcomeIn().load(payload)
    entry = session.get(LearningEntry, entry_id)
    if entry is None or entry.kind != "amendment":
        raise NotFound("there is no such amendment",
                       refusals=[Refusal(None, "not_found", "There is no such amendment")])
    if data["outcome_on"] > london_today():
        raise ValidationError({"outcome_on": ["must not be in the future"]})
    entry.outcome = data["outcome"]
    entry.outcome_on = data["outcome_on"]
    entry.outcome_note = data.get("note")
    entry.outcome_by_id = actor.id
    assessment = session.get(Assessment, entry.assessment_id)
    session.add(AuditEvent(review_id=assessment.review_id, actor_id=actor.id, actor_label=actor.email,
                           action="amendment_outcome", reason=data.get("note"),
                           details={"amendment": entry.id, "outcome": entry.outcome,
                                    "outcome_on": entry.outcome_on.isoformat()}))
    session.flush()
    return entry_view(entry)
