"""Long simulation of the cell sample design over many replicate sampling years.

One fixed, skewed intake stream (12 regions of very different sizes, 8 offence categories
whose mix drifts through the year) is replayed with replicate r keyed by key_from_seed(r).
Prints: overall rate, sample size per year, per-review selection frequency and binomial
p-values (Holm-corrected), position-within-run chi-square, offence independence within
region, the largest deviation of any region's selected count from intake/k at any moment,
and the runtime. Then a skewed year (one offence category rare) with the offence variation
rule (sfoflow/sampling/variation.py): the random sample's rate and per-region guarantee, every
category at or above the threshold covered, and the purposive additions counted apart.

    .venv/bin/python benchmarks/sampling_simulation.py [--years N] [--k K] [--reviews N] [--first-seed S]
        [--threshold T] [--skewed-years N]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scipy import stats  # noqa: E402

from sfoflow.sampling.design import ALGORITHM_VERSION  # noqa: E402
from sfoflow.sampling.simulate import key_from_seed, simulate  # noqa: E402
from sfoflow.sampling.variation import RULE_VERSION, simulate_variation  # noqa: E402

REGION_WEIGHTS = [80, 64, 55, 48, 42, 38, 34, 30, 28, 25, 20, 16]  # sums to 480
OFFENCES = [
    ("homicide", 10), ("attempted_murder", 6), ("other_serious_violence", 30),
    ("rape_serious_sexual", 25), ("sexual_offences_children", 12), ("arson_endangering_life", 7),
    ("kidnapping_abduction", 4), ("other_qualifying", 6),
]


def intake_stream(n_reviews: int, seed: int = 20250401) -> list[tuple[str, str, str]]:
    """A fixed year's intake: regions in proportion to REGION_WEIGHTS, shuffled; offence mix
    drifting through the year (each quarter favours two categories)."""
    rng = random.Random(seed)
    total = sum(REGION_WEIGHTS)
    counts = [round(n_reviews * w / total) for w in REGION_WEIGHTS]
    counts[0] += n_reviews - sum(counts)
    regions = [f"region_{i + 1:02d}" for i, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(regions)
    names = [o for o, _ in OFFENCES]
    base = [w for _, w in OFFENCES]
    rows = []
    for i, region in enumerate(regions):
        quarter = 4 * i // len(regions)
        weights = [w * (6 if j in (2 * quarter, 2 * quarter + 1) else 1) for j, w in enumerate(base)]
        rows.append((f"SFO/{i + 1:04d}", region, rng.choices(names, weights)[0]))
    return rows


# A skewed year: kidnapping is rare (about 1% of intake), arson uncommon.
SKEWED_OFFENCES = [
    ("homicide", 12), ("attempted_murder", 8), ("other_serious_violence", 34),
    ("rape_serious_sexual", 26), ("sexual_offences_children", 12), ("arson_endangering_life", 3),
    ("kidnapping_abduction", 1), ("other_qualifying", 4),
]


def skewed_stream(n_reviews: int, seed: int = 20250402) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    total = sum(REGION_WEIGHTS)
    counts = [round(n_reviews * w / total) for w in REGION_WEIGHTS]
    counts[0] += n_reviews - sum(counts)
    regions = [f"region_{i + 1:02d}" for i, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(regions)
    names, weights = [o for o, _ in SKEWED_OFFENCES], [w for _, w in SKEWED_OFFENCES]
    return [(f"SKW/{i + 1:04d}", region, rng.choices(names, weights)[0]) for i, region in enumerate(regions)]


def skewed_year(n_reviews: int, k: int, threshold: int, years: int, first_seed: int) -> bool:
    """The offence variation rule on a skewed year; True when every check holds."""
    rows = skewed_stream(n_reviews)
    intake_off = Counter(o for _, _, o in rows)
    intake_reg = Counter(r for _, r, _ in rows)
    eligible = sorted(o for o, n in intake_off.items() if n >= threshold)
    random_total = added_total = 0
    added_per_year, uncovered_without, uncovered_with = [], 0, 0
    covered_years = Counter()
    worst_dev = 0.0
    added_by_offence = Counter()
    for r in range(years):
        results = simulate(rows, key_from_seed(first_seed + r), k=k)
        variation = simulate_variation(((o, d.selected) for (_, _, o), d in results), threshold)
        drawn, in_sample, so_far = Counter(), Counter(), Counter()
        added = 0
        for ((_, region, offence), d), v in zip(results, variation, strict=True):
            if d.selected:
                drawn[offence] += 1
                so_far[region] += 1
            if d.selected or v.added:
                in_sample[offence] += 1
            if v.added:
                added += 1
                added_by_offence[offence] += 1
            worst_dev = max(worst_dev, abs(so_far[region] - d.arrival_order / k))
        random_total += sum(drawn.values())
        added_total += added
        added_per_year.append(added)
        uncovered_without += any(drawn[o] == 0 for o in eligible)
        missing = [o for o in eligible if in_sample[o] == 0]
        uncovered_with += bool(missing)
        for o in eligible:
            covered_years[o] += in_sample[o] > 0
    n = len(rows)
    print()
    print(f"skewed year with offence variation ({RULE_VERSION}, threshold {threshold}): {years} replicate "
          f"years x {n} reviews; intake by category: "
          + ", ".join(f"{o} {intake_off[o]}" for o, _ in SKEWED_OFFENCES))
    print(f"random sample rate                {random_total / (years * n):.5f}  (target {1 / k:.5f}; additions "
          "not counted)")
    print(f"random sample per-region guarantee max |selected - intake/k| {worst_dev:.2f} over "
          f"{len(intake_reg)} regions ({'within one' if worst_dev < 1 else 'EXCEEDS ONE'})")
    print(f"purposive additions per year      min {min(added_per_year)}  mean {added_total / years:.2f}  "
          f"max {max(added_per_year)}  (counted apart; by category: "
          + ", ".join(f"{o} {added_by_offence[o]}" for o, _ in SKEWED_OFFENCES if added_by_offence[o]) + ")")
    print(f"categories at or above threshold  {len(eligible)}: " + ", ".join(eligible))
    print(f"years with such a category not covered: random draw alone {uncovered_without}/{years}; "
          f"with the rule {uncovered_with}/{years}")
    print("years covered, per category       " + ", ".join(f"{o} {covered_years[o]}/{years}" for o in eligible))
    return uncovered_with == 0 and worst_dev < 1


def holm(pvalues):
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=2000, help="replicate sampling years (default 2000)")
    ap.add_argument("--reviews", type=int, default=480, help="reviews per year (default 480)")
    ap.add_argument("--k", type=int, default=5, help="sampling rate 1/k (default 5)")
    ap.add_argument("--first-seed", type=int, default=0, help="replicate r uses key_from_seed(first_seed + r)")
    ap.add_argument("--threshold", type=int, default=5, help="offence variation threshold for the skewed year")
    ap.add_argument("--skewed-years", type=int, default=500, help="replicate years of the skewed simulation")
    args = ap.parse_args(argv)
    k, years = args.k, args.years

    rows = intake_stream(args.reviews)
    intake = Counter(region for _, region, _ in rows)
    complete = {r: n - n % k for r, n in intake.items()}

    t0 = time.perf_counter()
    per_review = [0] * len(rows)
    positions = Counter()
    per_year_total = []
    per_region_year = defaultdict(list)
    max_dev = defaultdict(float)  # region -> max over moments of |selected - intake/k|
    for r in range(years):
        results = simulate(rows, key_from_seed(args.first_seed + r), k=k)
        selected_so_far = Counter()
        year_total = 0
        for i, ((_, region, _), d) in enumerate(results):
            if d.selected:
                per_review[i] += 1
                selected_so_far[region] += 1
                year_total += 1
                if d.arrival_order <= complete[region]:
                    positions[d.run_position] += 1
            dev = abs(selected_so_far[region] - d.arrival_order / k)
            if dev > max_dev[region]:
                max_dev[region] = dev
        per_year_total.append(year_total)
        for region in intake:
            per_region_year[region].append(selected_so_far[region])
    sim_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    n = len(rows)
    freqs = [c / years for c in per_review]
    pvals = [stats.binomtest(c, years, 1 / k).pvalue for c in per_review]
    holm_p = holm(pvals)
    # omnibus: are the per-review counts more spread than Binomial(years, 1/k)? (df = n)
    dispersion = sum((c - years / k) ** 2 for c in per_review) / (years * (1 / k) * (1 - 1 / k))
    dispersion_p = stats.chi2.sf(dispersion, n)
    pos_counts = [positions[j] for j in range(k)]
    pos_test = stats.chisquare(pos_counts)

    by_region = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    sample_mix, intake_mix = Counter(), Counter()
    for (_, region, offence), c in zip(rows, per_review, strict=True):
        by_region[region][offence][0] += c
        by_region[region][offence][1] += years - c
        sample_mix[offence] += c
        intake_mix[offence] += years
    off_p = {}
    for region, table in sorted(by_region.items()):
        if len(table) >= 2:
            off_p[region] = stats.chi2_contingency(list(table.values())).pvalue
    off_holm = dict(zip(off_p, holm(list(off_p.values())), strict=True))
    stats_seconds = time.perf_counter() - t1

    print(f"algorithm {ALGORITHM_VERSION}; k={k} (rate {1 / k:.1%}); {years} replicate years "
          f"(keys from seeds {args.first_seed}..{args.first_seed + years - 1}) x {n} reviews "
          f"in {len(intake)} regions = {years * n:,} decisions")
    print(f"overall selection rate          {sum(per_review) / (years * n):.5f}  (target {1 / k:.5f})")
    print(f"selected per year               min {min(per_year_total)}  mean "
          f"{sum(per_year_total) / years:.2f}  max {max(per_year_total)}  (intake/k = {n / k:.1f})")
    print(f"per-review frequency            min {min(freqs):.4f}  max {max(freqs):.4f}  "
          f"(binomial 99.9% range for one review ~ {stats.binom.ppf(0.0005, years, 1 / k) / years:.4f}"
          f"..{stats.binom.ppf(0.9995, years, 1 / k) / years:.4f})")
    print(f"per-review binomial test        smallest raw p {min(pvals):.4g}; smallest Holm-corrected p "
          f"{min(holm_p):.4g}; raw p<0.05 for {sum(p < 0.05 for p in pvals)}/{n} "
          f"(~{0.05 * n:.0f} expected by chance)")
    print(f"per-review dispersion (omnibus) chi-square {dispersion:.1f} (df {n}), p = {dispersion_p:.4g}")
    print(f"position in run (complete runs) counts {pos_counts}; chi-square {pos_test.statistic:.2f} "
          f"(df {k - 1}), p = {pos_test.pvalue:.4g}")
    print(f"offence independence by region  smallest raw p {min(off_p.values()):.4g}; "
          f"smallest Holm-corrected p {min(off_holm.values()):.4g} ({len(off_p)} regions, chi-square)")
    print("sample vs intake offence mix    " + "; ".join(
        f"{o} {sample_mix[o] / sum(sample_mix.values()):.3f}/{intake_mix[o] / sum(intake_mix.values()):.3f}"
        for o, _ in OFFENCES if intake_mix[o]))
    print("per region: intake, selected per year (min-max), max |selected - intake/k| at any moment, "
          "offence p (raw)")
    for region in sorted(intake):
        sel = per_region_year[region]
        print(f"  {region}  intake {intake[region]:3d}  selected {min(sel)}-{max(sel)} "
              f"(intake/k {intake[region] / k:.1f})  max deviation {max_dev[region]:.2f}  "
              f"offence p {off_p.get(region, float('nan')):.3g}")
    worst = max(max_dev.values())
    print(f"max deviation from intake/k, any region, any moment: {worst:.2f} reviews "
          f"({'within one' if worst < 1 else 'EXCEEDS ONE'})")
    print(f"runtime: simulation {sim_seconds:.2f}s ({sim_seconds / (years * n) * 1e6:.2f} us/decision), "
          f"statistics {stats_seconds:.2f}s")
    skewed_ok = skewed_year(args.reviews, k, args.threshold, args.skewed_years, args.first_seed)
    return 0 if worst < 1 and skewed_ok else 1


if __name__ == "__main__":
    sys.exit(main())
