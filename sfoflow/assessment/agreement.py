"""Agreement between raters who QA'd the same reviews (benchmarking exercises).

Pure: no Flask or SQLAlchemy. For one question (a prompt, a key question, a standard's rating
or the overall rating) the units are the reviews and the coders the raters. We report:

* the raters' answers side by side, per review;
* exact agreement: the share of reviews (with at least two answers) on which every rater gave
  the same answer;
* Krippendorff's alpha, computed by the ``krippendorff`` package (never a formula of ours):
  nominal for yes/no answers, ordinal for ratings (Inadequate < Requires improvement < Good <
  Outstanding). Alpha is undefined when every answer is the same value (there is no variation
  to agree about) or no review has two answers; we report None and say why.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

NOMINAL = "nominal"
ORDINAL = "ordinal"
YES_NO_CODES = {"yes": 1, "no": 0}  # "na" and blanks are missing values
RATING_CODES = {"inadequate": 0, "requires_improvement": 1, "good": 2, "outstanding": 3}


@dataclass(frozen=True)
class Agreement:
    key: str
    level: str
    units: int  # reviews with at least two answers
    agreed_units: int  # of those, the reviews on which everyone gave the same answer
    exact_agreement: float | None  # agreed_units / units
    alpha: float | None
    alpha_note: str | None  # why alpha is None


def code(value, level: str) -> float | None:
    codes = YES_NO_CODES if level == NOMINAL else RATING_CODES
    return codes.get(value) if isinstance(value, str) else None


def krippendorff_alpha(reliability_data: Sequence[Sequence[float | None]], level: str) -> float:
    """Alpha for a coders x units matrix (None or NaN = missing), by the krippendorff package."""
    import krippendorff  # numpy comes with it; imported here so that importing sfoflow stays quick
    import numpy as np

    data = np.array([[np.nan if v is None else v for v in row] for row in reliability_data], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def agreement(key: str, level: str, values: Mapping[str, Mapping[str, object]], raters: Sequence[str],
              units: Sequence[str]) -> Agreement:
    """``values[rater][unit]`` is an answer ("yes"/"no"/"na" or a rating key)."""
    matrix = [[code(values.get(r, {}).get(u), level) for u in units] for r in raters]
    answered = [[row[i] for row in matrix if row[i] is not None] for i in range(len(units))]
    pairable = [col for col in answered if len(col) >= 2]
    agreed = sum(1 for col in pairable if len(set(col)) == 1)
    exact = agreed / len(pairable) if pairable else None
    distinct = {v for col in pairable for v in col}
    alpha, note = None, None
    if not pairable:
        note = "No review has answers from two raters"
    elif len(distinct) < 2:
        note = "Every rater gave the same answer throughout, so there is no variation to measure"
    else:
        alpha = krippendorff_alpha(matrix, level)
    return Agreement(key, level, len(pairable), agreed, exact, alpha, note)


def pooled(key: str, level: str, values: Mapping[str, Mapping[tuple, object]], raters: Sequence[str],
           units: Sequence[tuple]) -> Agreement:
    """The same, with units that are (review, question) pairs: e.g. every standard rating."""
    return agreement(key, level, values, raters, units)
