"""The sample decision at intake, purposive additions, the audit record, balance and replay.

At intake (an intake hook listed in ``wiring``) the review's region-year sampler state is locked, the pure design
(``sfoflow.sampling.design``) decides, and the new state, the decision record and the
lifecycle action ``sample`` are written in the intake transaction: the route is known the
moment the review is registered, and two intakes for one region can never both take (or both
miss) the last place in a run.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from .. import reference
from ..models import Review, User
from ..models.base import utcnow
from ..models.sampling import OffenceSamplerState, SampleDecision, SamplerState
from ..sampling import balance as balance_core
from ..sampling import replay as replay_core
from ..sampling import variation
from ..sampling.design import (
    ALGORITHM_VERSION,
    RegionState,
    change_rate,
    check_k,
    decide,
    sampling_year_of,
    uniform,
)
from ..workflows import lifecycle as lc
from ..working_days import london_today
from . import settings
from .context import settings_of
from .errors import Conflict, NotFound
from .lifecycle import apply_action

ROUTE_OF_STATE = {lc.SELECTED_FOR_HMIP: "hmip", lc.ROUTED_TO_HMPPS: "hmpps"}
# Shown to admins and in the audit export only: with them the next selection is predictable.
ADMIN_ONLY = ("arrival_order", "run_number", "run_position", "uniform", "threshold")


# --- the key and the year ----------------------------------------------------------------------

def sampling_key(session: Session | None = None) -> bytes:
    """The HMAC key: ``session.info["sampling_key"]`` if a caller set one, else the settings the
    session carries, else the environment (a script or test whose session carries none)."""
    settings = settings_of(session) if session is not None else None
    if session is not None and session.info.get("sampling_key"):
        raw = session.info["sampling_key"]
    elif settings is not None:
        raw = settings.sampling_key
    else:
        from ..config import from_env

        raw = from_env().sampling_key
    return raw if isinstance(raw, bytes) else raw.encode("utf-8")


def start_month(session: Session) -> int:
    value = settings.get(session, "sampling_year_start_month")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise Conflict(f"Reviews cannot be sampled: the setting for the month the sampling year starts must be a "
                       f"month from 1 to 12, not {value!r}. An admin can correct it in Settings.")
    return value


def sampling_year(session: Session, day: date) -> int:
    """The sampling year of a review: the year of its receipt, starting in the configured month."""
    return sampling_year_of(day, start_month(session))


def current_year(session: Session, today: date | None = None) -> int:
    return sampling_year(session, today or london_today())


def year_start(session: Session, year: int) -> date:
    return date(year, start_month(session), 1)


def rate_k(session: Session) -> int:
    value = settings.get(session, "sample_rate_k")
    try:
        return check_k(value)
    except ValueError as exc:
        raise Conflict(f"Reviews cannot be sampled: the sample rate setting is not valid ({exc}). An admin can "
                       f"correct it in Settings.") from None


# --- intake ------------------------------------------------------------------------------------

def _locked_state(session: Session, region: str, year: int) -> SamplerState:
    """The region-year state row, created if missing, locked until the transaction ends.

    The INSERT comes first: on SQLite it makes this transaction the writer before anything is
    read (a deferred reader that later writes can fail with "database is locked"); on
    PostgreSQL ON CONFLICT DO NOTHING waits for a concurrent creator instead of failing. A new
    row takes the rate setting as it is now.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(SamplerState)
        .values(region=region, sampling_year=year, k=rate_k(session), arrivals=0,
                run_has_selection=False, run_start=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["region", "sampling_year"])
    )
    return session.scalars(
        select(SamplerState)
        .where(SamplerState.region == region, SamplerState.sampling_year == year)
        .with_for_update()
        .execution_options(populate_existing=True)  # never trust a copy read before the lock
    ).one()


def lock_for_intake(session: Session, items) -> None:
    """Lock, in one fixed order, the region-year states a batch of (region, received_on) will use.

    A batch import that locks regions in file order can deadlock on PostgreSQL with another
    batch taking them in a different order; calling this first makes the order the same for all.
    """
    for region, year in sorted({(region, sampling_year(session, day)) for region, day in items}):
        _locked_state(session, region, year)


def lock_at_intake(session: Session, region: str, offence_category: str, received_on: date) -> None:
    """What one registration's draw will lock, locked before its review is written (the order
    ``bulk_intake`` takes them in for a batch: regions, then offence categories)."""
    lock_for_intake(session, [(region, received_on)])
    lock_categories_for_intake(session, [(offence_category, received_on)])


def variation_threshold(session: Session) -> int:
    value = settings.get(session, "offence_variation_threshold")
    try:
        return variation.check_threshold(value)
    except ValueError as exc:
        raise Conflict(f"Reviews cannot be sampled: the offence variation threshold setting is not valid ({exc}). "
                       f"An admin can correct it in Settings.") from None


def _locked_category(session: Session, category: str, year: int) -> OffenceSamplerState:
    """The offence category's year state row, created if missing, locked until the transaction
    ends (the same insert-then-lock pattern as ``_locked_state``)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(OffenceSamplerState)
        .values(offence_category=category, sampling_year=year, intake=0, in_sample=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["offence_category", "sampling_year"])
    )
    return session.scalars(
        select(OffenceSamplerState)
        .where(OffenceSamplerState.offence_category == category, OffenceSamplerState.sampling_year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def lock_categories_for_intake(session: Session, items) -> None:
    """Lock, in one fixed order, the category-year states a batch of (offence_category,
    received_on) will use (after ``lock_for_intake``), so two batches never deadlock."""
    for category, year in sorted({(category, sampling_year(session, day)) for category, day in items}):
        _locked_category(session, category, year)


def decide_at_intake(session: Session, review: Review, key: bytes) -> SampleDecision:
    """Decide a newly registered review's route and record why. The caller commits.

    First the random draw (``design``), then the offence variation rule (``variation``) on a
    review the draw did not take: a purposive addition, recorded with its reason and counted
    apart from the random sample."""
    year = sampling_year(session, review.received_on)
    state = _locked_state(session, review.region, year)
    category = _locked_category(session, review.offence_category, year)
    decision, added = decide_one(state, category, review.reference, year, key=key, rate=rate_k(session),
                                 threshold=variation_threshold(session))
    row = SampleDecision(review_id=review.id, region=review.region, offence_category=review.offence_category,
                         sampling_year=year, **decision_fields(state.k, decision, added, utcnow()))
    session.add(row)
    route = lc.SELECTED_FOR_HMIP if (decision.selected or added.added) else lc.ROUTED_TO_HMPPS
    apply_action(session, review, "sample", None, version=None,
                 data=sample_event_data(route, year, state.k, decision, added))
    return row


def decide_one(state: SamplerState, category: OffenceSamplerState, reference_: str, year: int, *,
               key: bytes, rate: int, threshold: int) -> tuple:
    """One review's draw against its locked region-year and category-year states, which it
    advances: a rate an admin changed applies from a run boundary; then the offence variation
    rule on a review the draw did not take. Shared by one registration and the bulk import."""
    current = RegionState(state.arrivals, state.run_has_selection, state.run_start)
    if rate != state.k and current.at_run_boundary(state.k):
        # an admin changed the rate: it applies from this review, which starts a new run
        current = change_rate(current, state.k, rate)
        state.k, state.run_start = rate, current.run_start
    decision, new_state = decide(current, uniform(key, reference_, year), state.k)
    state.arrivals, state.run_has_selection = new_state.arrivals, new_state.run_has_selection
    added, category_state = variation.decide_variation(
        variation.CategoryState(category.intake, category.in_sample), decision.selected, threshold,
        reference.offence_name(category.offence_category))
    category.intake, category.in_sample = category_state.intake, category_state.in_sample
    return decision, added


def decision_fields(k: int, decision, added, now) -> dict:
    """The columns of a sample decision (beyond the review, region, category and year): the same
    keys for every decision, so that a batch of them can be written by one bulk insert."""
    return dict(k=k, arrival_order=decision.arrival_order, run_number=decision.run_number,
                run_position=decision.run_position, uniform=decision.uniform, threshold=decision.threshold,
                selected=decision.selected, algorithm_version=decision.algorithm_version, decided_at=now,
                category_order=added.category_order, variation_threshold=added.threshold,
                purposive=bool(added.added), purposive_reason=added.reason if added.added else None,
                purposive_at=now if added.added else None, purposive_rule=variation.RULE if added.added else None)


def sample_event_data(route: str, year: int, k: int, decision, added) -> dict:
    """The "sample" audit event's details, seen by everyone who sees the review: nothing that
    reveals the run position (arrival order, run, uniform, threshold)."""
    data = {"route": route, "sampling_year": year, "k": k, "algorithm_version": decision.algorithm_version}
    if added.added:
        data.update(purposive=True, purposive_rule=variation.RULE, reason=added.reason)
    return data


def draw_at_intake(session: Session, review: Review, actor: User | None) -> None:
    decide_at_intake(session, review, sampling_key(session))


def set_route(session: Session, review: Review, actor, data: dict, decision: lc.Decision) -> None:
    review.route = ROUTE_OF_STATE[decision.to_state]


def add_on_purpose(session: Session, review: Review, actor: User, data: dict, decision: lc.Decision) -> None:
    """A manager's addition: marked purposive, kept out of the random sample's statistics."""
    row = session.scalar(select(SampleDecision).where(SampleDecision.review_id == review.id).with_for_update())
    if row is None:  # the review never went through the draw (e.g. registered before sampling)
        row = SampleDecision(review_id=review.id, region=review.region, offence_category=review.offence_category,
                             sampling_year=sampling_year(session, review.received_on))
        session.add(row)
    row.purposive = True
    row.purposive_reason = data["reason"]
    row.purposive_by_id = actor.id if actor else None
    row.purposive_at = utcnow()
    row.purposive_rule = variation.MANAGER
    review.route = "hmip"
    data["purposive"] = True


# --- reading decisions ---------------------------------------------------------------------------

def decision_for(session: Session, review: Review) -> SampleDecision:
    row = session.scalar(select(SampleDecision).where(SampleDecision.review_id == review.id)
                         .options(selectinload(SampleDecision.purposive_by)))
    if row is None:
        raise NotFound(f"{review.reference} has no sample decision")
    return row


def decision_view(row: SampleDecision, review: Review, viewer: User) -> dict:
    """The decision as ``viewer`` may see it: the run position only for admins."""
    view = {
        "review_id": review.id,
        "reference": review.reference,
        "region": {"code": row.region, "name": reference.region_name(row.region)},
        "offence_category": {"code": row.offence_category, "name": reference.offence_name(row.offence_category)},
        "sampling_year": row.sampling_year,
        "in_random_draw": row.is_random,
        "selected": row.selected,
        "in_hmip_sample": bool(row.selected) or row.purposive,
        "k": row.k,
        "algorithm_version": row.algorithm_version,
        "decided_at": row.decided_at,
        "purposive": row.purposive,
        "purposive_reason": row.purposive_reason,
        "purposive_by": row.purposive_by.email if row.purposive_by else None,
        "purposive_at": row.purposive_at,
        "purposive_rule": row.purposive_rule,
    }
    if viewer.role == lc.ADMIN:
        view.update({name: getattr(row, name) for name in ADMIN_ONLY})
    return view


EXPORT_FIELDS = ("review_id", "reference", "region", "offence_category", "sampling_year", "k", "arrival_order",
                 "run_number", "run_position", "uniform", "threshold", "selected", "algorithm_version",
                 "decided_at", "purposive", "purposive_reason", "purposive_by", "purposive_at", "state", "route",
                 "purposive_rule", "category_order", "variation_threshold")


def export_csv_name(year: int) -> str:
    return f"sample-decisions-{year}.csv"


def export_csv_rows(rows: list[dict]):
    """The export as CSV rows, the header first."""
    yield EXPORT_FIELDS
    for row in rows:
        # repr keeps every bit of the uniform (the replay compares exactly)
        yield tuple(repr(v) if isinstance(v, float) else "" if v is None else
                    v.isoformat() if hasattr(v, "isoformat") else v for v in (row.get(k) for k in EXPORT_FIELDS))


def export(session: Session, year: int) -> list[dict]:
    """The full audit export of a sampling year (admins): random draws by region and arrival
    order, then purposive-only additions."""
    rows = session.execute(
        select(SampleDecision, Review.reference, Review.state, Review.route)
        .join(Review, Review.id == SampleDecision.review_id)
        .where(SampleDecision.sampling_year == year)
        .options(selectinload(SampleDecision.purposive_by))
        .order_by(SampleDecision.arrival_order.is_(None), SampleDecision.region, SampleDecision.arrival_order,
                  SampleDecision.id)
    ).all()
    out = []
    for row, ref, state, route in rows:
        item = {name: getattr(row, name, None) for name in EXPORT_FIELDS}
        item.update(reference=ref, state=state, route=route,
                    purposive_by=row.purposive_by.email if row.purposive_by else None)
        out.append(item)
    return out


# --- balance -------------------------------------------------------------------------------------

def purposive_additions(year: int):
    """A year's purposive additions with their references: a few rows among the year's tens of
    thousands of decisions, found through their own partial index (models/sampling.py)."""
    return (select(SampleDecision, Review.reference)
            .join(Review, Review.id == SampleDecision.review_id)
            .where(SampleDecision.sampling_year == year, SampleDecision.purposive)
            .options(selectinload(SampleDecision.purposive_by))
            .order_by(SampleDecision.purposive_at, SampleDecision.id))


def balance(session: Session, year: int) -> dict:
    """Intake, selected, expected and difference by region and offence, with warnings; and the
    purposive additions listed on their own."""
    # Counted in SQL: one row per region, offence and rate, however many decisions the year holds.
    groups = [balance_core.DecisionCount(region, offence, k, intake, selected, purposive)
              for region, offence, k, intake, selected, purposive in session.execute(
                  select(SampleDecision.region, SampleDecision.offence_category, SampleDecision.k,
                         func.count().filter(SampleDecision.k.is_not(None)),
                         func.count().filter(and_(SampleDecision.k.is_not(None), SampleDecision.selected.is_(True))),
                         func.count().filter(SampleDecision.purposive.is_(True)))
                  .where(SampleDecision.sampling_year == year)
                  .group_by(SampleDecision.region, SampleDecision.offence_category, SampleDecision.k))]
    result = balance_core.compute_from_counts(groups, regions=list(reference.regions()),
                                              offences=list(reference.offence_categories()))

    def named(line, name_of):
        return {**line.as_dict(), "name": name_of(line.code)}

    purposive = session.execute(purposive_additions(year)).all()
    ks = sorted({g.k for g in groups if g.k is not None})
    return {
        "sampling_year": year,
        "from": year_start(session, year),
        "k": ks[0] if len(ks) == 1 else (ks or None),
        "warn_min_intake": balance_core.WARN_MIN_INTAKE,
        "by_region": [named(line, reference.region_name) for line in result.by_region],
        "by_offence": [named(line, reference.offence_name) for line in result.by_offence],
        "total": result.total.as_dict(),
        "warnings": [{**w, "name": reference.offence_name(w["offence_category"])} for w in result.warnings],
        "purposive": [
            {"review_id": d.review_id, "reference": ref,
             "region": {"code": d.region, "name": reference.region_name(d.region)},
             "offence_category": {"code": d.offence_category, "name": reference.offence_name(d.offence_category)},
             "reason": d.purposive_reason, "added_by": d.purposive_by.email if d.purposive_by else None,
             "rule": d.purposive_rule or variation.MANAGER,
             "added_at": d.purposive_at}
            for d, ref in purposive
        ],
    }


def _replay_variation(session: Session, result: replay_core.ReplayResult, year: int, rows) -> None:
    """Re-derive the offence variation additions of ``year`` from the stored random decisions,
    category by category, and check the stored category states."""
    by_category: dict[str, list[variation.StoredVariation]] = {}
    for d, ref in rows:
        if not d.is_random or d.category_order is None:  # decided before the rule, or purposive-only
            continue
        by_category.setdefault(d.offence_category, []).append(variation.StoredVariation(
            ref, d.offence_category, d.category_order, d.variation_threshold, bool(d.selected),
            d.purposive_rule == variation.RULE))
    states = {s.offence_category: s for s in
              session.scalars(select(OffenceSamplerState).where(OffenceSamplerState.sampling_year == year))}
    for category in sorted(by_category):
        differences, state = variation.replay_category(by_category[category])
        result.differences.extend(differences)
        stored = states.get(category)
        if stored is None or (stored.intake, stored.in_sample) != (state.intake, state.in_sample):
            result.differences.append(
                f"{category}: stored category state "
                f"{(stored.intake, stored.in_sample) if stored else 'missing'} differs from the replay "
                f"(intake {state.intake}, in sample {state.in_sample})")


def years(session: Session) -> list[int]:
    """Sampling years that have decisions, newest first, always including the current one."""
    # A loose index scan (one index probe per year) on ix_sample_decisions_sampling_year_region:
    # DISTINCT would read every decision of every year.
    found = set(session.scalars(text(
        "WITH RECURSIVE y(v) AS (SELECT min(sampling_year) FROM sample_decisions "
        "UNION ALL SELECT (SELECT min(sampling_year) FROM sample_decisions WHERE sampling_year > y.v) "
        "FROM y WHERE y.v IS NOT NULL) SELECT v FROM y WHERE v IS NOT NULL")))
    return sorted(found | {current_year(session)}, reverse=True)


# --- replay --------------------------------------------------------------------------------------

def replay(session: Session, year: int, key: bytes) -> replay_core.ReplayResult:
    """Recompute every random decision of ``year`` from the stored arrival order and ``key``,
    and check that routes and stored states agree; ``differences`` lists everything that does not."""
    rows = session.execute(
        select(SampleDecision, Review.reference, Review.route, Review.state)
        .join(Review, Review.id == SampleDecision.review_id)
        .where(SampleDecision.sampling_year == year)
    ).all()
    stored = [
        replay_core.StoredDecision(ref, d.region, d.offence_category, d.k, d.arrival_order, d.run_number,
                                   d.run_position, d.uniform, d.threshold, d.selected, d.algorithm_version)
        for d, ref, _route, _state in rows if d.is_random
    ]
    states = {s.region: replay_core.StoredState(s.k, s.arrivals, s.run_has_selection, s.run_start)
              for s in session.scalars(select(SamplerState).where(SamplerState.sampling_year == year))}
    result = replay_core.replay(stored, key, year, states)
    _replay_variation(session, result, year, [(d, ref) for d, ref, _route, _state in rows])
    for d, ref, route, _state in rows:
        expected = "hmip" if (d.selected or d.purposive) else "hmpps"
        if route != expected:
            result.differences.append(f"{d.region} {ref}: route is {route!r} but the decision says {expected!r}")
    start, end = year_start(session, year), year_start(session, year + 1)
    missing = session.scalars(
        select(Review.reference)
        .outerjoin(SampleDecision, SampleDecision.review_id == Review.id)
        .where(and_(Review.received_on >= start, Review.received_on < end), SampleDecision.id.is_(None))
        .order_by(Review.id)
    ).all()
    result.differences.extend(f"{ref}: received in sampling year {year} but has no sample decision" for ref in missing)
    return result


__all__ = ["ALGORITHM_VERSION", "balance", "current_year", "decide_at_intake", "decision_for", "decision_view",
           "export", "replay", "sampling_key", "sampling_year", "years"]
