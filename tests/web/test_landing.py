"""Issue 15: each role lands on its work; the managers' dashboard, the central team's intake and
everyone's own notifications."""
from __future__ import annotations

from datetime import timedelta

import pytest

from sfoflow.models.assessment import HighProfileQuery
from sfoflow.services import high_profile_queries as hpq
from tests.support import clock
from tests.support.core import make_person, make_review
from tests.support.web import text


@pytest.mark.parametrize("role,landing", [("inspector", "/my-tasks"), ("manager", "/dashboard"),
                                          ("central_team", "/intake"), ("admin", "/admin/")])
def test_each_role_lands_on_its_work(signed_in, role, landing):
    client, _user = signed_in(role)
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"] == landing
    assert client.get(landing).status_code == 200


def test_the_dashboard_shows_what_needs_a_manager(signed_in, session):
    client, _manager = signed_in("manager")
    inspector, _ = make_person(session, "inspector", name="Ina Inspector")
    today = clock.today()
    make_review(session, state="awaiting_sign_off", inspector=inspector, reference="SIGN/1",
                due_on=today + timedelta(days=14))
    make_review(session, state="in_qa", inspector=inspector, reference="LATE/1", due_on=today - timedelta(days=3))
    make_review(session, state="selected_for_hmip", route="hmip", reference="FREE/1", due_on=today + timedelta(days=20))
    page = client.get("/dashboard")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    words = text(page)
    for section, reference in (("sign-off", "SIGN/1"), ("overdue", "LATE/1"), ("unallocated", "FREE/1")):
        table = body.split(f'id="{section}"')[1].split("</table>")[0]
        assert reference in table, section
    assert "This year so far" in words and 'id="headline-ratings"' in body
    assert "YEAR-TO-DATE CHARTS" not in words  # the marked block is a template comment, not shown


def test_intake_shows_unallocated_and_high_profile_queries(signed_in, session):
    client, _central = signed_in("central_team")
    inspector, _ = make_person(session, "inspector", name="Ina Inspector")
    make_review(session, state="selected_for_hmip", route="hmip", reference="FREE/2",
                due_on=clock.today() + timedelta(days=20))
    asked = make_review(session, state="in_qa", inspector=inspector, reference="HP/1",
                        due_on=clock.today() + timedelta(days=20))
    hpq.raise_query(session, asked, inspector, "In the national news")
    session.commit()
    page = client.get("/intake")
    words = text(page)
    assert "FREE/2" in words and "Ina Inspector asks that it be high profile" in words and "HP/1" in words
    assert session.query(HighProfileQuery).count() == 1

    box = client.get("/notifications")
    assert box.status_code == 200
    assert "New high-profile query (1)" in text(box) and "HP/1" in text(box), text(box)[-1500:]
