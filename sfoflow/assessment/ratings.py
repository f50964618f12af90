"""Rating rules for the QA of SFO reviews (pure functions, no I/O).

Sources (see /work/shared/seeds):

* 000 "Ratings characteristics": each standard is rated 'Outstanding' = 3, 'Good' = 2,
  'Requires improvement' = 1, 'Inadequate' = 0; the overall rating is the sum of the four
  scores, banded 0-2 Inadequate, 3-6 Requires improvement, 7-10 Good, 11-12 Outstanding.
* 001 "Rules and guidance": to form an *initial* judgement, weigh up the balance of 'yes' and
  'no' answers; "one or more areas that are considered below the line may be of such importance
  that they preclude a judgement of 'yes'". So anything computed from the balance here is a
  SUGGESTION for the inspector, never the rating itself.
* 004 (2017 consultation), 4.8-4.10: the share-of-'yes' bands and how the inspectorate maps
  them to ratings (see ``SHARE_BANDS`` below).

The same scale and banding are also recorded as data in each ``config/qa_framework/vN.json``; the
framework loader checks the two agree, and ``overall_rating``/``suggested_judgement`` accept a
``banding``/``bands`` argument so a later framework version can supply its own.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from fractions import Fraction
from functools import total_ordering

__all__ = [
    "Rating",
    "STANDARD_IDS",
    "OVERALL_BANDING",
    "MAX_SCORE_PER_STANDARD",
    "overall_score",
    "overall_rating",
    "rating_for_score",
    "YES",
    "NO",
    "NA",
    "ANSWER_VALUES",
    "normalise_answer",
    "Balance",
    "balance",
    "ShareBand",
    "SHARE_BANDS",
    "band_for_share",
    "band_for_counts",
    "Suggestion",
    "suggested_judgement",
    "suggested_answer",
    "rating_for_lowest_band",
]


@total_ordering
class Rating(Enum):
    """A standard's (or the overall) rating. The value is the score (000: 3/2/1/0).

    A plain Enum (not IntEnum) on purpose: ``Rating.INADEQUATE`` is truthy and is not ``== 0``;
    use ``.score`` for arithmetic. Ordered by score, so ``min(ratings)`` is the lowest.
    """

    OUTSTANDING = 3
    GOOD = 2
    REQUIRES_IMPROVEMENT = 1
    INADEQUATE = 0

    @property
    def score(self) -> int:
        return self.value

    @property
    def key(self) -> str:
        """Stable lower-case key for storage and JSON: 'requires_improvement'."""
        return self.name.lower()

    @property
    def label(self) -> str:
        """The wording used by the inspectorate: 'Requires improvement'."""
        return _LABELS[self]

    def __str__(self) -> str:
        return self.label

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Rating):
            return NotImplemented
        return self.value < other.value

    @classmethod
    def from_score(cls, score: int) -> Rating:
        if isinstance(score, bool) or not isinstance(score, int):
            raise ValueError(f"a rating score must be an integer 0-3, not {score!r}")
        try:
            return cls(score)
        except ValueError:
            raise ValueError(f"a rating score must be 0-3, not {score}") from None

    @classmethod
    def parse(cls, value: Rating | str) -> Rating:
        """Accept a Rating, its label ('Requires improvement', any case/spacing/quotes),
        or its key/name ('requires_improvement', 'REQUIRES_IMPROVEMENT')."""
        if isinstance(value, Rating):
            return value
        if not isinstance(value, str):
            raise ValueError(f"not a rating: {value!r}")
        norm = " ".join(value.strip().strip("'\"‘’").replace("_", " ").replace("-", " ").split()).lower()
        for rating in cls:
            if norm == rating.label.lower():
                return rating
        raise ValueError(
            f"not a rating: {value!r} (expected one of: "
            + ", ".join(r.label for r in cls)
            + ")"
        )


_LABELS = {
    Rating.OUTSTANDING: "Outstanding",
    Rating.GOOD: "Good",
    Rating.REQUIRES_IMPROVEMENT: "Requires improvement",
    Rating.INADEQUATE: "Inadequate",
}

#: The four standards of framework v1 (1 Analysis of practice, 2 Overall judgements,
#: 3 Learning, 4 Victims and their families).
STANDARD_IDS: tuple[str, ...] = ("1", "2", "3", "4")
MAX_SCORE_PER_STANDARD = Rating.OUTSTANDING.score

#: Seed 000, "Banding based on four standards (and number of points on scale of 12)".
#: (lowest score, highest score, rating), inclusive.
OVERALL_BANDING: tuple[tuple[int, int, Rating], ...] = (
    (0, 2, Rating.INADEQUATE),
    (3, 6, Rating.REQUIRES_IMPROVEMENT),
    (7, 10, Rating.GOOD),
    (11, 12, Rating.OUTSTANDING),
)


def _checked_ratings(
    ratings: Mapping[str, Rating | str | None], standard_ids: Iterable[str]
) -> dict[str, Rating]:
    expected = tuple(standard_ids)
    missing = [s for s in expected if s not in ratings or ratings[s] is None]
    extra = sorted(set(ratings) - set(expected))
    if missing or extra:
        parts = []
        if missing:
            parts.append("no rating for standard(s) " + ", ".join(missing))
        if extra:
            parts.append("unknown standard(s) " + ", ".join(map(str, extra)))
        raise ValueError(
            f"the overall rating needs exactly the {len(expected)} standards "
            f"({', '.join(expected)}): " + "; ".join(parts)
        )
    return {s: Rating.parse(ratings[s]) for s in expected}  # type: ignore[arg-type]


def overall_score(
    ratings: Mapping[str, Rating | str], *, standard_ids: Iterable[str] = STANDARD_IDS
) -> int:
    """Sum of the standard scores. Requires exactly one rating per standard (ValueError
    otherwise: a partial total would be banded wrongly)."""
    return sum(r.score for r in _checked_ratings(ratings, standard_ids).values())


def rating_for_score(
    score: int, banding: Iterable[tuple[int, int, Rating]] = OVERALL_BANDING
) -> Rating:
    for low, high, rating in banding:
        if low <= score <= high:
            return rating
    raise ValueError(f"score {score} is outside the banding")


def overall_rating(
    ratings: Mapping[str, Rating | str],
    *,
    standard_ids: Iterable[str] = STANDARD_IDS,
    banding: Iterable[tuple[int, int, Rating]] = OVERALL_BANDING,
) -> Rating:
    """The composite rating: the sum of the four scores, banded (seed 000)."""
    return rating_for_score(overall_score(ratings, standard_ids=standard_ids), banding)


# --- answers and their balance -------------------------------------------------------------

YES, NO, NA = "yes", "no", "na"
ANSWER_VALUES = (YES, NO, NA)
_ANSWER_ALIASES = {
    "yes": YES,
    "no": NO,
    "na": NA,
    "n/a": NA,
    "not applicable": NA,
    "not_applicable": NA,
}


def normalise_answer(value: object) -> str | None:
    """'Yes'/'yes' -> 'yes', 'N/A'/'not applicable' -> 'na'; None or blank -> None (unanswered).
    Anything else raises ValueError."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a yes/no/na answer: {value!r}")
    norm = " ".join(value.split()).lower()
    if norm == "":
        return None
    try:
        return _ANSWER_ALIASES[norm]
    except KeyError:
        raise ValueError(f"not a yes/no/na answer: {value!r}") from None


@dataclass(frozen=True)
class Balance:
    """Counts of yes / no / not applicable answers. 'na' does not count towards the share."""

    yes: int = 0
    no: int = 0
    not_applicable: int = 0

    def __post_init__(self) -> None:
        for name in ("yes", "no", "not_applicable"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"Balance.{name} must be a non-negative integer, not {v!r}")

    @property
    def answered(self) -> int:
        """Yes plus no: the answers that carry a judgement."""
        return self.yes + self.no

    @property
    def total(self) -> int:
        return self.yes + self.no + self.not_applicable

    @property
    def share(self) -> Fraction | None:
        """Exact share of 'yes' among yes+no answers; None when nothing was answered yes/no."""
        return Fraction(self.yes, self.answered) if self.answered else None

    def __add__(self, other: Balance) -> Balance:
        if not isinstance(other, Balance):
            return NotImplemented
        return Balance(self.yes + other.yes, self.no + other.no,
                       self.not_applicable + other.not_applicable)


def balance(answers: Mapping[str, object] | Iterable[object],
            item_ids: Iterable[str] | None = None) -> Balance:
    """Count yes/no/na answers.

    ``answers`` is a mapping item id -> answer (or just an iterable of answers). With
    ``item_ids``, only those items are counted (e.g. ``standard.judgement_items()``).
    Unanswered (None/blank) values are skipped; anything that is not yes/no/na raises.
    """
    if isinstance(answers, Mapping):
        if item_ids is None:
            values: Iterable[object] = answers.values()
        else:
            values = (answers.get(i) for i in item_ids)
    else:
        if item_ids is not None:
            raise TypeError("item_ids needs answers as a mapping of item id to answer")
        values = answers
    counts = {YES: 0, NO: 0, NA: 0}
    for v in values:
        a = normalise_answer(v)
        if a is not None:
            counts[a] += 1
    return Balance(counts[YES], counts[NO], counts[NA])


# --- share bands (seed 004, 4.8-4.10) ------------------------------------------------------


class ShareBand(StrEnum):
    """The inspectorate's performance bands for the share of 'yes' answers (004, 4.8)."""

    MINORITY = "Minority"
    TOO_FEW = "Too few"
    REASONABLE_MAJORITY = "Reasonable majority"
    LARGE_MAJORITY = "Large majority"

    @property
    def label(self) -> str:
        return self.value

    @property
    def rating(self) -> Rating:
        return _BAND_RATING[self]


# Seed 004, 4.8: "Minority: <50%  Too few: 50-64%  Reasonable majority: 65-79%  Large majority: 80%+".
# Seed 004, 4.10 maps the (lowest) band to a rating, in this table, which we follow as is:
#   Minority: <50%               -> Inadequate
#   Too few: 50-64%              -> Requires improvement
#   Reasonable majority: 65-79%  -> Good
#   Large majority: 80%+         -> Outstanding
# The doc gives whole percentages; we read the bands as half-open intervals on the exact share
# ([0, 50), [50, 65), [65, 80), [80, 100]), so 64.9% is 'Too few' and 65% 'Reasonable majority'.
# Listed from the highest threshold down: (lowest percent in band, band).
SHARE_BANDS: tuple[tuple[int, ShareBand], ...] = (
    (80, ShareBand.LARGE_MAJORITY),
    (65, ShareBand.REASONABLE_MAJORITY),
    (50, ShareBand.TOO_FEW),
    (0, ShareBand.MINORITY),
)
_BAND_RATING = {
    ShareBand.MINORITY: Rating.INADEQUATE,
    ShareBand.TOO_FEW: Rating.REQUIRES_IMPROVEMENT,
    ShareBand.REASONABLE_MAJORITY: Rating.GOOD,
    ShareBand.LARGE_MAJORITY: Rating.OUTSTANDING,
}


def _band_for_fraction(share: Fraction,
                       bands: Iterable[tuple[int, ShareBand]] = SHARE_BANDS) -> ShareBand:
    percent = share * 100
    for threshold, band in sorted(bands, key=lambda b: b[0], reverse=True):
        if percent >= threshold:
            return band
    raise ValueError(f"share {float(share):.4f} is below every band")


def band_for_share(share: float | Fraction,
                   bands: Iterable[tuple[int, ShareBand]] = SHARE_BANDS) -> ShareBand:
    """The 004 band for a share of 'yes' answers given as a proportion in [0, 1]
    (0.65 -> 'Reasonable majority'). Floats are compared at 1e-9 of a percentage point so that
    float noise (0.6499999999999999 for 65%) does not drop a share into the band below."""
    if isinstance(share, bool) or not isinstance(share, (int, float, Fraction)):
        raise TypeError(f"share must be a number in [0, 1], not {share!r}")
    if isinstance(share, float):
        if math.isnan(share):
            raise ValueError("share is NaN")
        share = Fraction(round(share * 100, 9)).limit_denominator(10**12) / 100
    share = Fraction(share)
    if share < 0 or share > 1:
        raise ValueError(f"share must be a proportion in [0, 1], not {float(share)}")
    return _band_for_fraction(share, bands)


def band_for_counts(yes: int, answered: int,
                    bands: Iterable[tuple[int, ShareBand]] = SHARE_BANDS) -> ShareBand:
    """The band for ``yes`` out of ``answered`` yes/no answers (exact integer arithmetic)."""
    if answered <= 0 or yes < 0 or yes > answered:
        raise ValueError(f"need 0 <= yes <= answered and answered > 0, got {yes}/{answered}")
    return _band_for_fraction(Fraction(yes, answered), bands)


@dataclass(frozen=True)
class Suggestion:
    """A suggested range of ratings for ONE review's standard, with the reason in plain words.

    ``ratings`` is the range, best first (never Outstanding alone: a count of 'yes' cannot show
    the Outstanding characteristics of seed 000); ``consider_outstanding`` is set when every
    answer is 'yes', the only case where seed 000's condition ("the rest of the review is
    overwhelmingly of a good standard") can hold.
    """

    ratings: tuple[Rating, ...]
    label: str
    reason: str
    basis: str  # 'all_yes', 'mostly_yes', 'balanced', 'mostly_no'
    consider_outstanding: bool = False

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.ratings]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def suggested_judgement(bal: Balance, *, what: str = "answers") -> Suggestion | None:
    """The suggested judgement for one review's standard, from the balance of its yes and no
    answers (seed 001: "weigh up the balance of 'yes' and 'no' judgements"), anchored on Good
    (seed 004, 4.18: the wording of the questions "indicates broadly what will result in a
    'good' rating"):

    * all yes  -> Good; consider Outstanding if the Outstanding characteristics are present
    * more yes than no -> Good or Requires improvement
    * as many yes as no -> Requires improvement or Good (weigh which answers matter more)
    * more no than yes -> Requires improvement or Inadequate

    Never a single 'Outstanding' from a count (seed 000: Outstanding needs a number of the
    Outstanding characteristics and a review otherwise overwhelmingly of a good standard). The
    share-of-'yes' bands of seed 004 are for many reviews (``band_for_counts``), not one.
    'Not applicable' answers are left out of the balance and named in the reason.
    None when nothing was answered yes or no.
    """
    if bal.answered == 0:
        return None
    one = what[:-1] if what.endswith("s") else what
    counted = f"{bal.yes} yes and {bal.no} no among {_plural(bal.answered, one, what)}"
    if bal.not_applicable:
        counted += f" ({bal.not_applicable} not applicable, left out of the balance)"
    if bal.no == 0:
        return Suggestion(
            (Rating.GOOD,), "Good; consider Outstanding if the Outstanding characteristics are present",
            f"All answered yes: {counted}. The questions describe a good review; Outstanding needs "
            "several of the Outstanding characteristics and the rest of the review overwhelmingly good.",
            "all_yes", consider_outstanding=True)
    if bal.yes > bal.no:
        return Suggestion((Rating.GOOD, Rating.REQUIRES_IMPROVEMENT), "Good or Requires improvement",
                          f"Mostly yes: {counted}. Weigh whether the no answers are serious enough "
                          "to rule out Good.", "mostly_yes")
    if bal.yes == bal.no:
        return Suggestion((Rating.GOOD, Rating.REQUIRES_IMPROVEMENT), "Requires improvement or Good",
                          f"Evenly balanced: {counted}. Weigh which answers matter more.", "balanced")
    return Suggestion((Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE), "Requires improvement or Inadequate",
                      f"Mostly no: {counted}. Inadequate if the gaps leave the standard unmet.", "mostly_no")


def suggested_answer(bal: Balance) -> str | None:
    """A suggested yes/no for a key question from its prompts (001: "whether those aspects that
    are judged sufficient outweigh those that are not"): 'yes' if yes > no, 'no' if no > yes,
    None on a tie or when nothing was answered. A suggestion only."""
    if bal.yes > bal.no:
        return YES
    if bal.no > bal.yes:
        return NO
    return None


def rating_for_lowest_band(shares: Iterable[float | Fraction],
                           bands: Iterable[tuple[int, ShareBand]] = SHARE_BANDS) -> Rating:
    """Aggregation across many reviews (004, 4.10): "the rating will be aligned to the lowest
    banding at the key question level". ``shares`` are the yes-shares of each key question."""
    bands = tuple(bands)
    found = [band_for_share(s, bands) for s in shares]
    if not found:
        raise ValueError("no key question shares given")
    return min(b.rating for b in found)
