"""Agreement statistics against worked examples published with the method.

Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability", section C (reliability
data with missing values): 4 observers, 12 units, values 1-5, "." missing. Published results:
alpha nominal = 0.743, ordinal = 0.815, interval = 0.849, ratio = 0.797. The same paper's
section A (binary data, two observers, 10 units) gives alpha = 0.095, and section B (nominal
data, two observers, 12 units, values a-e) alpha = 0.692.
"""
from __future__ import annotations

import pytest

from sfoflow.assessment import agreement as ag

M = None
KRIPPENDORFF_2011 = [  # observers A-D (rows) x units 1-12 (columns), written out from the paper
    [1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, 3],
    [M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, M],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M],
]
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


@pytest.mark.parametrize("level", sorted(PUBLISHED))
def test_alpha_matches_krippendorffs_published_example(level):
    assert ag.krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(PUBLISHED[level], abs=0.0005)


def test_agreement_on_ratings_is_ordinal_and_counts_exact_agreement():
    # three raters, four reviews; they all agree on r1 and r2 only
    values = {"a": {"r1": "good", "r2": "inadequate", "r3": "good", "r4": "outstanding"},
              "b": {"r1": "good", "r2": "inadequate", "r3": "requires_improvement", "r4": "good"},
              "c": {"r1": "good", "r2": "inadequate", "r3": "good", "r4": "outstanding"}}
    result = ag.agreement("s1", ag.ORDINAL, values, ["a", "b", "c"], ["r1", "r2", "r3", "r4"])
    assert (result.units, result.agreed_units, result.exact_agreement) == (4, 2, 0.5)
    # the same data as codes (good 2, inadequate 0, requires improvement 1, outstanding 3)
    codes = [[2, 0, 2, 3], [2, 0, 1, 2], [2, 0, 2, 3]]
    assert result.alpha == pytest.approx(ag.krippendorff_alpha(codes, "ordinal"))


def test_alpha_is_not_given_when_everyone_answered_the_same():
    values = {"a": {"r1": "yes"}, "b": {"r1": "yes"}}
    result = ag.agreement("1.1", ag.NOMINAL, values, ["a", "b"], ["r1"])
    assert result.exact_agreement == 1.0 and result.alpha is None
    assert "no variation" in result.alpha_note


def test_not_applicable_is_a_missing_value():
    values = {"a": {"r1": "na"}, "b": {"r1": "yes"}}
    result = ag.agreement("1.1.a", ag.NOMINAL, values, ["a", "b"], ["r1"])
    assert result.units == 0 and result.alpha is None


# Section A: observer A 0 1 0 0 0 0 0 0 1 0, observer B 1 1 1 0 0 1 0 0 0 0 (1 = yes, 0 = no)
SECTION_A = {"A": "0100000010", "B": "1110010000"}
# Section B: observer A a a b b d c c c e d d a, observer B b a b b b c c c e d d d
SECTION_B = {"A": "aabbdcccedda", "B": "babbbccceddd"}


def test_yes_no_agreement_matches_the_published_binary_example():
    units = [f"u{i}" for i in range(10)]
    values = {rater: {u: "yes" if c == "1" else "no" for u, c in zip(units, codes, strict=True)}
              for rater, codes in SECTION_A.items()}
    result = ag.agreement("prompt", ag.NOMINAL, values, ["A", "B"], units)
    assert result.alpha == pytest.approx(0.095, abs=0.0005)
    assert (result.units, result.agreed_units) == (10, 6)  # units 2, 4, 5, 7, 8, 10 agree


def test_nominal_alpha_matches_the_published_two_observer_example():
    codes = {v: i for i, v in enumerate("abcde", start=1)}
    data = [[codes[c] for c in SECTION_B[r]] for r in ("A", "B")]
    assert ag.krippendorff_alpha(data, "nominal") == pytest.approx(0.692, abs=0.0005)
