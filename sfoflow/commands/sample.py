"""sample replay (re-derive a year's decisions from the database) and sample simulate (no database)."""
from __future__ import annotations

import sys

import click

from . import app_session


@click.group(help="The HMIP sample: replay a year's decisions, or simulate the design on a CSV.")
def sample() -> None:
    pass


@sample.command("replay", help="Recompute every decision of sampling year YEAR from the stored arrival order and "
                               "the sampling key (SFOFLOW_SAMPLING_KEY); list any difference. Exits 1 if there is one.")
@click.option("--year", type=click.IntRange(2000, 2100), required=True,
              help="Sampling year, named by the year it starts in (2025 = April 2025 to March 2026 by default).")
def replay(year: int) -> None:
    from ..services import sampling as svc

    with app_session() as (_app, session):
        result = svc.replay(session, year, svc.sampling_key(session))
    selected = sum(1 for r in result.replayed if r["selected"])
    regions = len({r["region"] for r in result.replayed})
    click.echo(f"sampling year {year}: replayed {result.checked} decision(s) in {regions} region(s), "
               f"{selected} selected at random")
    if result.differences:
        click.echo(f"{len(result.differences)} difference(s):", err=True)
        for line in result.differences:
            click.echo(f"  {line}", err=True)
        sys.exit(1)
    click.echo("no differences: every decision is reproduced exactly")


@sample.command("simulate", help="Run the sample design on a CSV of reference,region,offence_category rows (in "
                                 "arrival order) without touching the database; print the selected references.")
@click.option("--intake", "path", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--seed", type=int, required=True, help="The simulation key is SHA-256 of 'sfoflow-simulation-seed:N'.")
@click.option("--k", type=click.IntRange(min=1), default=None,
              help="Select 1 in k (default: sample_rate_k in config/settings.json).")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="Sampling year hashed with each reference (default 2025).")
@click.option("--audit", is_flag=True, help="Print every decision's audit record as CSV instead.")
def simulate(path: str, seed: int, k: int | None, year: int | None, audit: bool) -> None:
    from ..config import load_defaults
    from ..sampling import simulate as sim

    try:
        rows = sim.read_intake_csv(path)
    except sim.IntakeError as exc:
        raise click.ClickException(str(exc)) from None
    k = k or load_defaults()["sample_rate_k"]
    results = sim.simulate(rows, sim.key_from_seed(seed), k=k, sampling_year=year or sim.DEFAULT_SIMULATION_YEAR)
    if audit:
        records = [sim.audit_record(row, d) for row, d in results]
        from ..csv_safe import write_rows

        names = list(records[0]) if records else ["reference"]
        write_rows(sys.stdout, [names, *([{**r, "uniform": repr(r["uniform"])}[n] for n in names] for r in records)],
                   lineterminator="\n")
    else:
        for reference in sim.format_selected(results):
            click.echo(reference)
    selected = sum(1 for _, d in results if d.selected)
    click.echo(f"{len(results)} review(s) in {len({row[1] for row in rows})} region(s); {selected} selected "
               f"(1 in {k}, seed {seed})", err=True)
