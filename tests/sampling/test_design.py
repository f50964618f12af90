"""The stratified sample design (sfoflow.sampling.design / simulate).

Expectations are computed independently of the code under test: bounds from intake counts,
hash values from hmac/hashlib and the documented encoding, probabilities by exact counting or
by statistical tests against 1/k.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import math
import random
from collections import Counter, defaultdict
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sfoflow.sampling.design import (
    ALGORITHM_VERSION,
    Decision,
    RegionState,
    decide,
    sampling_year_of,
    uniform,
)
from sfoflow.sampling.simulate import (
    IntakeError,
    audit_record,
    format_selected,
    key_from_seed,
    read_intake_csv,
    simulate,
)

REGIONS = ["north_east", "wales", "london", "kss"]


def holm(pvalues):
    """Holm-adjusted p-values (same order as given)."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


class Tracker:
    """Independent bookkeeping of the invariants, fed one (region, decision) at a time."""

    def __init__(self, k):
        self.k = k
        self.intake = Counter()
        self.selected = Counter()
        self.run_selections = Counter()  # selections in the current run, per region

    def feed(self, region, d: Decision):
        k = self.k
        self.intake[region] += 1
        n = self.intake[region]
        # bookkeeping the decision must agree with
        assert d.arrival_order == n
        assert d.run_number == (n - 1) // k + 1
        assert d.run_position == (n - 1) % k
        assert d.algorithm_version == ALGORITHM_VERSION
        expected_threshold = 0.0 if self.run_selections[region] else 1 / (k - d.run_position)
        assert d.threshold == expected_threshold
        assert d.selected == (d.uniform < expected_threshold)
        if d.selected:
            self.selected[region] += 1
            self.run_selections[region] += 1
        if d.run_position == k - 1:  # a run is complete
            assert self.run_selections[region] == 1
            self.run_selections[region] = 0
        # after every arrival, every region is within one of intake/k
        for r in self.intake:
            s, i = self.selected[r], self.intake[r]
            assert i // k <= s <= -(-i // k), (r, s, i, k)
            assert abs(s - i / k) < 1


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    k=st.integers(2, 10),
    arrivals=st.lists(
        st.tuples(st.sampled_from(REGIONS), st.floats(0.0, 1.0, exclude_max=True)),
        max_size=120,
    ),
)
def test_cell_invariants_hold_for_any_uniforms(k, arrivals):
    tracker = Tracker(k)
    states: dict[str, RegionState] = {}
    for region, u in arrivals:
        d, states[region] = decide(states.get(region, RegionState()), u, k)
        assert d.uniform == u
        tracker.feed(region, d)


references = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(
    k=st.integers(2, 10),
    rows=st.lists(
        st.tuples(references, st.sampled_from(REGIONS), st.sampled_from(["homicide", "rape", "arson"])),
        max_size=150,
        unique_by=lambda row: row[0].strip(),
    ),
    seed=st.integers(0, 2**32),
    year=st.integers(2000, 2100),
)
def test_cell_invariants_hold_through_simulate(k, rows, seed, year):
    results = simulate(rows, key_from_seed(seed), k=k, sampling_year=year)
    assert [row for row, _ in results] == rows
    tracker = Tracker(k)
    for (reference, region, _), d in results:
        assert d.uniform == uniform(key_from_seed(seed), reference, year)
        tracker.feed(region, d)


@pytest.mark.parametrize("k", range(1, 11))
def test_each_position_selected_with_probability_exactly_one_in_k(k):
    """Exact: u on a grid where every threshold 1/m (m <= k) is a grid boundary.

    Each grid cell [i/L, (i+1)/L) has constant comparisons u < 1/m, so counting cell
    midpoints gives the exact probability of each outcome of decide().
    """
    L = math.lcm(*range(1, k + 1))
    grid = [(i + 0.5) / L for i in range(L)]
    p_open = Fraction(1)  # P(run has no selection before position j)
    state_open, state_closed = RegionState(0, False), None
    for j in range(k):
        hits = 0
        for u in grid:
            d, _ = decide(state_open, u, k)
            hits += d.selected
        p_here = p_open * Fraction(hits, L)
        assert p_here == Fraction(1, k), (k, j)
        if state_closed is not None:  # once selected, nothing more in the run
            assert not any(decide(state_closed, u, k)[0].selected for u in grid)
        p_open -= p_here
        state_open = RegionState(j + 1, False)
        state_closed = RegionState(j + 1, True) if j + 1 < k else None
    assert p_open == 0


# --------------------------------------------------------------------------------------
# decide(): edges and validation
# --------------------------------------------------------------------------------------


def test_last_position_of_unselected_run_is_always_selected():
    state = RegionState()
    for _ in range(4):
        d, state = decide(state, 0.999999, 5)
        assert not d.selected
    d, state = decide(state, 1 - 2**-53, 5)
    assert d.threshold == 1.0 and d.selected and d.run_position == 4
    assert state == RegionState(5, False)  # next run starts clean


def test_after_selection_rest_of_run_has_threshold_zero():
    d, state = decide(RegionState(), 0.0, 5)
    assert d.selected and d.threshold == 0.2
    for j in range(1, 5):
        d, state = decide(state, 0.0, 5)
        assert d.threshold == 0.0 and not d.selected and d.run_position == j
    d, state = decide(state, 0.0, 5)
    assert d.run_number == 2 and d.run_position == 0 and d.selected


def test_k_one_selects_everything():
    state = RegionState()
    for n in range(1, 8):
        d, state = decide(state, 0.75, 1)
        assert d.selected and d.run_number == n and d.run_position == 0


@pytest.mark.parametrize("k", [0, -1, 2.5, "5", True, None])
def test_bad_k_is_refused(k):
    with pytest.raises(ValueError, match="k >= 1"):
        decide(RegionState(), 0.5, k)
    with pytest.raises(ValueError, match="k >= 1"):
        simulate([("A", "wales", "homicide")], b"key", k=k)


@pytest.mark.parametrize("u", [-0.1, 1.0, 1.5, float("nan"), 0, "0.5"])
def test_bad_u_is_refused(u):
    with pytest.raises(ValueError, match="u must be"):
        decide(RegionState(), u, 5)


def test_inconsistent_state_is_refused():
    with pytest.raises(ValueError, match="invalid region state"):
        decide(RegionState(arrivals=5, run_has_selection=True), 0.5, 5)
    with pytest.raises(ValueError, match="invalid region state"):
        decide(RegionState(arrivals=-1), 0.5, 5)


def test_state_and_decision_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RegionState().arrivals = 3
    d, _ = decide(RegionState(), 0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.selected = True


# --------------------------------------------------------------------------------------
# uniform()
# --------------------------------------------------------------------------------------


def reference_uniform(key: bytes, reference: str, year: int) -> float:
    """Straight from the documented encoding."""
    message = (str(year) + ":" + reference.strip()).encode("utf-8")
    top64 = int(hmac.new(key, message, hashlib.sha256).hexdigest()[:16], 16)
    return (top64 >> 11) * 2.0**-53


def test_uniform_known_answer():
    key = b"test-key"
    assert uniform(key, "SFO-2025-0001", 2025) == reference_uniform(key, "SFO-2025-0001", 2025)
    # pinned so any change to the encoding is noticed (and must bump ALGORITHM_VERSION)
    assert uniform(key, "SFO-2025-0001", 2025) == 0.8732439430714563
    assert uniform(key, "  SFO-2025-0001\t\n", 2025) == uniform(key, "SFO-2025-0001", 2025)
    assert uniform(b"k", "Réf/ü 7", 1999) == reference_uniform(b"k", "Réf/ü 7", 1999)


@settings(max_examples=300, deadline=None)
@given(key=st.binary(min_size=1, max_size=64), reference=references, year=st.integers(1900, 2200))
def test_uniform_matches_documented_encoding(key, reference, year):
    u = uniform(key, reference, year)
    assert 0.0 <= u < 1.0
    assert u == reference_uniform(key, reference, year)
    assert u == uniform(key, reference, year)
    assert (u * 2**53).is_integer()


def test_uniform_changes_with_key_reference_and_year():
    base = uniform(b"key-a", "SFO-1", 2024)
    assert uniform(b"key-b", "SFO-1", 2024) != base
    assert uniform(b"key-a", "SFO-2", 2024) != base
    assert uniform(b"key-a", "sfo-1", 2024) != base  # case is kept
    assert uniform(b"key-a", "SFO-1", 2025) != base


def test_uniform_is_uniform():
    us = [uniform(b"ks-test", f"SFO-{i}", 2025) for i in range(20000)]
    assert stats.kstest(us, "uniform").pvalue > 0.001


def test_uniform_refuses_empty_key_and_reference():
    with pytest.raises(ValueError):
        uniform(b"", "SFO-1", 2025)
    with pytest.raises(ValueError):
        uniform(b"k", "   ", 2025)


def test_key_from_seed_is_documented_sha256():
    assert key_from_seed(7) == hashlib.sha256(b"sfoflow-simulation-seed:7").digest()
    assert key_from_seed(7) != key_from_seed(8)


# --------------------------------------------------------------------------------------
# sampling_year_of()
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, start, year",
    [
        (date(2025, 3, 31), 4, 2024),
        (date(2025, 4, 1), 4, 2025),
        (date(2025, 1, 1), 4, 2024),
        (date(2024, 12, 31), 4, 2024),
        (date(2024, 12, 31), 1, 2024),
        (date(2025, 1, 1), 1, 2025),
        (date(2025, 9, 30), 10, 2024),
        (date(2025, 10, 1), 10, 2025),
        (date(2024, 2, 29), 4, 2023),
    ],
)
def test_sampling_year_boundaries(d, start, year):
    assert sampling_year_of(d, start) == year


def test_sampling_year_default_is_april():
    assert sampling_year_of(date(2025, 3, 31)) == 2024
    assert sampling_year_of(date(2025, 4, 1)) == 2025


@pytest.mark.parametrize("start", [0, 13, -4, 4.0])
def test_sampling_year_bad_start_month(start):
    with pytest.raises(ValueError, match="start_month"):
        sampling_year_of(date(2025, 4, 1), start)


# --------------------------------------------------------------------------------------
# replay
# --------------------------------------------------------------------------------------


def stream(n=300, seed=11):
    rng = random.Random(seed)
    return [(f"SFO/{2025}/{i:04d}", rng.choice(REGIONS), rng.choice(["homicide", "rape", "arson"])) for i in range(n)]


def dump(results) -> bytes:
    return json.dumps([audit_record(row, d) for row, d in results]).encode()


def test_replay_is_byte_identical_and_key_matters():
    rows = stream()
    first = simulate(rows, key_from_seed(1))
    second = simulate(list(rows), key_from_seed(1))
    assert first == second
    assert dump(first) == dump(second)
    other = simulate(rows, key_from_seed(2))
    assert dump(other) != dump(first)
    assert all(a.uniform != b.uniform for (_, a), (_, b) in zip(first, other, strict=True))
    assert format_selected(other) != format_selected(first)
    assert simulate(rows, key_from_seed(1), sampling_year=2026) != first


def test_replay_from_stored_state_matches_one_pass():
    """The service stores RegionState between arrivals; a round trip through plain values
    (as a database row would) must not change anything."""
    rows = stream()
    key = key_from_seed(3)
    one_pass = simulate(rows, key)
    stored: dict[str, dict] = {}
    for (row, expected) in one_pass:
        reference, region, _ = row
        state = RegionState(**stored[region]) if region in stored else RegionState()
        d, new_state = decide(state, uniform(key, reference, 2025))
        stored[region] = json.loads(json.dumps(dataclasses.asdict(new_state)))
        assert d == expected


def test_format_selected_and_audit_record():
    rows = [(" A1 ", "wales", "homicide")] + [(f"A{i}", "wales", "rape") for i in range(2, 11)]
    results = simulate(rows, key_from_seed(5))
    selected = format_selected(results)
    assert selected == [row[0].strip() for row, d in results if d.selected]
    assert len(selected) == 2  # two complete runs of five in one region
    rec = audit_record(*results[0])
    assert rec["reference"] == "A1"
    assert set(rec) == {
        "reference", "region", "offence_category", "arrival_order", "run_number",
        "run_position", "uniform", "threshold", "selected", "algorithm_version",
    }


def test_simulate_rejects_duplicate_references():
    with pytest.raises(ValueError, match="duplicate reference 'X1'"):
        simulate([("X1", "wales", "rape"), (" X1", "london", "rape")], b"k")


# --------------------------------------------------------------------------------------
# read_intake_csv()
# --------------------------------------------------------------------------------------


def write(tmp_path, text, name="intake.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def test_read_intake_csv_good(tmp_path):
    p = write(tmp_path, "\ufeffregion, reference ,offence_category\r\n"
                        "wales, SFO-1 ,rape\r\n\r\nlondon,SFO-2,homicide\r\n")
    rows = read_intake_csv(p)
    assert rows == [("SFO-1", "wales", "rape"), ("SFO-2", "london", "homicide")]
    assert rows[0].reference == "SFO-1"
    assert len(simulate(rows, b"k")) == 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("reference,region,offence_category\nA,wales,rape\nB,,rape\n", r"line 3: field 'region' is empty"),
        ("reference,region,offence_category\nA,wales\n", r"line 2: expected 3 fields, got 2"),
        ("reference,region,offence_category\nA,wales,rape\nB,wales,rape\nA ,london,arson\n",
         r"line 4: field 'reference': duplicate reference 'A' \(first on line 2\)"),
        ("reference,region\nA,wales\n", r"line 1: header: missing column\(s\) offence_category"),
        ("reference,region,offence_category,notes\n", r"unknown column\(s\) 'notes'"),
        ("", r"empty file"),
    ],
)
def test_read_intake_csv_errors(tmp_path, text, message):
    with pytest.raises(IntakeError, match=message):
        read_intake_csv(write(tmp_path, text))


# --------------------------------------------------------------------------------------
# short simulation: frequencies, positions, offence independence
# --------------------------------------------------------------------------------------

K = 5
REPLICATES = 1200


def skewed_stream():
    """Fixed stream: six regions of very different sizes, offence types clustered in time."""
    rng = random.Random(20250401)
    sizes = {"big": 60, "mid": 35, "smallish": 25, "small": 15, "tiny": 10, "wee": 6}
    regions = [r for r, n in sizes.items() for _ in range(n)]
    rng.shuffle(regions)
    phases = ["homicide", "rape", "arson", "violence"]  # dominant type per quarter of the year
    rows = []
    for i, region in enumerate(regions):
        dominant = phases[i * len(phases) // len(regions)]
        offence = dominant if rng.random() < 0.75 else rng.choice(phases)
        rows.append((f"SFO-{i:04d}", region, offence))
    return rows


@pytest.fixture(scope="module")
def replicated():
    rows = skewed_stream()
    intake = Counter(region for _, region, _ in rows)
    complete = {region: n - n % K for region, n in intake.items()}  # arrivals in complete runs
    per_review = [0] * len(rows)
    positions = Counter()  # run position of the selection, over complete runs
    naive_positions = Counter()  # negative control: select at 1/k, force the last; same uniforms
    for r in range(REPLICATES):
        naive_open: dict[str, bool] = {}
        for i, ((_, region, _), d) in enumerate(simulate(rows, key_from_seed(r), k=K)):
            per_review[i] += d.selected
            in_complete_run = d.arrival_order <= complete[region]
            if d.selected and in_complete_run:
                positions[d.run_position] += 1
            if d.run_position == 0:
                naive_open[region] = True
            if naive_open[region] and (d.uniform < 1 / K or d.run_position == K - 1):
                naive_open[region] = False
                if in_complete_run:
                    naive_positions[d.run_position] += 1
    return rows, per_review, positions, naive_positions


def test_each_review_selected_one_time_in_five(replicated):
    rows, per_review, _, _ = replicated
    total = sum(per_review)
    # overall rate: each replicate selects between floor and ceil of n/5 per region
    assert abs(total / (REPLICATES * len(rows)) - 1 / K) < 0.01
    pvalues = [stats.binomtest(c, REPLICATES, 1 / K).pvalue for c in per_review]
    assert min(holm(pvalues)) > 0.01


def test_selected_position_within_run_is_uniform(replicated):
    _, _, positions, naive_positions = replicated
    counts = [positions[j] for j in range(K)]
    assert stats.chisquare(counts).pvalue > 0.01
    # the same test must reject a plausible wrong rule (select at 1/k, force the last)
    naive = [naive_positions[j] for j in range(K)]
    assert stats.chisquare(naive).pvalue < 1e-6


def test_selection_independent_of_offence_within_region(replicated):
    rows, per_review, _, _ = replicated
    by_region: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (_, region, offence), count in zip(rows, per_review, strict=True):
        cell = by_region[region][offence]
        cell[0] += count
        cell[1] += REPLICATES - count
    pvalues = []
    for table in by_region.values():
        if len(table) < 2:
            continue
        pvalues.append(stats.chi2_contingency(list(table.values())).pvalue)
    assert len(pvalues) >= 5
    assert min(holm(pvalues)) > 0.01
