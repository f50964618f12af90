"""Rating rules and the submission completeness check.

Expected values are written out by hand from the seed documents, never computed with the code
under test: seed 000 for scores and the 0-12 banding, seed 004 4.8-4.10 for the share bands.
"""
from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from sfoflow.assessment.completeness import missing_for_submit
from sfoflow.assessment.framework import load_framework
from sfoflow.assessment.ratings import (
    OVERALL_BANDING,
    SHARE_BANDS,
    Balance,
    Rating,
    ShareBand,
    balance,
    band_for_counts,
    band_for_share,
    overall_rating,
    overall_score,
    rating_for_lowest_band,
    suggested_answer,
    suggested_judgement,
)

# Seed 000: 'Outstanding' = 3, 'Good' = 2, 'Requires improvement' = 1, 'Inadequate' = 0.
SCORE = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}

# Seed 000, "Banding based on four standards": 0-2 Inadequate, 3-6 Requires improvement,
# 7-10 Good, 11-12 Outstanding -- written out point by point.
BAND_BY_TOTAL = {
    0: "Inadequate",
    1: "Inadequate",
    2: "Inadequate",
    3: "Requires improvement",
    4: "Requires improvement",
    5: "Requires improvement",
    6: "Requires improvement",
    7: "Good",
    8: "Good",
    9: "Good",
    10: "Good",
    11: "Outstanding",
    12: "Outstanding",
}

# --- Rating -----------------------------------------------------------------------------------


def test_rating_scores_labels_keys():
    assert {r.label: r.score for r in Rating} == SCORE
    assert Rating.REQUIRES_IMPROVEMENT.label == "Requires improvement"
    assert Rating.REQUIRES_IMPROVEMENT.key == "requires_improvement"
    assert str(Rating.GOOD) == "Good"
    assert Rating.from_score(0) is Rating.INADEQUATE
    assert Rating.from_score(3) is Rating.OUTSTANDING
    with pytest.raises(ValueError):
        Rating.from_score(4)
    with pytest.raises(ValueError):
        Rating.from_score(True)  # type: ignore[arg-type]


@pytest.mark.parametrize("text,expected", [
    ("Outstanding", Rating.OUTSTANDING),
    ("good", Rating.GOOD),
    ("Requires improvement", Rating.REQUIRES_IMPROVEMENT),
    ("Requires Improvement", Rating.REQUIRES_IMPROVEMENT),  # as capitalised in seed 002
    ("  requires   improvement ", Rating.REQUIRES_IMPROVEMENT),
    ("'Inadequate'", Rating.INADEQUATE),
    ("requires_improvement", Rating.REQUIRES_IMPROVEMENT),
    ("REQUIRES_IMPROVEMENT", Rating.REQUIRES_IMPROVEMENT),
    ("INADEQUATE", Rating.INADEQUATE),
    (Rating.GOOD, Rating.GOOD),
])
def test_rating_parse(text, expected):
    assert Rating.parse(text) is expected


@pytest.mark.parametrize("bad", ["", "Excellent", "requires", "3", None, 2])
def test_rating_parse_rejects(bad):
    with pytest.raises(ValueError):
        Rating.parse(bad)


def test_rating_order_and_truthiness():
    assert Rating.INADEQUATE < Rating.REQUIRES_IMPROVEMENT < Rating.GOOD < Rating.OUTSTANDING
    assert min([Rating.GOOD, Rating.INADEQUATE, Rating.OUTSTANDING]) is Rating.INADEQUATE
    assert bool(Rating.INADEQUATE) is True  # not an IntEnum: 'if rating:' means 'if rated'
    assert Rating.INADEQUATE != 0


# --- overall score and rating: all 4^4 combinations -------------------------------------------


def test_all_256_combinations():
    labels = list(SCORE)
    combos = list(itertools.product(labels, repeat=4))
    assert len(combos) == 256
    for combo in combos:
        ratings = {sid: Rating.parse(label) for sid, label in zip("1234", combo, strict=True)}
        total = SCORE[combo[0]] + SCORE[combo[1]] + SCORE[combo[2]] + SCORE[combo[3]]
        assert overall_score(ratings) == total, combo
        assert overall_rating(ratings).label == BAND_BY_TOTAL[total], combo
        # labels and keys are accepted as well as Rating members
        by_label = dict(zip("1234", combo, strict=True))
        assert overall_rating(by_label).label == BAND_BY_TOTAL[total]


def test_some_combinations_by_hand():
    g, ri, o, i = "Good", "Requires improvement", "Outstanding", "Inadequate"
    assert overall_rating({"1": g, "2": g, "3": g, "4": g}) is Rating.GOOD  # 8
    assert overall_rating({"1": o, "2": o, "3": o, "4": i}) is Rating.GOOD  # 9
    assert overall_rating({"1": o, "2": o, "3": o, "4": ri}) is Rating.GOOD  # 10
    assert overall_rating({"1": o, "2": o, "3": o, "4": g}) is Rating.OUTSTANDING  # 11
    assert overall_rating({"1": g, "2": g, "3": ri, "4": ri}) is Rating.REQUIRES_IMPROVEMENT  # 6
    assert overall_rating({"1": g, "2": i, "3": i, "4": i}) is Rating.INADEQUATE  # 2
    assert overall_rating({"1": ri, "2": ri, "3": ri, "4": i}) is Rating.REQUIRES_IMPROVEMENT  # 3


@pytest.mark.parametrize("ratings", [
    {"1": "Good", "2": "Good", "3": "Good"},  # missing 4
    {"1": "Good", "2": "Good", "3": "Good", "4": "Good", "5": "Good"},  # extra
    {"1": "Good", "2": "Good", "3": "Good", "4": None},  # not yet rated
    {},
])
def test_overall_needs_exactly_four_standards(ratings):
    with pytest.raises(ValueError):
        overall_score(ratings)
    with pytest.raises(ValueError):
        overall_rating(ratings)


def test_overall_rejects_bad_rating():
    with pytest.raises(ValueError):
        overall_score({"1": "Good", "2": "Good", "3": "Good", "4": "Excellent"})


def test_framework_banding_is_the_code_banding():
    fw = load_framework("v1")
    assert fw.overall_banding == OVERALL_BANDING
    assert fw.share_bands == SHARE_BANDS
    assert fw.max_score == 12
    # a framework-supplied banding gives the same answers for every total
    for total, label in BAND_BY_TOTAL.items():
        ratings = {"1": "Inadequate", "2": "Inadequate", "3": "Inadequate", "4": "Inadequate"}
        # build a combination with this total: fill standards with 3s then the remainder
        left = total
        for sid in "1234":
            s = min(3, left)
            ratings[sid] = Rating.from_score(s)
            left -= s
        assert overall_rating(ratings, banding=fw.overall_banding).label == label


# --- balance ------------------------------------------------------------------------------------


def test_balance_counts():
    answers = {"1.1.a": "yes", "1.1.b": "Yes", "1.1.c": "no", "1.1.d": "na", "1.1.e": None,
               "2.a": "N/A", "2.b": " ", "2.c": "NO"}
    assert balance(answers) == Balance(yes=2, no=2, not_applicable=2)
    only_11 = balance(answers, ["1.1.a", "1.1.b", "1.1.c", "1.1.d", "1.1.e"])
    assert (only_11.yes, only_11.no, only_11.not_applicable) == (2, 1, 1)
    assert only_11.answered == 3 and only_11.total == 4
    assert only_11.share == Fraction(2, 3)
    assert balance(["yes", "yes", "no"]) == Balance(2, 1, 0)
    assert balance({}) == Balance(0, 0, 0)
    assert Balance(1, 2, 3) + Balance(1, 0, 1) == Balance(2, 2, 4)


def test_balance_rejects_bad_answers():
    with pytest.raises(ValueError):
        balance({"1.1.a": "maybe"})
    with pytest.raises(ValueError):
        balance({"1.1.a": True})
    with pytest.raises(ValueError):
        Balance(-1, 0, 0)


# --- share bands and the suggestion (seed 004, 4.8-4.10) ---------------------------------------

# (yes, no) -> (band name from 4.8, rating from the 4.10 table), written out by hand
BOUNDARY_COUNTS = [
    ((499, 501), "Minority", "Inadequate"),  # 49.9%
    ((500, 500), "Too few", "Requires improvement"),  # 50%
    ((649, 351), "Too few", "Requires improvement"),  # 64.9%
    ((650, 350), "Reasonable majority", "Good"),  # 65%
    ((799, 201), "Reasonable majority", "Good"),  # 79.9%
    ((800, 200), "Large majority", "Outstanding"),  # 80%
    ((0, 5), "Minority", "Inadequate"),  # 0%
    ((5, 0), "Large majority", "Outstanding"),  # 100%
    ((13, 7), "Reasonable majority", "Good"),  # 65% exactly, small numbers
    ((4, 1), "Large majority", "Outstanding"),  # 80%
    ((3, 2), "Too few", "Requires improvement"),  # 60%
    ((1, 1), "Too few", "Requires improvement"),  # 50%
    ((2, 3), "Minority", "Inadequate"),  # 40%
]


@pytest.mark.parametrize("counts,band,rating", BOUNDARY_COUNTS)
def test_share_bands_at_boundaries(counts, band, rating):
    """The bands are for the share of cases across many reviews (the annual summary); one
    review's suggestion is tested in tests/assessment/test_suggestion.py."""
    yes, no = counts
    assert band_for_counts(yes, yes + no) == band
    assert band_for_counts(yes, yes + no).rating.label == rating


@pytest.mark.parametrize("share,band", [
    (0.0, "Minority"),
    (0.499, "Minority"),
    (0.4999999, "Minority"),
    (0.5, "Too few"),
    (0.649, "Too few"),
    (0.6499999, "Too few"),
    (0.65, "Reasonable majority"),
    (0.1 + 0.55, "Reasonable majority"),  # 0.6500000000000001
    (0.7 - 0.05, "Reasonable majority"),  # float noise around 65% must not drop a band
    (0.799, "Reasonable majority"),
    (0.8, "Large majority"),
    (1.0, "Large majority"),
    (Fraction(13, 20), "Reasonable majority"),
    (Fraction(4, 5), "Large majority"),
    (1, "Large majority"),
])
def test_band_for_share(share, band):
    assert band_for_share(share) == band
    assert band_for_share(share).label == band


@pytest.mark.parametrize("bad", [-0.01, 1.01, float("nan")])
def test_band_for_share_rejects_out_of_range(bad):
    with pytest.raises(ValueError):
        band_for_share(bad)


def test_band_ratings_follow_004_table():
    assert ShareBand.MINORITY.rating is Rating.INADEQUATE
    assert ShareBand.TOO_FEW.rating is Rating.REQUIRES_IMPROVEMENT
    assert ShareBand.REASONABLE_MAJORITY.rating is Rating.GOOD
    assert ShareBand.LARGE_MAJORITY.rating is Rating.OUTSTANDING


def test_no_suggestion_when_nothing_answered():
    assert suggested_judgement(Balance(0, 0, 0)) is None
    assert suggested_judgement(Balance(0, 0, 4)) is None  # all 'not applicable'


def test_suggested_answer_for_a_key_question():
    assert suggested_answer(Balance(3, 2, 0)) == "yes"
    assert suggested_answer(Balance(2, 3, 0)) == "no"
    assert suggested_answer(Balance(2, 2, 1)) is None  # a tie is the inspector's call
    assert suggested_answer(Balance(0, 0, 5)) is None


def test_lowest_band_rule_004_4_10():
    # 004 4.11: all key questions 80%+ -> Outstanding; one at 65-79% -> Good
    assert rating_for_lowest_band([0.85, 0.9, 0.8]) is Rating.OUTSTANDING
    assert rating_for_lowest_band([0.85, 0.70, 0.9]) is Rating.GOOD
    assert rating_for_lowest_band([0.85, 0.55]) is Rating.REQUIRES_IMPROVEMENT
    assert rating_for_lowest_band([0.49, 1.0]) is Rating.INADEQUATE
    with pytest.raises(ValueError):
        rating_for_lowest_band([])


# --- completeness ----------------------------------------------------------------------------

# Item ids written out by hand from the structure of seed 001.
LETTERS = {"chron": "abcd", "1.1": "abcde", "1.2": "abcde", "1.3": "abcde", "1.4": "abcde",
           "2": "abcdefghi", "3.1": "abcde", "3.2": "abcdef", "4": "abcde"}
KEY_QUESTIONS = ["1.1", "1.2", "1.3", "1.4", "3.1", "3.2"]
INFO_YES_NO = ["info.high_profile", "info.staff_interviewed", "info.review_period",
               "info.parallel_reviews"]


def complete_answers(value: str = "yes") -> dict[str, str]:
    answers = {i: value for i in INFO_YES_NO}
    answers.update({kq: value for kq in KEY_QUESTIONS})
    for group, letters in LETTERS.items():
        answers.update({f"{group}.{letter}": value for letter in letters})
    return answers


RATINGS = {"1": Rating.GOOD, "2": Rating.REQUIRES_IMPROVEMENT, "3": "Good", "4": "outstanding"}
FEEDBACK = {"1": "Robust analysis.", "2": "Some gaps.", "3": "Clear actions.", "4": "Accessible."}


@pytest.fixture(scope="module")
def fw():
    return load_framework("v1")


def test_complete_assessment_has_nothing_missing(fw):
    answers = complete_answers()
    assert len(answers) == 4 + 6 + 4 + 20 + 9 + 11 + 5 == 59
    assert missing_for_submit(fw, answers, RATINGS, FEEDBACK, "Overall a good review.") == []
    # all 'no' is just as complete, once the reason staff were not interviewed is given
    all_no = complete_answers("no") | {"info.staff_not_interviewed_reason": "Left the service."}
    assert missing_for_submit(fw, all_no, RATINGS, FEEDBACK, "Summary") == []
    # answers are case-insensitive
    assert missing_for_submit(fw, complete_answers("YES"), RATINGS, FEEDBACK, "Summary") == []


def test_everything_missing(fw):
    missing = missing_for_submit(fw, {}, {}, {}, None)
    # 59 yes/no items + 4 ratings + 4 feedback + summary
    assert len(missing) == 59 + 4 + 4 + 1


def test_missing_prompt_is_named(fw):
    answers = complete_answers()
    del answers["1.1.a"]
    missing = missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S")
    assert missing == ["1.1 a) “Does the SFO review sufficiently consider whether all reasonable "
                       "action was taken? (assessment)” is not answered"]


def test_missing_key_question_and_chronology(fw):
    answers = complete_answers()
    answers["3.2"] = None
    answers["chron.c"] = "  "
    missing = missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S")
    assert len(missing) == 2
    assert missing[0].startswith("Chronology c) “Does the chronology include")
    assert missing[1].startswith("3.2 “Do the planned actions sufficiently capture")


@pytest.mark.parametrize("item_id", ["1.1.d", "1.4.d", "2.d", "2.e", "2.f", "3.1.d", "3.1.e", "3.2.c"])
def test_na_where_allowed(fw, item_id):
    answers = complete_answers()
    answers[item_id] = "na"
    assert missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S") == []


@pytest.mark.parametrize("item_id", ["4.a", "4.e", "1.1", "1.1.a", "2.a", "3.2.f", "chron.a",
                                     "info.high_profile"])
def test_na_where_not_allowed(fw, item_id):
    answers = complete_answers()
    answers[item_id] = "not applicable"
    missing = missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S")
    assert len(missing) == 1
    assert "'not applicable' is not allowed here" in missing[0]


def test_2f_is_yes_or_no_from_v2_but_a_v1_qa_may_keep_its_na(fw):
    """2.f "Does the SFO review sufficiently link to other reviews taking place on this case?" is not
    conditional in its own words: v2 asks yes or no. A QA pinned to v1 keeps the answer it had."""
    answers = complete_answers()
    answers["2.f"] = "na"
    assert missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S") == []
    missing = missing_for_submit(load_framework("v2"), answers, RATINGS, FEEDBACK, "S")
    assert len(missing) == 1 and missing[0].startswith("2 f)")
    assert "'not applicable' is not allowed here" in missing[0]


def test_invalid_answer_is_reported(fw):
    answers = complete_answers()
    answers["2.b"] = "maybe"
    missing = missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S")
    assert missing == ["2 b) “Does the SFO review sufficiently consider the practice of staff at all "
                       "levels?”: 'maybe' is not a valid answer (use yes or no)"]


def test_staff_not_interviewed_needs_a_reason(fw):
    answers = complete_answers()
    answers["info.staff_interviewed"] = "no"
    missing = missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S")
    assert len(missing) == 1
    assert "why not?" in missing[0] and "answered no" in missing[0]
    answers["info.staff_not_interviewed_reason"] = "The RO has left the service."
    assert missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S") == []
    # a blank reason is no reason
    answers["info.staff_not_interviewed_reason"] = "   "
    assert len(missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S")) == 1


def test_optional_text_items(fw):
    answers = complete_answers()
    answers["info.case_details"] = "Notes on the case details section."
    assert missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S") == []


def test_ratings_and_feedback(fw):
    ratings = dict(RATINGS)
    ratings["2"] = None
    ratings["3"] = "Excellent"
    del ratings["4"]
    feedback = dict(FEEDBACK)
    feedback["1"] = "   "
    del feedback["4"]
    missing = missing_for_submit(fw, complete_answers(), ratings, feedback, "S")
    assert missing == [
        "Standard 1 (Analysis of practice): written feedback is missing",
        "Standard 2 (Overall judgements): no rating",
        "Standard 3 (Learning): 'Excellent' is not a rating (use Outstanding, Good, "
        "Requires improvement, Inadequate)",
        "Standard 4 (Victims and their families): no rating",
        "Standard 4 (Victims and their families): written feedback is missing",
    ]


@pytest.mark.parametrize("summary", [None, "", "  \n "])
def test_summary_required(fw, summary):
    missing = missing_for_submit(fw, complete_answers(), RATINGS, FEEDBACK, summary)
    assert missing == ["The overall summary is missing"]


def test_unknown_ids_are_reported(fw):
    answers = complete_answers()
    answers["4.f"] = "yes"
    ratings = dict(RATINGS, **{"5": "Good"})
    missing = missing_for_submit(fw, answers, ratings, FEEDBACK, "S")
    assert missing == [
        "An answer is recorded for '4.f', which is not in QA framework v1 (2021-03)",
        "A rating is recorded for standard '5', which is not in QA framework v1 (2021-03)",
    ]


def test_order_follows_the_form(fw):
    answers = complete_answers()
    for i in ("4.e", "info.parallel_reviews", "2.i", "1.3.b", "chron.d"):
        del answers[i]
    missing = missing_for_submit(fw, answers, RATINGS, FEEDBACK, "S")
    assert [m.split("“")[0].strip() for m in missing] == [
        "Information section:", "Chronology d)", "1.3 b)", "2 i)", "4 e)"]
