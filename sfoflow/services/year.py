"""The year in review: aggregate a period's counts with SQL GROUP BY (a fixed number of queries,
whatever the number of reviews), build the chosen sections (``reports/year/sections.py``), keep
the narrative of each section with its history, and publish frozen numbered versions.

``AGGREGATES`` names each set of counts a section may need; ``summary`` gathers only those the
chosen sections need, each once. The caller commits.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date

from sqlalchemy import Integer, String, case, cast, column, extract, func, literal, select, true, union_all
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from .. import reference
from ..models import AuditEvent, Review, User
from ..models.assessment import Assessment, QaReport
from ..models.base import utcnow
from ..models.year import AssessmentTheme, LearningEntry, Theme, YearNarrative, YearPublication, YearSectionChoice
from ..reports.year import render
from ..reports.year import sections as sec
from ..reports.year.periods import Period, picked_period, year_of, year_period
from ..workflows import lifecycle as lc
from . import learning, settings
from .assessment import latest_framework
from .errors import Forbidden, NotFound, Refusal, ValidationFailed

READERS = (lc.MANAGER, lc.CENTRAL_TEAM, lc.ADMIN)
LISTED = 50  # free-text learning listed on the staff page (never published)


def start_month(session: Session) -> int:
    value = settings.get(session, "sampling_year_start_month")
    return value if isinstance(value, int) and 1 <= value <= 12 else 4


def period_for(session: Session, year: int, start: date | None = None, end: date | None = None) -> Period:
    if not 2000 <= year <= 2100:
        raise ValidationFailed("year must be between 2000 and 2100", fields={"year": ["must be between 2000 and 2100"]})
    try:
        return picked_period(year, start, end, start_month(session))
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"to": [str(exc)]}) from None


def current_year(session: Session, today: date) -> int:
    return year_of(today, start_month(session))


def require_reader(actor: User) -> None:
    if actor.role not in READERS:
        raise Forbidden("only managers, the central team and admins may read the year's figures")


def _require_manager(actor: User) -> None:
    if actor.role != lc.MANAGER:
        raise Forbidden("only a manager may edit or publish the year's summary")


# --- aggregates: each one a fixed number of GROUP BY queries -----------------------------------

def _in(period: Period):
    return Review.received_on.between(period.start, period.end)


def _qa_done(period: Period):
    """The QA'd reviews of the period: HMIP's, report sent."""
    return (Review.state == lc.FEEDBACK_SENT, _in(period))


def agg_intake(session: Session, period: Period, ctx) -> dict:
    q = (select(Review.region, Review.offence_category, Review.route, func.count())
         .where(_in(period)).group_by(Review.region, Review.offence_category, Review.route))
    return {"intake": [{"region": r, "offence_category": o, "route": route, "n": n}
                       for r, o, route, n in session.execute(q)]}


def agg_ratings(session: Session, period: Period, ctx) -> dict:
    parts = []
    fields = [(sid, Assessment.ratings[sid].as_string()) for sid in ctx.framework.standard_ids()]
    fields.append(("overall", Assessment.overall_rating))
    for dim in ("region", "offence_category", "provider"):
        col = getattr(Review, dim)
        for fid, rating in fields:
            parts.append(select(literal(dim).label("dimension"), col.label("grp"), literal(fid).label("field"),
                                rating.label("rating"), func.count().label("n"))
                         .select_from(Assessment).join(Review, Review.id == Assessment.review_id)
                         .where(*_qa_done(period)).group_by(col, rating))
    rows = session.execute(union_all(*parts))
    return {"ratings": [{"dimension": d, "group": g, "field": f, "rating": r, "n": n} for d, g, f, r, n in rows]}


def agg_key_questions(session: Session, period: Period, ctx) -> dict:
    """Count each (item, answer) pair with GROUP BY over the answers' JSON, unnested by the
    database (jsonb_each on PostgreSQL, json_each on SQLite): one query, one row per pair."""
    ids = [i.id for s in ctx.framework.standards for i in s.items() if i.is_yes_no]
    if session.get_bind().dialect.name == "postgresql":
        each = func.jsonb_each(cast(Assessment.answers, JSONB)).table_valued(
            column("key", String), column("value", JSONB)).alias("answer_each")
        answer = each.c.value["answer"].as_string()
    else:
        each = func.json_each(Assessment.answers).table_valued("key", "value").alias("answer_each")
        answer = func.json_extract(each.c.value, "$.answer")
    q = (select(each.c.key, answer, func.count()).select_from(Assessment)
         .join(Review, Review.id == Assessment.review_id).join(each, true())
         .where(*_qa_done(period), each.c.key.in_(ids), answer.in_(("yes", "no")))
         .group_by(each.c.key, answer))
    items = {item_id: {"yes": 0, "no": 0} for item_id in ids}
    for key, value, n in session.execute(q):
        items[key][value] = n
    n = session.scalar(select(func.count()).select_from(Assessment).join(Review, Review.id == Assessment.review_id)
                       .where(*_qa_done(period))) or 0
    return {"key_questions": {"n": n, "items": items}}


def agg_timeliness(session: Session, period: Period, ctx) -> dict:
    y = extract("year", Review.received_on).cast(Integer)
    m = extract("month", Review.received_on).cast(Integer)
    q = (select(Review.region, y, m, QaReport.on_time, func.count())
         .select_from(QaReport).join(Review, Review.id == QaReport.review_id)
         .where(Review.route == "hmip", _in(period)).group_by(Review.region, y, m, QaReport.on_time))
    return {"timeliness": [{"region": r, "year": yy, "month": mm, "on_time": bool(ok), "n": n}
                           for r, yy, mm, ok, n in session.execute(q)]}


def agg_themes(session: Session, period: Period, ctx) -> dict:
    themes = learning.all_themes(session)
    base = (select().select_from(AssessmentTheme).join(Theme, Theme.id == AssessmentTheme.theme_id)
            .join(Assessment, Assessment.id == AssessmentTheme.assessment_id)
            .join(Review, Review.id == Assessment.review_id))
    by_region = session.execute(base.add_columns(Theme.key, Review.region, func.count())
                                .where(*_qa_done(period)).group_by(Theme.key, Review.region))
    first = year_period(ctx.period.year - 4, start_month(session)).start  # this year and four before
    month = extract("month", Review.received_on).cast(Integer)
    year = extract("year", Review.received_on).cast(Integer)
    bucket = case((month >= start_month(session), year), else_=year - 1)
    trend_end = period.end
    by_year = session.execute(base.add_columns(Theme.key, bucket, func.count())
                              .where(Review.state == lc.FEEDBACK_SENT,
                                     Review.received_on.between(first, trend_end))
                              .group_by(Theme.key, bucket))
    qa_years = session.execute(select(bucket, func.count()).select_from(Assessment)
                               .join(Review, Review.id == Assessment.review_id)
                               .where(Review.state == lc.FEEDBACK_SENT, Review.received_on.between(first, trend_end))
                               .group_by(bucket))
    qa_by_year = {int(b): n for b, n in qa_years}
    qa_n = session.scalar(select(func.count()).select_from(Assessment).join(Review, Review.id == Assessment.review_id)
                          .where(*_qa_done(period))) or 0
    return {"themes": {"themes": [learning.theme_view(t) for t in themes],
                       "by_region": [{"theme": k, "region": r, "n": n} for k, r, n in by_region],
                       "by_year": [{"theme": k, "year": int(b), "n": n} for k, b, n in by_year],
                       "qa_by_year": qa_by_year, "qa_n": qa_n}}


def _entries(period: Period):
    return (select().select_from(LearningEntry).join(Assessment, Assessment.id == LearningEntry.assessment_id)
            .join(Review, Review.id == Assessment.review_id).where(*_qa_done(period)))


def agg_learning(session: Session, period: Period, ctx) -> dict:
    base = _entries(period)
    points = session.execute(base.add_columns(LearningEntry.level, LearningEntry.in_action_plan, func.count())
                             .where(LearningEntry.kind == "learning_point")
                             .group_by(LearningEntry.level, LearningEntry.in_action_plan))
    counts = dict(session.execute(base.add_columns(LearningEntry.kind, func.count())
                                  .group_by(LearningEntry.kind)).all())
    amendments = session.execute(base.add_columns(LearningEntry.outcome, func.count())
                                 .where(LearningEntry.kind == "amendment").group_by(LearningEntry.outcome))

    def listed(*where):
        rows = session.execute(base.add_columns(LearningEntry.text, LearningEntry.level, LearningEntry.in_action_plan,
                                                Review.region)
                               .where(*where).order_by(LearningEntry.id.desc()).limit(LISTED))
        return [{"text": t, "level": sec.LEVELS.get(lv or "", ""), "in_action_plan": ap,
                 "region": ctx.regions.get(r, r)} for t, lv, ap, r in rows]

    return {"learning": {
        "points": [{"level": lv, "in_action_plan": bool(ap), "n": n} for lv, ap, n in points],
        "counts": counts, "amendments": [{"outcome": o, "n": n} for o, n in amendments],
        "national_points": listed(LearningEntry.kind == "learning_point",
                                  LearningEntry.level.in_(("national", "multi_agency"))),
        "good_practice": listed(LearningEntry.kind == "good_practice"),
        "policy_issues": listed(LearningEntry.kind == "policy_issue"),
        "limit": LISTED}}


def agg_bodies(session: Session, period: Period, ctx) -> dict:
    from . import benchmarking
    return {"bodies": benchmarking.year_figures(session, period.year)}


def agg_panels(session: Session, period: Period, ctx) -> dict:
    from . import panels
    return {"panels": panels.figures_between(session, period.start, period.end)}


AGGREGATES: dict[str, Callable[[Session, Period, sec.SectionContext], Mapping]] = {
    "intake": agg_intake,
    "ratings": agg_ratings,
    "key_questions": agg_key_questions,
    "timeliness": agg_timeliness,
    "themes": agg_themes,
    "learning": agg_learning,
    "bodies": agg_bodies,
    "panels": agg_panels,
}


# --- the summary --------------------------------------------------------------------------------

def national_rules(framework) -> dict:
    """The national rating rule of each standard without key questions, as the framework data
    states it (``national_rating`` on the standard in config/qa_framework/vN.json)."""
    if framework.path is None:
        return {}
    with open(framework.path, encoding="utf-8") as fh:
        raw = json.load(fh)
    return {s["id"]: s["national_rating"] for s in raw["standards"] if "national_rating" in s}


def context(period: Period) -> sec.SectionContext:
    framework = latest_framework()
    return sec.SectionContext(
        period=period, framework=framework,
        regions={c: r["name"] for c, r in reference.regions().items()},
        offences={c: o["name"] for c, o in reference.offence_categories().items()},
        rules=national_rules(framework))


def figures(session: Session, period: Period, keys: tuple[str, ...] | None = None) -> tuple[dict, sec.SectionContext]:
    ctx = context(period)
    needed = dict.fromkeys(n for s in sec.SECTIONS if keys is None or s.key in keys for n in s.needs)
    out: dict = {}
    for name in needed:
        out.update(AGGREGATES[name](session, period, ctx))
    return out, ctx


def summary(session: Session, actor: User, period: Period, keys: tuple[str, ...] | None = None) -> dict:
    require_reader(actor)
    if keys is not None:
        unknown = [k for k in keys if k not in {s.key for s in sec.SECTIONS}]
        if unknown:
            message = f"unknown section {unknown[0]}"
            raise ValidationFailed(message, fields={"sections": [message]})
    f, ctx = figures(session, period, keys)
    narratives = current_narratives(session, period.year)
    sections = sec.build(f, ctx, keys)
    for s in sections:
        n = narratives.get(s["key"])
        s["narrative"] = n.text if n else ""
        s["narrative_saved"] = {"at": n.created_at, "by": n.author_label} if n else None
    return {"year": period.year, "title": f"SFO quality assurance: annual summary {period.short_label}",
            "period": {"start": period.start, "end": period.end, "label": period.label,
                       "whole_year": period.whole_year},
            "period_label": period.label, "sections": sections, "chosen": chosen_sections(session, period.year),
            "available": [{"key": s.key, "title": s.title, "description": s.description} for s in sec.SECTIONS]}


def headlines(session: Session, actor: User, today: date) -> dict:
    """The current year to date, for the managers' dashboard: the same figures, so far."""
    year = current_year(session, today)
    period = period_for(session, year, None, today)
    out = summary(session, actor, period, ("intake", "timeliness", "ratings"))
    return {"year": year, "period_label": period.label, "period": out["period"],
            "figures": [f for s in out["sections"] for f in s["figures"]],
            "ratings": next(t for t in out["sections"][2]["tables"] if t["id"] == "ratings-national")}


# --- narratives and chosen sections -------------------------------------------------------------

def current_narratives(session: Session, year: int) -> dict[str, YearNarrative]:
    latest = (select(YearNarrative.section, func.max(YearNarrative.id).label("id"))
              .where(YearNarrative.year == year).group_by(YearNarrative.section).subquery())
    rows = session.scalars(select(YearNarrative).join(latest, latest.c.id == YearNarrative.id))
    return {n.section: n for n in rows}


def narrative_history(session: Session, year: int, section_key: str) -> list[dict]:
    rows = session.scalars(select(YearNarrative).where(YearNarrative.year == year, YearNarrative.section == section_key)
                           .order_by(YearNarrative.id.desc()).limit(50))
    return [{"text": n.text, "at": n.created_at, "by": n.author_label} for n in rows]


def narrative_histories(session: Session, year: int, per_section: int = 20) -> dict[str, list[dict]]:
    """Every section's saved narratives, newest first (one query; a year has few edits)."""
    out: dict[str, list[dict]] = {}
    rows = session.scalars(select(YearNarrative).where(YearNarrative.year == year).order_by(YearNarrative.id.desc()))
    for n in rows:
        items = out.setdefault(n.section, [])
        if len(items) < per_section:
            items.append({"text": n.text, "at": n.created_at, "by": n.author_label})
    return out


def _section_or_404(section_key: str) -> sec.Section:
    try:
        return sec.section(section_key)
    except KeyError:
        raise NotFound(f"no section {section_key}",
                       refusals=[Refusal(None, "not_found", "There is no such section")]) from None


def save_narrative(session: Session, year: int, section_key: str, actor: User, text: str) -> dict:
    _require_manager(actor)
    _section_or_404(section_key)
    text = (text or "").replace("\r\n", "\n").strip()
    current = current_narratives(session, year).get(section_key)
    if current is None or current.text != text:
        session.add(YearNarrative(year=year, section=section_key, text=text, created_by_id=actor.id,
                                  author_label=actor.name or actor.email))
        session.flush()
    return {"section": section_key, "text": text, "history": narrative_history(session, year, section_key)}


def chosen_sections(session: Session, year: int) -> list[str]:
    choice = session.get(YearSectionChoice, year)
    if choice is None:
        return [s.key for s in sec.SECTIONS]
    return [k for k in choice.sections if k in {s.key for s in sec.SECTIONS}]


def choose_sections(session: Session, year: int, actor: User, keys: list[str]) -> list[str]:
    _require_manager(actor)
    known = [s.key for s in sec.SECTIONS]
    unknown = [k for k in keys if k not in known]
    if unknown or not keys:
        message = f"unknown section {unknown[0]}" if unknown else "choose at least one section"
        raise ValidationFailed(message, fields={"sections": [message]})
    ordered = [k for k in known if k in keys]
    choice = session.get(YearSectionChoice, year)
    if choice is None:
        session.add(YearSectionChoice(year=year, sections=ordered, updated_by_id=actor.id))
    else:
        choice.sections = ordered
        choice.updated_by_id = actor.id
    session.flush()
    return ordered


# --- publishing -----------------------------------------------------------------------------------

def per_review_rows(session: Session, period: Period) -> list[dict]:
    """The per-review figures behind the tables (for the anonymised CSV only)."""
    q = (select(Review.region, Review.offence_category, Review.provider, Assessment.ratings,
                Assessment.overall_rating, QaReport.on_time)
         .select_from(Assessment).join(Review, Review.id == Assessment.review_id)
         .outerjoin(QaReport, QaReport.review_id == Review.id).where(*_qa_done(period)))
    return [{"region": r, "offence_category": o, "provider": p, "ratings": ratings or {}, "overall": overall,
             "on_time": on} for r, o, p, ratings, overall, on in session.execute(q)]


def publish(session: Session, year: int, actor: User) -> YearPublication:
    """Freeze the year's chosen sections, their figures and narratives as the next version."""
    _require_manager(actor)
    period = period_for(session, year)
    keys = tuple(chosen_sections(session, year))
    full = summary(session, actor, period, keys)
    number = (session.scalar(select(func.max(YearPublication.number)).where(YearPublication.year == year)) or 0) + 1
    published_at = utcnow()
    content = {"title": full["title"], "period_label": period.label, "number": number,
               "published_on": published_at.date().isoformat(),
               "sections": [{**sec.public(s), "narrative_saved": None} for s in full["sections"]]}
    pdf_content = {**content, "published_on": published_at.date()}
    ctx = context(period)
    rows = render.anonymised_rows(per_review_rows(session, period), ctx.regions, ctx.offences)
    pub = YearPublication(year=year, number=number, published_at=published_at, published_by_id=actor.id,
                          publisher_label=actor.name or actor.email, sections=list(keys), content=content,
                          html=render.html(pdf_content), pdf=render.pdf(pdf_content), csv=render.csv_text(rows))
    session.add(pub)
    session.add(AuditEvent(review_id=None, actor_id=actor.id, actor_label=actor.email, action="year_summary_published",
                           details={"year": year, "number": number, "sections": list(keys)}))
    session.flush()
    return pub


def publications(session: Session, year: int) -> list[YearPublication]:
    return list(session.scalars(select(YearPublication).where(YearPublication.year == year)
                                .order_by(YearPublication.number.desc())))


def publication(session: Session, year: int, number: int) -> YearPublication:
    pub = session.scalar(select(YearPublication).where(YearPublication.year == year, YearPublication.number == number))
    if pub is None:
        raise NotFound(f"no published summary {year} version {number}",
                       refusals=[Refusal(None, "not_found", "There is no such published summary")])
    return pub


def publication_view(pub: YearPublication, links: dict | None = None) -> dict:
    return {"year": pub.year, "number": pub.number, "published_at": pub.published_at,
            "publisher": pub.publisher_label, "sections": pub.sections, "content": pub.content,
            "links": links or {}}
