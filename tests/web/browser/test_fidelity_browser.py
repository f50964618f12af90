"""In a real browser: the inspector sees the rating characteristics beside a rating, records
staff interviewed by role, and a high-profile mismatch raises a query the central team is told of
(in their email, recorded by the notification pipeline)."""
from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from sfoflow.models.notifications import Notification
from tests.support import clock, seed_text
from tests.support.browser import click, find, go, sign_in, submit
from tests.support.reviews import allocate, register

pytestmark = pytest.mark.browser

PASSWORD = "password-123"
GOOD_1 = seed_text.characteristics()["standards"]["1"]["good"]


def test_characteristics_beside_a_rating_staff_by_role_and_a_high_profile_query(browser, session, make_user):
    central, _ = make_user("central_team", name="Cara Central")
    inspector, _ = make_user("inspector", name="Ivy Inspector")
    manager, _ = make_user("manager", name="Max Manager")
    review = register(session, central, reference="SFO/2024/0912", received_on=clock.today().isoformat(),
                      region="wales", local_team_email="sfo.wales@example.org", is_high_profile=False)
    allocate(session, review, central, inspector, manager)

    sign_in(browser, inspector)
    go(browser, f"/reviews/{review.id}/qa")
    submit(browser, find(browser, "#start-qa"))

    # the characteristics of 'Good' for standard 1, beside its rating, open on a click
    details = find(browser, "#characteristics-1-good")
    assert not find(browser, "#characteristics-1-good .govuk-details__text").is_displayed()
    click(browser, find(browser, "#characteristics-1-good summary"))
    shown = find(browser, "#characteristics-1-good .govuk-details__text").text
    assert GOOD_1[0] in shown and GOOD_1[-1] in shown
    assert details.location["y"] > find(browser, "#rating-1").location["y"]  # right after the rating choices

    # the information section: staff by role, the designation pre-filled, then a mismatch
    submit(browser, find(browser, "#record-information"))
    assert find(browser, "#high_profile-2").is_selected()  # "No", as the central team recorded
    click(browser, find(browser, "#staff-responsible_officers"))
    click(browser, find(browser, "#staff-head_of_ldu-2"))  # not interviewed: the reason appears
    reason = find(browser, "#staff-head_of_ldu-reason")
    WebDriverWait(browser, 10).until(lambda b: reason.is_displayed())
    reason.send_keys("Retired before the review began")
    click(browser, find(browser, "#high_profile"))  # "Yes": differs from the designation
    submit(browser, find(browser, "#save-information"))
    assert "Information section saved." in find(browser, "#flash-success").text
    assert find(browser, "#staff-head_of_ldu-2").is_selected()
    assert "differs from the central team's" in find(browser, "#high-profile-mismatch").text

    find(browser, "#hpq-reason").send_keys("Local and national press coverage of the offence")
    submit(browser, find(browser, "#raise-hp-query"))
    assert "sent to the central team" in find(browser, "#flash-success").text

    session.expire_all()
    told = session.scalars(select(Notification).where(Notification.kind == "high_profile_query")).all()
    assert [n.recipient_email for n in told] == [central.email]
    assert "Ivy Inspector has queried the high-profile status of SFO review SFO/2024/0912" in told[0].body

    # the central team sees it in their queue
    sign_in(browser, central)
    go(browser, "/high-profile-queries")
    assert "SFO/2024/0912" in find(browser, "main").text
