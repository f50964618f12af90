"""Sample balance: how the random sample falls by region and by offence category.

The design guarantees regional coverage but cannot force offence balance without breaking the
equal chance of selection, so the balance is measured and shown instead. Pure: plain rows in,
plain tables out.

Only reviews that went through the random draw count here (intake, selected, expected).
Purposive additions are listed separately and never change these figures.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

# An offence category with at least this many reviews in the draw and none selected is flagged.
WARN_MIN_INTAKE = 5


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """What balance needs from one stored decision."""

    region: str
    offence_category: str
    k: int | None  # None: not in the random draw (purposive-only)
    selected: bool | None
    purposive: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    code: str
    intake: int
    selected: int
    expected: Fraction  # sum of 1/k over the intake
    purposive: int = 0

    @property
    def difference(self) -> Fraction:
        return self.selected - self.expected

    def as_dict(self) -> dict:
        return {"code": self.code, "intake": self.intake, "selected": self.selected,
                "expected": round(float(self.expected), 2), "difference": round(float(self.difference), 2),
                "purposive": self.purposive}


@dataclass(frozen=True, slots=True)
class Balance:
    by_region: list[Line]
    by_offence: list[Line]
    total: Line
    warnings: list[dict] = field(default_factory=list)


def _lines(counts: dict[str, list], order: Sequence[str]) -> list[Line]:
    codes = list(order) + sorted(c for c in counts if c not in order)  # unknown codes still shown
    return [Line(c, *counts.get(c, [0, 0, Fraction(0), 0])) for c in codes]


def compute(rows: Iterable[DecisionRow], regions: Sequence[str] = (), offences: Sequence[str] = (),
            warn_min_intake: int = WARN_MIN_INTAKE) -> Balance:
    """Tables by region and by offence (every listed code appears, even with no intake), from
    one row per decision: each row is a group of one for ``compute_from_counts``."""
    groups = (DecisionCount(r.region, r.offence_category, r.k, 1, int(bool(r.selected)), int(r.purposive))
              for r in rows)
    return compute_from_counts(groups, regions, offences, warn_min_intake)


@dataclass(frozen=True, slots=True)
class DecisionCount:
    """What balance needs from a group of stored decisions sharing region, offence and ``k``
    (a GROUP BY in the database): how many were in the draw, selected, purposive."""

    region: str
    offence_category: str
    k: int | None
    intake: int
    selected: int
    purposive: int = 0


def compute_from_counts(groups: Iterable[DecisionCount], regions: Sequence[str] = (), offences: Sequence[str] = (),
                        warn_min_intake: int = WARN_MIN_INTAKE) -> Balance:
    """``compute`` from counts: the same tables, however many decisions the counts stand for."""
    by_region: dict[str, list] = {}
    by_offence: dict[str, list] = {}
    total = [0, 0, Fraction(0), 0]
    for g in groups:
        for cell in (by_region.setdefault(g.region, [0, 0, Fraction(0), 0]),
                     by_offence.setdefault(g.offence_category, [0, 0, Fraction(0), 0]), total):
            if g.k is not None:
                cell[0] += g.intake
                cell[1] += g.selected
                cell[2] += Fraction(g.intake, g.k)
            cell[3] += g.purposive
    offence_lines = _lines(by_offence, offences)
    warnings = [
        {"offence_category": line.code, "intake": line.intake,
         "message": f"{line.intake} reviews in the draw and none selected"}
        for line in offence_lines if line.intake >= warn_min_intake and line.selected == 0
    ]
    return Balance(_lines(by_region, regions), offence_lines, Line("total", *total), warnings)
