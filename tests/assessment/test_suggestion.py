"""The suggested judgement for one review's standard, against the seeds.

Seed 001 (each standard): "In order to form an initial judgement about this standard weigh up the
balance of 'yes' and 'no' judgements for each key question within this section."
Seed 004, 4.18: "The way our proposed standards, key questions and prompts are worded indicates
broadly what will result in a 'good' rating".
Seed 000: 'Outstanding' needs "a number of the above characteristics, and the rest of the review
is overwhelmingly of a good standard" -- so a count of yes never suggests Outstanding alone.
The table below is written by hand from those sentences, not from the code.
"""
from __future__ import annotations

import pytest

from sfoflow.assessment.framework import load_framework
from sfoflow.assessment.ratings import Balance, Rating, balance, suggested_judgement
from tests import support

SEEDS = support.DATA / "seeds"


def _seed(name: str) -> str:
    return " ".join((SEEDS / name).read_text(encoding="utf-8").split())


def test_the_sentences_the_rule_rests_on_are_in_the_seeds():
    assert ("weigh up the balance of 'yes' and 'no' judgements for each key question"
            in _seed("001_a41fd527dc2c534f.txt"))
    assert ("indicates broadly what will result in a 'good' rating"
            in _seed("004_b5b8a8a8f3d2a8ea.txt"))
    assert ("where the review contains a number of the above characteristics, and the rest of the "
            "review is overwhelmingly of a good standard" in _seed("000_aa9dc2d88ec9cb82.txt"))


# (yes, no, not applicable) -> (suggested range, best first; consider Outstanding?)
TABLE = [
    ((2, 0, 0), ["good"], True),                                   # all yes
    ((5, 0, 0), ["good"], True),                                   # all yes: never Outstanding alone
    ((4, 1, 0), ["good", "requires_improvement"], False),          # mostly yes (was 80% -> Outstanding)
    ((3, 1, 1), ["good", "requires_improvement"], False),          # N/A left out
    ((1, 1, 0), ["good", "requires_improvement"], False),          # evenly balanced
    ((1, 4, 0), ["requires_improvement", "inadequate"], False),    # mostly no
    ((0, 2, 0), ["requires_improvement", "inadequate"], False),    # all no
]


@pytest.mark.parametrize("counts,keys,consider", TABLE)
def test_suggestion_table(counts, keys, consider):
    s = suggested_judgement(Balance(*counts))
    assert s.keys == keys
    assert s.consider_outstanding is consider
    assert s.ratings != (Rating.OUTSTANDING,)


def test_never_a_single_outstanding_from_any_count():
    for yes in range(0, 12):
        for no in range(0, 12):
            s = suggested_judgement(Balance(yes, no, 0))
            if s is not None:
                assert Rating.OUTSTANDING not in s.ratings


def test_labels_say_the_range_and_the_reason_names_the_counts():
    s = suggested_judgement(Balance(2, 0, 0), what="key questions")
    assert s.label == "Good; consider Outstanding if the Outstanding characteristics are present"
    assert "2 yes and 0 no among 2 key questions" in s.reason
    s = suggested_judgement(Balance(3, 1, 1), what="prompts")
    assert s.label == "Good or Requires improvement"
    assert "1 not applicable, left out of the balance" in s.reason
    assert suggested_judgement(Balance(1, 3, 0)).label == "Requires improvement or Inadequate"


def test_nothing_answered_gives_no_suggestion():
    assert suggested_judgement(Balance(0, 0, 0)) is None
    assert suggested_judgement(Balance(0, 0, 2)) is None


def test_standard_3_two_key_questions():
    """Seed 001, standard 3 has two key questions: "3.1 Does the SFO review identify areas for
    learning and practice improvement?" and "3.2 Do the planned actions sufficiently capture the
    learning and practice improvement?". Before, 2 of 2 suggested Outstanding and 1 of 2
    Requires improvement, so Good was never suggested; now both yes suggests Good."""
    seed = _seed("001_a41fd527dc2c534f.txt")
    assert "Does the SFO review identify areas for learning and practice improvement?" in seed
    assert "Do the planned actions sufficiently capture the learning and practice improvement?" in seed
    standard = load_framework("v1").standard("3")
    items = [i.id for i in standard.judgement_items()]
    assert items == ["3.1", "3.2"]

    def suggest(a31, a32):
        return suggested_judgement(balance({"3.1": a31, "3.2": a32}, items), what="key questions")

    assert suggest("yes", "yes").keys == ["good"] and suggest("yes", "yes").consider_outstanding
    assert suggest("yes", "no").keys == ["good", "requires_improvement"]
    assert suggest("no", "yes").label == "Requires improvement or Good"
    assert suggest("no", "no").keys == ["requires_improvement", "inadequate"]
    assert suggest("yes", None).keys == ["good"]  # one answered so far
