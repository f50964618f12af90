"""The offence variation rule (sfoflow/sampling/variation.py), on sequences written by hand.

Seed 002, 2.2: "The reviews subject to quality assurance by HM Inspectorate of Probation will be
selected randomly, with additional parameters assigned to ensure there is geographical coverage
and variation of offence type in the sample."
"""
from __future__ import annotations

import dataclasses

import pytest

from sfoflow.sampling.variation import (
    CategoryState,
    StoredVariation,
    decide_variation,
    replay_category,
    simulate_variation,
)
from tests import support


def test_the_seed_asks_for_variation_of_offence_type():
    seed = " ".join((support.DATA / "seeds" / "002_c17769c078d59d21.txt").read_text(encoding="utf-8").split())
    assert ("selected randomly, with additional parameters assigned to ensure there is geographical coverage "
            "and variation of offence type in the sample") in seed


def test_the_arrival_that_reaches_the_threshold_with_none_in_the_sample_is_added():
    # threshold 3: arrivals 1 and 2 not drawn, arrival 3 not drawn -> added; 4 not drawn -> not added
    out = simulate_variation([("arson", False)] * 4, threshold=3)
    assert [d.added for d in out] == [False, False, True, False]
    assert [d.category_order for d in out] == [1, 2, 3, 4]
    assert out[2].reason == ("Offence variation: 3 arson reviews received this year and none in the HMIP "
                             "sample, so this one is added (threshold 3).")


def test_a_random_selection_before_the_threshold_means_no_addition():
    out = simulate_variation([("arson", False), ("arson", True), ("arson", False), ("arson", False)], threshold=3)
    assert not any(d.added for d in out)


def test_a_randomly_selected_review_is_never_also_an_addition():
    out = simulate_variation([("arson", False), ("arson", False), ("arson", True)], threshold=3)
    assert [d.added for d in out] == [False, False, False]


def test_categories_are_counted_apart():
    seq = [("arson", False), ("homicide", False), ("arson", False), ("homicide", True), ("homicide", False),
           ("arson", False)]
    out = simulate_variation(seq, threshold=3)
    assert [d.added for d in out] == [False, False, False, False, False, True]


@pytest.mark.parametrize("threshold", [0, None])
def test_threshold_zero_switches_the_rule_off(threshold):
    assert not any(d.added for d in simulate_variation([("arson", False)] * 20, threshold=threshold))


@pytest.mark.parametrize("bad", [-1, 2.5, True, "10"])
def test_bad_thresholds_are_refused(bad):
    with pytest.raises(ValueError):
        decide_variation(CategoryState(), False, bad)


def test_replay_finds_a_changed_record():
    rows = [StoredVariation(f"R{i}", "arson", i, 3, False, i == 3) for i in (1, 2, 3, 4)]
    assert replay_category(rows) == ([], CategoryState(4, 1))
    tampered = rows[:2] + [dataclasses.replace(rows[2], added=False), rows[3]]
    differences, _ = replay_category(tampered)
    assert differences == ["arson R3: stored no offence variation addition, replay gives one"]
    gap = [rows[0], rows[2]]
    assert "category orders are not 1..2" in replay_category(gap)[0][0]
