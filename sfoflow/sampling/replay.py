"""Re-derive a sampling year's stored decisions and list every difference.

Pure: the service loads the stored decisions (and the stored region states) and hands them
here. Each region's decisions are replayed in stored arrival order from an empty state with the
key, exactly as intake made them; any field that differs, any gap in the arrival order, a rate
that changed inside a run, or a stored state that does not match the replay is reported.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .design import ALGORITHM_VERSION, Decision, RegionState, change_rate, decide, uniform
from .simulate import audit_record

COMPARED = ("arrival_order", "run_number", "run_position", "uniform", "threshold", "selected", "algorithm_version")


class StoredDecision(NamedTuple):
    reference: str
    region: str
    offence_category: str
    k: int
    arrival_order: int
    run_number: int
    run_position: int
    uniform: float
    threshold: float
    selected: bool
    algorithm_version: str

    def as_decision(self) -> Decision:
        return Decision(self.arrival_order, self.run_number, self.run_position, self.uniform, self.threshold,
                        self.selected, self.algorithm_version)


class StoredState(NamedTuple):
    k: int
    arrivals: int
    run_has_selection: bool
    run_start: int = 0


@dataclass
class ReplayResult:
    sampling_year: int
    checked: int = 0
    stored: list[dict] = field(default_factory=list)  # audit records as stored
    replayed: list[dict] = field(default_factory=list)  # audit records as re-derived
    differences: list[str] = field(default_factory=list)


def record(row: tuple[str, str, str], decision: Decision, k: int, sampling_year: int) -> dict:
    """One decision's audit record with the year and rate it was drawn under."""
    return {"sampling_year": sampling_year, "k": k, **audit_record(row, decision)}


def replay(stored: Iterable[StoredDecision], key: bytes, sampling_year: int,
           states: Mapping[str, StoredState] | None = None) -> ReplayResult:
    result = ReplayResult(sampling_year)
    by_region: dict[str, list[StoredDecision]] = defaultdict(list)
    for row in stored:
        by_region[row.region].append(row)
    for region in sorted(by_region):
        rows = sorted(by_region[region], key=lambda r: r.arrival_order)
        if states is not None and region not in states:
            result.differences.append(f"{region}: decisions are stored but the region has no sampler state")
        _replay_region(result, region, rows, key, sampling_year, (states or {}).get(region))
    for region in sorted(set(states or {}) - set(by_region)):
        if states[region].arrivals:
            result.differences.append(f"{region}: the stored state counts {states[region].arrivals} arrivals "
                                      "but there are no decisions")
    return result


def _replay_region(result: ReplayResult, region: str, rows: list[StoredDecision], key: bytes, year: int,
                   stored_state: StoredState | None) -> None:
    orders = [r.arrival_order for r in rows]
    if orders != list(range(1, len(rows) + 1)):
        result.differences.append(f"{region}: arrival orders are not 1..{len(rows)} without gaps or repeats "
                                  f"(found {_ranges(orders)})")
    if stored_state is not None and rows and rows[-1].k != stored_state.k:
        result.differences.append(f"{region}: the last decision was at k = {rows[-1].k} but the stored "
                                  f"state says k = {stored_state.k}")
    state = RegionState()
    k = rows[0].k if rows else None
    for row in rows:
        label = f"{region} arrival {row.arrival_order} ({row.reference})"
        if row.k != k:  # a rate change: allowed only at a run boundary
            try:
                state = change_rate(state, k, row.k)
            except ValueError as exc:
                result.differences.append(f"{label}: the rate changed from k = {k} to k = {row.k}, "
                                          f"which {exc}")
                return
            k = row.k
        if row.algorithm_version != ALGORITHM_VERSION:
            result.differences.append(f"{label}: decided by algorithm {row.algorithm_version!r}; this sfoflow "
                                      f"replays {ALGORITHM_VERSION!r}")
        try:
            decision, state = decide(state, uniform(key, row.reference, year), row.k)
        except ValueError as exc:
            result.differences.append(f"{label}: cannot replay: {exc}")
            return
        stored = row.as_decision()
        for name in COMPARED:
            mine, theirs = getattr(decision, name), getattr(stored, name)
            if mine != theirs:
                result.differences.append(f"{label}: {name} stored {theirs!r}, replayed {mine!r}")
        triple = (row.reference, row.region, row.offence_category)
        result.stored.append(record(triple, stored, row.k, year))
        result.replayed.append(record(triple, decision, row.k, year))
        result.checked += 1
    if stored_state is not None and (stored_state.arrivals, stored_state.run_has_selection,
                                     stored_state.run_start) != (state.arrivals, state.run_has_selection,
                                                                 state.run_start):
        result.differences.append(
            f"{region}: stored state (arrivals {stored_state.arrivals}, run has selection "
            f"{stored_state.run_has_selection}, rate from arrival {stored_state.run_start + 1}) differs from "
            f"the replay (arrivals {state.arrivals}, run has selection {state.run_has_selection}, rate from "
            f"arrival {state.run_start + 1})")


def _ranges(orders: list[int]) -> str:
    shown = ", ".join(map(str, orders[:20]))
    return shown + (f", ... ({len(orders)} in all)" if len(orders) > 20 else "")
