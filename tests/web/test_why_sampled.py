"""Issue 15: the review page tells the central team and managers why a review was sampled: the
region's run, the draw and its outcome in plain words, and the year's balance alongside. A run
still open is not described (it would tell which reviews come next); inspectors see none of it."""
from __future__ import annotations

from tests.support.core import make_person
from tests.support.reviews import register
from tests.support.web import text


def test_why_a_review_was_sampled(signed_in, session):
    central, _ = make_person(session, "central_team", name="Cara Chestnut")
    made = [register(session, central, reference=f"WHY/{n}", region="wales", provider="N03",
                     received_on=f"2023-05-{n + 1:02d}") for n in range(6)]
    drawn = [r for r in made[:5] if r.route == "hmip"]
    assert len(drawn) == 1  # the design: one review in each complete run of 5
    client, _manager = signed_in("manager")

    first = text(client.get(f"/reviews/{made[0].id}"))
    assert "Wales's reviews are taken in order of arrival in runs of 5" in first
    assert "This review was the first of 5 in Wales's run 1" in first
    expected_outcome = ("It was drawn for HMIP quality assurance." if made[0].route == "hmip"
                        else "It was not drawn: the HMPPS SFO central team quality assures it.")
    assert expected_outcome in first
    assert "Drawn for HMIP" in first and "England and Wales" in first

    sixth = text(client.get(f"/reviews/{made[5].id}"))
    assert "current run, which is not complete yet" in sixth
    assert "run 2" not in sixth

    inspector_client, _ = signed_in("inspector")
    assert inspector_client.get(f"/reviews/{drawn[0].id}").status_code == 404  # not theirs anyway


def test_inspectors_are_not_told(session):
    from sfoflow.services import sample_explained

    central, _ = make_person(session, "central_team")
    inspector, _ = make_person(session, "inspector")
    review = register(session, central, reference="WHY/X")
    assert sample_explained.explain(session, review, inspector) is None
    assert sample_explained.explain(session, review, central) is not None
