"""Long simulation of the cell sample design over many replicate sampling years.

One fixed, skewed intake stream (12 regions of very different sizes, 8 offence categories
whose mix drifts through the year) is replayed with replicate r keyed by key_from_seed(r).
Prints: overall rate, sample size per year, per-review selection frequency and binomial
p-values (Holm-corrected), position-within-run chi-square, offence independence within
region, the largest deviation of any region's selected count from intake/k at any moment,
and the runtime.

    .venv/bin/python benchmarks/sampling_simulation.py [--years N] [--k K] [--reviews N] [--first-seed S]
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
    return 0 if worst < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
