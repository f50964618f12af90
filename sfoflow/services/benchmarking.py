"""Benchmarking exercises: a second QA of completed reviews, blind, to measure consistency.

Seed 002 (2.9): HMI Probation "will run benchmarking sessions with SFO reviewers and central
quality assurance teams"; seed 004 (4.12-4.13): "inspectors form similar judgements in similar
cases", checked by "quality management exercises". A manager chooses completed reviews (or has
them drawn by the sampler's keyed draw) and raters: HMIP inspectors and HMPPS QA staff. Each
rater answers the key questions (and any prompts) and rates the four standards for each review,
blind: nobody sees another rater's answers, nor the review's original QA, until every rating is
in or the manager closes the exercise. Then the agreement is shown (``assessment.agreement``),
the manager records the moderation note and the agreed benchmark ratings. This is the only way
a review gets a second QA, and it is recorded as such (never as a report to the local team).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..assessment import agreement as ag
from ..assessment.ratings import Rating, overall_rating
from ..models import Review, User
from ..models.assessment import QaReport
from ..models.base import utcnow
from ..models.benchmarking import OPEN, REVEALED, BenchmarkExercise, BenchmarkRater, BenchmarkRating, BenchmarkReview
from ..sampling import design
from ..workflows import lifecycle as lc
from . import assessment, audit, settings
from .errors import Conflict, Forbidden, NotFound, Refusal, ValidationFailed

COMPLETED = (lc.FEEDBACK_SENT, lc.HMPPS_QA_COMPLETED)
BODY_OF_STATE = {lc.FEEDBACK_SENT: "hmip", lc.HMPPS_QA_COMPLETED: "hmpps"}
BODIES = {"hmip": "HMIP", "hmpps": "HMPPS"}
ANSWERS = ("yes", "no", "na")
SUPPRESS_BELOW = 5  # published cells counting fewer reviews are suppressed (domain.md)


# --- who -------------------------------------------------------------------------------------

def body_of(user: User) -> str | None:
    if user.role == lc.INSPECTOR:
        return "hmip"
    if user.role == lc.CENTRAL_TEAM and user.hmpps_qa:
        return "hmpps"
    return None


def is_blind_rater(session: Session, review_id: int, user_id: int) -> bool:
    """A rater in an exercise still open on this review (so may not read its QA yet)."""
    return session.scalar(
        select(BenchmarkRater.id).join(BenchmarkExercise, BenchmarkExercise.id == BenchmarkRater.exercise_id)
        .join(BenchmarkReview, BenchmarkReview.exercise_id == BenchmarkExercise.id)
        .where(BenchmarkRater.user_id == user_id, BenchmarkReview.review_id == review_id,
               BenchmarkExercise.status == OPEN).limit(1)) is not None


def eligible_raters(session: Session) -> list[User]:
    return [u for u in session.scalars(select(User).where(User.is_active, User.role.in_(
        [lc.INSPECTOR, lc.CENTRAL_TEAM])).order_by(User.name, User.id)) if body_of(u)]


def completed_reviews(session: Session) -> list[Review]:
    return list(session.scalars(select(Review).where(Review.state.in_(COMPLETED)).order_by(Review.received_on.desc(),
                                                                                            Review.id.desc())))


# --- creating -------------------------------------------------------------------------------

def draw(session: Session, count: int, seed: int) -> list[int]:
    """``count`` completed reviews by the sampler's keyed draw: each review's HMAC uniform for
    (its reference, the seed); the lowest values win. Anyone with the key re-derives it."""
    from .sampling import sampling_key

    key = sampling_key(session)
    ranked = sorted(completed_reviews(session), key=lambda r: (design.uniform(key, r.reference, seed), r.id))
    return [r.id for r in ranked[:count]]


def create(session: Session, data: dict, actor: User) -> BenchmarkExercise:
    """``data``: title, rater_ids, and review_ids or draw {count, seed}. The caller commits."""
    refusals = []
    how = "drawn" if data.get("draw") else "chosen"
    review_ids = draw(session, data["draw"]["count"], data["draw"]["seed"]) if how == "drawn" else \
        list(dict.fromkeys(data.get("review_ids") or []))
    reviews = session.scalars(select(Review).where(Review.id.in_(review_ids))).all() if review_ids else []
    if not reviews:
        refusals.append(Refusal("review_ids", "required", "Choose at least one completed review"))
    elif len(reviews) != len(review_ids) or any(r.state not in COMPLETED for r in reviews):
        refusals.append(Refusal("review_ids", "not_completed", "Choose only reviews whose QA is complete"))
    rater_ids = list(dict.fromkeys(data.get("rater_ids") or []))
    raters = session.scalars(select(User).where(User.id.in_(rater_ids))).all() if rater_ids else []
    if len(raters) != len(rater_ids) or any(not u.is_active or body_of(u) is None for u in raters):
        refusals.append(Refusal("rater_ids", "not_a_rater", "Choose only HMIP inspectors and HMPPS QA staff"))
    elif len(raters) < 2:
        refusals.append(Refusal("rater_ids", "too_few", "Choose at least two raters"))
    if refusals:
        raise ValidationFailed("the exercise cannot be created", refusals=refusals,
                               fields={r.field: [r.message] for r in refusals})
    exercise = BenchmarkExercise(
        title=data["title"], framework_version=assessment.latest_framework().key, status=OPEN, how_chosen=how,
        draw=({**data["draw"], "algorithm": design.ALGORITHM_VERSION} if how == "drawn" else None),
        created_by_id=actor.id,
        items=[BenchmarkReview(review_id=rid) for rid in review_ids],
        raters=[BenchmarkRater(user_id=u.id, body=body_of(u)) for u in sorted(raters, key=lambda u: u.id)])
    session.add(exercise)
    session.flush()
    audit.record(session, review=None, actor=actor, action="create_benchmark_exercise",
                 details={"exercise_id": exercise.id, "review_ids": review_ids, "rater_ids": rater_ids})
    return exercise


# --- reading ----------------------------------------------------------------------------------

def get(session: Session, exercise_id: int, viewer: User) -> BenchmarkExercise:
    exercise = session.get(BenchmarkExercise, exercise_id)
    if exercise is None or not (viewer.role == lc.MANAGER or is_rater(exercise, viewer)):
        raise NotFound("there is no such exercise", refusals=[Refusal(None, "not_found", "There is no such exercise")])
    return exercise


def is_rater(exercise: BenchmarkExercise, user: User) -> bool:
    return any(r.user_id == user.id for r in exercise.raters)


def listing(session: Session, viewer: User) -> list[BenchmarkExercise]:
    query = select(BenchmarkExercise).order_by(BenchmarkExercise.created_at.desc(), BenchmarkExercise.id.desc())
    if viewer.role != lc.MANAGER:
        query = query.join(BenchmarkRater).where(BenchmarkRater.user_id == viewer.id)
    return list(session.scalars(query))


def ratings(session: Session, exercise: BenchmarkExercise) -> list[BenchmarkRating]:
    return list(session.scalars(select(BenchmarkRating).where(BenchmarkRating.exercise_id == exercise.id)
                                .order_by(BenchmarkRating.id)))


def framework_of(exercise: BenchmarkExercise):
    return assessment.framework_by_version(exercise.framework_version)


def _rating_view(r: BenchmarkRating) -> dict:
    return {"review_id": r.review_id, "rater_id": r.rater_id, "answers": dict(r.answers or {}),
            "ratings": dict(r.ratings or {}), "overall_rating": r.overall_rating, "submitted_at": r.submitted_at}


def view(session: Session, exercise: BenchmarkExercise, viewer: User) -> dict:
    """What this person may see: before the reveal a rater sees only their own answers and
    everyone sees who has finished; after it, every answer, the original QA and the agreement."""
    all_ratings = ratings(session, exercise)
    submitted = {(r.review_id, r.rater_id) for r in all_ratings if r.submitted_at}
    revealed = exercise.status == REVEALED
    people = {r.user_id: r.user for r in exercise.raters}
    out = {
        "id": exercise.id, "title": exercise.title, "status": exercise.status, "how_chosen": exercise.how_chosen,
        "draw": exercise.draw, "framework_version": exercise.framework_version, "created_at": exercise.created_at,
        "revealed_at": exercise.revealed_at, "reveal_reason": exercise.reveal_reason,
        "moderation_note": exercise.moderation_note,
        "raters": [{"id": r.user_id, "name": people[r.user_id].name, "body": r.body,
                    "submitted": sum(1 for i in exercise.items if (i.review_id, r.user_id) in submitted)}
                   for r in exercise.raters],
        "reviews": [{"id": i.review_id, "reference": i.review.reference,
                     "agreed_ratings": i.agreed_ratings if revealed else None,
                     "moderation_note": i.moderation_note if revealed else None} for i in exercise.items],
        "expected": len(exercise.items) * len(exercise.raters),
        "submitted": len(submitted),
        "is_rater": is_rater(exercise, viewer),
    }
    visible = all_ratings if revealed else [r for r in all_ratings if r.rater_id == viewer.id]
    out["ratings"] = [_rating_view(r) for r in visible]
    if revealed:
        out["original"] = original_qa(session, exercise)
        out["agreement"] = agreement_table(exercise, all_ratings)
    return out


def original_qa(session: Session, exercise: BenchmarkExercise) -> dict:
    """The routine QA of each review (HMIP's or HMPPS's report), shown only after the reveal."""
    reports = {r.review_id: r for r in session.scalars(select(QaReport).where(
        QaReport.review_id.in_([i.review_id for i in exercise.items])))}
    out = {}
    for item in exercise.items:
        report = reports.get(item.review_id)
        if report is not None:
            out[str(item.review_id)] = {"body": BODY_OF_STATE.get(item.review.state),
                                        "ratings": {s["id"]: s["rating"] for s in report.content["standards"]},
                                        "overall_rating": report.overall_rating}
    return out


# --- rating -------------------------------------------------------------------------------------

def _rated_items(framework) -> list:
    """Key questions and prompts of the four standards (the yes/no questions a rater answers)."""
    out = []
    for s in framework.standards:
        for kq in s.key_questions:
            out.extend(kq.prompts)
            out.append(kq)
        out.extend(s.prompts)
    return out


def save_rating(session: Session, exercise: BenchmarkExercise, review_id: int, rater: User,
                payload: dict) -> BenchmarkRating:
    """Save (and with ``submit`` true, hand in) one rater's answers for one review."""
    if not is_rater(exercise, rater):
        raise Forbidden("only the exercise's raters may rate", refusals=[
            Refusal(None, "not_a_rater", "Only the raters of this exercise may rate its reviews")])
    if exercise.status != OPEN:
        raise Conflict("the exercise has been revealed", refusals=[
            Refusal(None, "revealed", "The exercise has been revealed: ratings can no longer change")])
    if review_id not in {i.review_id for i in exercise.items}:
        raise NotFound("that review is not in the exercise", refusals=[
            Refusal(None, "not_found", "That review is not in this exercise")])
    framework = framework_of(exercise)
    items = {i.id: i for i in _rated_items(framework)}
    refusals = []
    answers = {}
    for item_id, value in (payload.get("answers") or {}).items():
        if item_id not in items:
            refusals.append(Refusal(f"answers.{item_id}", "unknown", f"There is no question {item_id}"))
        elif value not in (*ANSWERS, None, ""):
            refusals.append(Refusal(f"answers.{item_id}", "invalid", f"Answer {items[item_id].reference} yes, no or "
                                                                     "not applicable"))
        elif value:
            answers[item_id] = value
    std = {}
    for sid, value in (payload.get("ratings") or {}).items():
        if sid not in framework.standard_ids():
            refusals.append(Refusal(f"ratings.{sid}", "unknown", f"There is no standard {sid}"))
        elif value not in (*ag.RATING_CODES, None, ""):
            refusals.append(Refusal(f"ratings.{sid}", "invalid", f"Choose a rating for standard {sid}"))
        elif value:
            std[sid] = value
    if payload.get("submit") and not refusals:
        for kq in framework.key_questions():
            if kq.id not in answers:
                refusals.append(Refusal(f"answers.{kq.id}", "required", f"Answer key question {kq.number}"))
        for s in framework.standards:
            if s.id not in std:
                refusals.append(Refusal(f"ratings.{s.id}", "required", f"Rate standard {s.number}"))
    if refusals:
        raise ValidationFailed("the rating was not saved", refusals=refusals,
                               fields={r.field: [r.message] for r in refusals})
    row = session.scalar(select(BenchmarkRating).where(
        BenchmarkRating.exercise_id == exercise.id, BenchmarkRating.review_id == review_id,
        BenchmarkRating.rater_id == rater.id))
    if row is None:
        row = BenchmarkRating(exercise_id=exercise.id, review_id=review_id, rater_id=rater.id)
        session.add(row)
    elif row.submitted_at is not None:
        raise Conflict("already handed in", refusals=[
            Refusal(None, "submitted", "You have already handed in your rating of this review")])
    row.answers, row.ratings, row.updated_at = answers, std, utcnow()
    sids = framework.standard_ids()
    row.overall_rating = (overall_rating(std, standard_ids=sids, banding=framework.overall_banding).key
                          if all(s in std for s in sids) else None)
    if payload.get("submit"):
        row.submitted_at = utcnow()
    session.flush()
    if payload.get("submit") and _all_in(session, exercise):
        _reveal(session, exercise, "all_in", rater)
    return row


def _all_in(session: Session, exercise: BenchmarkExercise) -> bool:
    done = sum(1 for r in ratings(session, exercise) if r.submitted_at)
    return done == len(exercise.items) * len(exercise.raters)


def _reveal(session: Session, exercise: BenchmarkExercise, reason: str, actor: User) -> None:
    exercise.status, exercise.revealed_at, exercise.reveal_reason = REVEALED, utcnow(), reason
    audit.record(session, review=None, actor=actor, action="reveal_benchmark_exercise",
                 details={"exercise_id": exercise.id, "reason": reason})
    session.flush()


def close(session: Session, exercise: BenchmarkExercise, actor: User) -> BenchmarkExercise:
    """A manager reveals the exercise before every rating is in (handed-in ratings count)."""
    if exercise.status != OPEN:
        raise Conflict("already revealed", refusals=[Refusal(None, "revealed", "The exercise is already revealed")])
    _reveal(session, exercise, "closed", actor)
    return exercise


def moderate(session: Session, exercise: BenchmarkExercise, data: dict, actor: User) -> BenchmarkExercise:
    """After the reveal: the moderation note, and per review the agreed benchmark ratings."""
    if exercise.status != REVEALED:
        raise Conflict("not revealed", refusals=[
            Refusal(None, "not_revealed", "Moderate the exercise after the ratings are revealed")])
    framework = framework_of(exercise)
    items = {i.review_id: i for i in exercise.items}
    refusals = []
    for entry in data.get("reviews") or []:
        item = items.get(entry["review_id"])
        if item is None:
            refusals.append(Refusal("reviews", "not_in_exercise", "That review is not in this exercise"))
            continue
        agreed = {k: v for k, v in (entry.get("agreed_ratings") or {}).items() if v}
        bad = [k for k, v in agreed.items() if k not in framework.standard_ids() or v not in ag.RATING_CODES]
        if bad:
            refusals.append(Refusal("reviews", "invalid", "Choose an agreed rating for each standard"))
            continue
        if all(s in agreed for s in framework.standard_ids()):
            agreed["overall"] = overall_rating(agreed, standard_ids=framework.standard_ids(),
                                               banding=framework.overall_banding).key
        item.agreed_ratings = agreed or None
        item.moderation_note = (entry.get("moderation_note") or "").strip() or None
    if refusals:
        raise ValidationFailed("the moderation was not saved", refusals=refusals,
                               fields={r.field: [r.message] for r in refusals})
    if "moderation_note" in data:
        exercise.moderation_note = (data.get("moderation_note") or "").strip() or None
    audit.record(session, review=None, actor=actor, action="moderate_benchmark_exercise",
                 details={"exercise_id": exercise.id})
    session.flush()
    return exercise


# --- agreement ------------------------------------------------------------------------------------

def _as_dict(a: ag.Agreement) -> dict:
    return {"key": a.key, "level": a.level, "units": a.units, "agreed_units": a.agreed_units,
            "exact_agreement": a.exact_agreement, "alpha": a.alpha, "alpha_note": a.alpha_note}


def agreement_table(exercise: BenchmarkExercise, all_ratings: list[BenchmarkRating]) -> dict:
    """Handed-in ratings only: each question's answers side by side, exact agreement and alpha."""
    framework = framework_of(exercise)
    done = [r for r in all_ratings if r.submitted_at]
    raters = [str(r.user_id) for r in exercise.raters]
    units = [str(i.review_id) for i in exercise.items]
    by_rater: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in done:
        by_rater[str(r.rater_id)][str(r.review_id)] = r

    def values(get) -> dict:
        return {rid: {u: get(row) for u, row in rows.items()} for rid, rows in by_rater.items()}

    def row(key, label, level, get, kind) -> dict:
        vals = values(get)
        a = ag.agreement(key, level, vals, raters, units)
        return {**_as_dict(a), "label": label, "kind": kind,
                "side_by_side": {u: {rid: vals.get(rid, {}).get(u) for rid in raters} for u in units}}

    rows = []
    for s in framework.standards:
        for kq in s.key_questions:
            for p in kq.prompts:
                rows.append(row(p.id, f"Prompt {p.reference}", ag.NOMINAL,
                                lambda x, i=p.id: x.answers.get(i), "prompt"))
            rows.append(row(kq.id, f"Key question {kq.number}", ag.NOMINAL,
                            lambda x, i=kq.id: x.answers.get(i), "key_question"))
        for p in s.prompts:
            rows.append(row(p.id, f"Prompt {p.reference}", ag.NOMINAL, lambda x, i=p.id: x.answers.get(i), "prompt"))
        rows.append(row(f"standard:{s.id}", f"Standard {s.number}: {s.title}", ag.ORDINAL,
                        lambda x, i=s.id: x.ratings.get(i), "standard"))
    rows.append(row("overall", "Overall rating", ag.ORDINAL, lambda x: x.overall_rating, "overall"))
    pooled_units = [(u, s) for u in units for s in framework.standard_ids()]
    pooled_vals = {rid: {(u, s): row_.ratings.get(s) for u, row_ in rows_.items() for s in framework.standard_ids()}
                   for rid, rows_ in by_rater.items()}
    standards = ag.agreement("standards", ag.ORDINAL, pooled_vals, raters, pooled_units)
    kq_ids = [kq.id for kq in framework.key_questions()]
    kq_vals = {rid: {(u, k): row_.answers.get(k) for u, row_ in rows_.items() for k in kq_ids}
               for rid, rows_ in by_rater.items()}
    key_questions = ag.agreement("key_questions", ag.NOMINAL, kq_vals, raters, [(u, k) for u in units for k in kq_ids])
    return {"rows": rows, "all_standards": _as_dict(standards), "all_key_questions": _as_dict(key_questions)}


def trend(session: Session) -> dict:
    """Agreement across revealed exercises, oldest first, and by standard where raters disagree most."""
    exercises = list(session.scalars(select(BenchmarkExercise).where(BenchmarkExercise.status == REVEALED)
                                     .order_by(BenchmarkExercise.revealed_at, BenchmarkExercise.id)))
    points = []
    disagree: Counter = Counter()
    units: Counter = Counter()
    labels = {}
    for e in exercises:
        table = agreement_table(e, ratings(session, e))
        points.append({"exercise_id": e.id, "title": e.title, "revealed_at": e.revealed_at,
                       "all_standards": table["all_standards"], "all_key_questions": table["all_key_questions"]})
        for row in table["rows"]:
            if row["kind"] == "standard":
                labels[row["key"]] = row["label"]
                units[row["key"]] += row["units"]
                disagree[row["key"]] += row["units"] - row["agreed_units"]
    by_standard = sorted(({"key": k, "label": labels[k], "units": units[k], "disagreed": disagree[k],
                           "disagreement": disagree[k] / units[k] if units[k] else None} for k in labels),
                         key=lambda x: (-(x["disagreement"] or 0), x["key"]))
    return {"exercises": points, "by_standard": by_standard}


# --- the year: HMIP and HMPPS side by side (a section of the annual summary) -----------------------

def _year_bounds(session: Session, year: int) -> tuple[date, date]:
    start_month = int(settings.get(session, "sampling_year_start_month"))
    return date(year, start_month, 1), date(year + 1, start_month, 1)


def _cell(n: int) -> dict:
    return {"count": n, "shown": n if n == 0 or n >= SUPPRESS_BELOW else None}


def year_figures(session: Session, year: int) -> dict:
    """For the sampling year ``year`` (from the sampling year's first month): each body's routine
    QA ratings by standard and overall (from the reports sent that year), and, for reviews that
    have an HMIP and an HMPPS rating (the second from a benchmarking exercise), the two side by
    side by standard. Counts come with ``shown`` (None below 5, for publication).

    The distribution is counted by the database (GROUP BY), so the cost does not grow with the
    year's reports; only the reviews that are in a revealed exercise are read one by one."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from sqlalchemy import func, literal, union_all

    from ..models.assessment import Assessment

    first, after = _year_bounds(session, year)
    london = ZoneInfo("Europe/London")
    lo, hi = (datetime.combine(d, time(), london).astimezone(UTC) for d in (first, after))
    framework = assessment.latest_framework()
    sids = list(framework.standard_ids())
    scale = list(ag.RATING_CODES)
    sent = select(QaReport.review_id).where(QaReport.sent_at >= lo, QaReport.sent_at < hi)
    done = (Review.id.in_(sent), Review.state.in_(list(BODY_OF_STATE)))
    fields = [(sid, Assessment.ratings[sid].as_string()) for sid in sids] + [("overall", Assessment.overall_rating)]
    parts = [select(Review.state, literal(fid), rating, func.count()).select_from(Assessment)
             .join(Review, Review.id == Assessment.review_id).where(*done).group_by(Review.state, rating)
             for fid, rating in fields]
    dist = {b: {k: Counter() for k in [*sids, "overall"]} for b in BODIES}
    for state, fid, rating, n in session.execute(union_all(*parts)):
        if rating is not None:
            dist[BODY_OF_STATE[state]][fid][rating] += n
    distribution = {b: {k: {rating: _cell(c[rating]) for rating in scale} for k, c in per.items()}
                    for b, per in dist.items()}
    totals = {b: sum(dist[b]["overall"].values()) for b in BODIES}
    # second ratings from benchmarking: the other body's raters, handed in, in revealed exercises
    rows = session.execute(select(BenchmarkRating, BenchmarkRater.body).join(
        BenchmarkExercise, BenchmarkExercise.id == BenchmarkRating.exercise_id).join(
        BenchmarkRater, (BenchmarkRater.exercise_id == BenchmarkRating.exercise_id)
        & (BenchmarkRater.user_id == BenchmarkRating.rater_id)).join(
        Review, Review.id == BenchmarkRating.review_id).where(
        BenchmarkExercise.status == REVEALED, BenchmarkRating.submitted_at.is_not(None), *done)).all()
    other: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for rating, body in rows:
        other[rating.review_id][body].append(rating.ratings)
    routine: dict[int, tuple[str, dict]] = {
        review_id: (BODY_OF_STATE[state], dict(ratings or {}))
        for review_id, state, ratings in session.execute(
            select(Assessment.review_id, Review.state, Assessment.ratings)
            .join(Review, Review.id == Assessment.review_id)
            .where(Assessment.review_id.in_(list(other) or [-1])))}
    compare = {sid: {"same": 0, "hmip_higher": 0, "hmpps_higher": 0} for sid in sids}
    pairs = []
    for review_id, (body, std) in routine.items():
        second_body = "hmpps" if body == "hmip" else "hmip"
        for second in other.get(review_id, {}).get(second_body, []):
            hmip, hmpps = (std, second) if body == "hmip" else (second, std)
            pairs.append({"review_id": review_id, "hmip": dict(hmip), "hmpps": dict(hmpps)})
            for sid in sids:
                if sid in hmip and sid in hmpps:
                    a, b = Rating.parse(hmip[sid]).score, Rating.parse(hmpps[sid]).score
                    compare[sid]["same" if a == b else "hmip_higher" if a > b else "hmpps_higher"] += 1
    return {
        "year": year, "from": first, "to": after, "bodies": BODIES, "ratings": scale, "standards": sids,
        "reports": totals, "distribution": distribution,
        "side_by_side": {"reviews": len({p["review_id"] for p in pairs}), "pairs": len(pairs),
                         "by_standard": {sid: {k: _cell(v) for k, v in c.items()} for sid, c in compare.items()}},
        "suppress_below": SUPPRESS_BELOW,
    }
