"""The allocation notice confirms the high-profile status and lists the parallel reviews; a
high-profile query tells the central team (and the senior policy adviser, if set) at once.

Seed 001: "The HMPPS central team designates a case as high profile upon receipt of the initial
notification. At the point of allocation, the email will contain confirmation of the case's
high-profile status." ... "the Inspector should contact the senior policy advisor in HMPPS SFO
central team ... The final decision regarding a case's high-profile status rests with the HMPPS
SFO central team".
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sfoflow.db import transaction
from sfoflow.models.notifications import Notification
from sfoflow.services import high_profile_queries as hpq
from sfoflow.services import settings
from sfoflow.services.lifecycle import apply_action
from tests import support
from tests.support import clock
from tests.support.core import auth, make_person, make_review

SEED_001 = " ".join((support.DATA / "seeds" / "001_a41fd527dc2c534f.txt").read_text(encoding="utf-8").split())


def test_the_seed_says_the_allocation_email_confirms_the_status():
    assert ("At the point of allocation, the email will contain confirmation of the case's high-profile status."
            in SEED_001)
    assert "The final decision regarding a case's high-profile status rests with the HMPPS SFO central team" \
        in SEED_001


@pytest.mark.parametrize("high_profile,parallel,lines", [
    (True, 1, ["High-profile status: the HMPPS SFO central team has designated this case as high profile.",
               "Parallel reviews known to the central team:\n- Domestic homicide review: in progress"]),
    (False, 0, ["High-profile status: the HMPPS SFO central team has designated this case as not high profile.",
                "Parallel reviews: none known to the central team."]),
])
def test_the_allocation_notice_confirms_status_and_lists_parallel_reviews(client, session, high_profile,
                                                                           parallel, lines):
    _central, token = make_person(session, "central_team")
    inspector, _ = make_person(session, "inspector", name="Ina Inspector", is_senior=True)
    review = make_review(session, state="selected_for_hmip", route="hmip", is_high_profile=high_profile,
                         parallel=parallel, due_on=clock.today() + timedelta(days=21))
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/allocate", headers=auth(token),
                       json={"version": review.version, "inspector_id": inspector.id})
    assert resp.status_code == 200, resp.json
    notice = session.scalar(select(Notification).where(Notification.kind == "allocated"))
    for line in lines:
        assert line in notice.body
    assert "raise a high-profile query from the QA form" in notice.body


def test_a_query_tells_the_central_team_and_the_adviser_and_the_decision_tells_the_inspector(session):
    inspector, _ = make_person(session, "inspector", name="Ina Inspector")
    central1, _ = make_person(session, "central_team", name="Cen One")
    central2, _ = make_person(session, "central_team", name="Cen Two")
    with transaction(session):
        settings.set_value(session, "senior_policy_adviser_email", "spa@hmpps.example.org")
    review = make_review(session, state="allocated", inspector=inspector)
    apply_action(session, review, "start", inspector, version=review.version)
    session.commit()
    with transaction(session):
        query = hpq.raise_query(session, review, inspector, "national press coverage")
    sent = session.scalars(select(Notification).where(Notification.kind == "high_profile_query")
                           .order_by(Notification.id)).all()
    assert [n.recipient_email for n in sent] == [central1.email, central2.email, "spa@hmpps.example.org"]
    assert sent[0].subject == f"High-profile query on SFO review {review.reference}"
    assert "Ina Inspector has queried the high-profile status" in sent[0].body
    assert "should be high profile" in sent[0].body
    assert "national press coverage" not in sent[0].body  # no case details in an email
    with transaction(session):
        hpq.decide(session, query, central1, "accept", "agreed")
    told = session.scalar(select(Notification).where(Notification.kind == "high_profile_decided"))
    assert told.recipient_email == inspector.email
    assert "accepted your high-profile query" in told.body and "The case is high profile." in told.body


def test_without_an_adviser_only_the_central_team_is_told(session):
    inspector, _ = make_person(session, "inspector")
    central, _ = make_person(session, "central_team")
    review = make_review(session, state="allocated", inspector=inspector)
    apply_action(session, review, "start", inspector, version=review.version)
    session.commit()
    with transaction(session):
        hpq.raise_query(session, review, inspector, "reason")
    assert [n.recipient_email for n in session.scalars(select(Notification))] == [central.email]
