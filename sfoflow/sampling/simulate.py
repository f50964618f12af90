"""Replay an intake through the sample design, without a database.

``simulate`` applies ``design.decide`` to rows in arrival order, keeping one ``RegionState``
per region, exactly as the intake service does with its stored state. Replaying the same rows
in the same order with the same key and sampling year re-derives every decision.
"""
from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from os import PathLike
from typing import NamedTuple

from .design import ALGORITHM_VERSION, Decision, RegionState, check_k, decide, normalise_reference, uniform

# Any fixed year will do for a simulation; it is part of every hashed message.
DEFAULT_SIMULATION_YEAR = 2025

CSV_FIELDS = ("reference", "region", "offence_category")


class IntakeRow(NamedTuple):
    reference: str
    region: str
    offence_category: str


class IntakeError(ValueError):
    """A bad intake file; the message names the file, the line and the field."""


def key_from_seed(seed: int) -> bytes:
    """A simulation key: SHA-256 of ``f"sfoflow-simulation-seed:{seed}"`` (UTF-8), 32 bytes.

    For simulations and tests only. The production key is a secret from the environment.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int")
    return hashlib.sha256(f"sfoflow-simulation-seed:{seed}".encode()).digest()


def simulate(
    rows: Iterable[tuple[str, str, str]],
    key: bytes,
    k: int = 5,
    sampling_year: int = DEFAULT_SIMULATION_YEAR,
) -> list[tuple[tuple[str, str, str], Decision]]:
    """Decide each (reference, region, offence_category) row in order; return (row, decision)."""
    check_k(k)
    states: dict[str, RegionState] = {}
    seen: set[str] = set()
    results = []
    for row in rows:
        reference, region, _offence = row
        ref = normalise_reference(reference)
        if ref in seen:
            raise ValueError(f"duplicate reference {ref!r}")
        seen.add(ref)
        decision, states[region] = decide(states.get(region, RegionState()), uniform(key, ref, sampling_year), k)
        results.append((row, decision))
    return results


def format_selected(results: Iterable[tuple[tuple[str, str, str], Decision]]) -> list[str]:
    """The selected references (normalised), in arrival order."""
    return [normalise_reference(row[0]) for row, decision in results if decision.selected]


def audit_record(row: tuple[str, str, str], decision: Decision) -> dict:
    """One decision's audit record, with the fields the issue lists."""
    return {
        "reference": normalise_reference(row[0]),
        "region": row[1],
        "offence_category": row[2],
        "arrival_order": decision.arrival_order,
        "run_number": decision.run_number,
        "run_position": decision.run_position,
        "uniform": decision.uniform,
        "threshold": decision.threshold,
        "selected": decision.selected,
        "algorithm_version": decision.algorithm_version,
    }


def read_intake_csv(path: str | PathLike) -> list[IntakeRow]:
    """Read an intake CSV (header ``reference,region,offence_category``, any column order).

    Values are stripped of surrounding whitespace; blank lines are skipped. Raises
    ``IntakeError`` naming the line (and field) for a missing or unknown column, a row with the
    wrong number of fields, an empty field, or a reference already seen.
    """
    rows: list[IntakeRow] = []
    first_line: dict[str, int] = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise IntakeError(f"{path}: empty file, expected header {','.join(CSV_FIELDS)}")
        names = [h.strip() for h in header]
        missing = [f for f in CSV_FIELDS if f not in names]
        unknown = [n for n in names if n not in CSV_FIELDS]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if missing or unknown or repeated:
            problems = []
            if missing:
                problems.append(f"missing column(s) {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown column(s) {', '.join(map(repr, unknown))}")
            if repeated:
                problems.append(f"repeated column(s) {', '.join(repeated)}")
            raise IntakeError(f"{path}, line {reader.line_num}: header: {'; '.join(problems)}")
        index = {name: names.index(name) for name in CSV_FIELDS}
        for record in reader:
            line = reader.line_num
            if not record or all(not v.strip() for v in record):
                continue
            if len(record) != len(names):
                raise IntakeError(f"{path}, line {line}: expected {len(names)} fields, got {len(record)}")
            values = {}
            for name in CSV_FIELDS:
                value = record[index[name]].strip()
                if not value:
                    raise IntakeError(f"{path}, line {line}: field {name!r} is empty")
                values[name] = value
            ref = values["reference"]
            if ref in first_line:
                raise IntakeError(
                    f"{path}, line {line}: field 'reference': duplicate reference {ref!r} "
                    f"(first on line {first_line[ref]})"
                )
            first_line[ref] = line
            rows.append(IntakeRow(**values))
    return rows


__all__ = [
    "ALGORITHM_VERSION",
    "DEFAULT_SIMULATION_YEAR",
    "IntakeError",
    "IntakeRow",
    "audit_record",
    "format_selected",
    "key_from_seed",
    "read_intake_csv",
    "simulate",
]
