"""Statistical disclosure control for published figures, as official statistics do it.

Every cell counting fewer than ``THRESHOLD`` reviews (but more than none) is shown as "[c]"; a
share is shown only when it is a share of at least ``THRESHOLD`` reviews. Within a row that
also shows its total, a single suppressed cell could be worked out by subtraction, so the next
smallest non-zero cell of that row is suppressed too (secondary suppression).
"""
from __future__ import annotations

from collections.abc import Sequence

THRESHOLD = 5
MARK = "[c]"
FOOTNOTE = ("[c] Figure suppressed: it counts fewer than 5 reviews (or would let such a figure be "
            "worked out), so that no review can be identified.")


def is_small(n: int) -> bool:
    return 0 < n < THRESHOLD


def count_cell(n: int) -> str:
    return MARK if is_small(n) else str(n)


def share_cell(part: int, whole: int) -> str:
    """A percentage, hidden when it is of fewer than 5 reviews or would reveal a count under 5."""
    if whole == 0:
        return "-"
    if whole < THRESHOLD or is_small(part):
        return MARK
    return f"{round(100 * part / whole)}%"


def suppressed_row(counts: Sequence[int], with_total: bool = True) -> list[str]:
    """Cells for one row of counts (and, when ``with_total``, its total as a last cell)."""
    total = sum(counts)
    hidden = {i for i, n in enumerate(counts) if is_small(n)}
    if with_total and total < THRESHOLD:
        hidden = {i for i, n in enumerate(counts) if n > 0}
    elif with_total and len(hidden) == 1:
        others = sorted((n, i) for i, n in enumerate(counts) if n > 0 and i not in hidden)
        if others:
            hidden.add(others[0][1])
    cells = [MARK if i in hidden else str(n) for i, n in enumerate(counts)]
    if with_total:
        cells.append(count_cell(total))
    return cells


def numeric(cell: str) -> float | None:
    """A cell's value for a chart; None for a suppressed cell (never drawn)."""
    if cell in (MARK, "", "-"):
        return None
    return float(cell.rstrip("%"))
