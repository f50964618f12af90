"""The sample balance counted in SQL (GROUP BY) and the list of years read by index: the same
answers as adding up the decisions by hand."""
from __future__ import annotations

from sfoflow.models.sampling import SampleDecision
from sfoflow.services import sampling as svc
from tests.support import clock
from tests.support.core import make_review


def _decision(session, region, offence, year, k, order, selected, purposive=False):
    review = make_review(session, region=region, offence_category=offence, commit=False)
    session.flush()
    design = {} if k is None else dict(
        k=k, arrival_order=order, run_number=(order - 1) // k + 1, run_position=(order - 1) % k, uniform=0.5,
        threshold=0.2, selected=selected, algorithm_version="cell-hmac-sha256-v1", decided_at=clock.now())
    session.add(SampleDecision(review_id=review.id, region=region, offence_category=offence, sampling_year=year,
                               purposive=purposive, **design))


def test_balance_from_counts_matches_the_decisions_added_by_hand(session):
    for n in range(7):  # London: 7 in the draw, 2 selected -> expected 7/5 = 1.4
        _decision(session, "london", "homicide" if n < 4 else "attempted_murder", 2023, 5, n + 1, n in (2, 6))
    for n in range(3):  # Wales: 3 in the draw, 1 selected -> 0.6; one purposive addition on top
        _decision(session, "wales", "homicide", 2023, 5, n + 1, n == 0)
    _decision(session, "wales", "homicide", 2023, None, None, None, purposive=True)
    _decision(session, "london", "homicide", 2021, 5, 1, True)  # another year: not counted
    session.commit()
    b = svc.balance(session, 2023)
    region = {line["code"]: (line["intake"], line["selected"], line["expected"], line["difference"],
                             line["purposive"]) for line in b["by_region"]}
    assert region["london"] == (7, 2, 1.4, 0.6, 0)
    assert region["wales"] == (3, 1, 0.6, 0.4, 1)
    assert region["north_east"] == (0, 0, 0.0, 0.0, 0)
    offence = {line["code"]: (line["intake"], line["selected"]) for line in b["by_offence"]}
    assert offence["homicide"] == (7, 2) and offence["attempted_murder"] == (3, 1)
    assert (b["total"]["intake"], b["total"]["selected"], b["total"]["expected"], b["total"]["purposive"]) == \
        (10, 3, 2.0, 1)
    assert b["k"] == 5
    years = svc.years(session)
    assert 2023 in years and 2021 in years and years == sorted(years, reverse=True)
    assert set(years) == {2021, 2023, svc.current_year(session)}
