"""In a real browser: an inspector sees exactly their own reviews on "My tasks"; a manager sees
every open QA with the overdue first; the central team allocates with the suggestion."""
from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from tests.support import clock
from tests.support.browser import go, sign_in, submit
from tests.support.core import make_review
from tests.support.deadlines import working_after, working_before

pytestmark = pytest.mark.browser
PASSWORD = "password-123"  # tests/conftest.py make_user


def references(browser, table_id: str) -> list[str]:
    return [row.get_attribute("data-reference")
            for row in browser.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")]


@pytest.fixture
def open_work(session, make_user):

    today = clock.today()
    me, _ = make_user("inspector", name="Ivy Inspector")
    other, _ = make_user("inspector", name="Otto Other")
    mine = [make_review(session, state="in_qa", inspector=me, due_on=working_after(today, 6), reference="MINE/2"),
            make_review(session, state="allocated", inspector=me, due_on=working_before(today, 2),
                        reference="MINE/1", is_high_profile=True)]
    theirs = [make_review(session, state="in_qa", inspector=other, due_on=working_before(today, 4),
                          reference="THEIRS/1"),
              make_review(session, state="allocated", inspector=other, due_on=working_after(today, 3),
                          reference="THEIRS/2")]
    waiting = make_review(session, state="selected_for_hmip", due_on=working_after(today, 12), reference="WAITING/1")
    make_review(session, state="feedback_sent", inspector=me, due_on=date(2023, 5, 22), reference="MINE/DONE")
    return {"me": me, "other": other, "mine": mine, "theirs": theirs, "waiting": waiting}


def test_an_inspector_sees_exactly_their_own_open_reviews(browser, open_work):
    sign_in(browser, open_work["me"])
    go(browser, "/my-tasks")
    assert references(browser, "tasks") == ["MINE/1", "MINE/2"]  # overdue first, then by due date
    first = browser.find_element(By.ID, f"task-{open_work['mine'][1].id}")
    assert "overdue" in first.text and "High profile" in first.text
    assert "Start QA" in first.text
    # the other inspector's reviews are not reachable either
    go(browser, f"/reviews/{open_work['theirs'][0].id}")
    assert "THEIRS/1" not in browser.find_element(By.TAG_NAME, "main").text


def test_a_manager_sees_all_open_qa_overdue_first(browser, open_work, make_user):
    manager, _ = make_user("manager")
    sign_in(browser, manager)
    go(browser, "/open-qa")
    assert references(browser, "open-qa") == ["THEIRS/1", "MINE/1", "THEIRS/2", "MINE/2", "WAITING/1"]
    assert browser.find_element(By.ID, "count-overdue").text == "2"
    assert browser.find_element(By.ID, "count-open").text == "5"
    overdue = [r.get_attribute("data-overdue") for r in browser.find_elements(By.CSS_SELECTOR, "#open-qa tbody tr")]
    assert overdue == ["yes", "yes", "no", "no", "no"]
    # filter to the overdue ones
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, "overdue")).select_by_value("true")
    submit(browser, browser.find_element(By.ID, "apply-filters"))
    assert references(browser, "open-qa") == ["THEIRS/1", "MINE/1"]


def test_the_central_team_allocates_with_the_suggestion(browser, open_work, make_user, session):
    from sfoflow.models import Review

    central, _ = make_user("central_team")
    sign_in(browser, central)
    go(browser, "/allocate")
    waiting = open_work["waiting"]
    # Ivy holds 2, Otto 2: equal spare (capacity 6), so the tie goes to the name: Ivy
    assert "Ivy Inspector" in browser.find_element(By.ID, f"suggestion-{waiting.id}").text
    browser.find_element(By.CSS_SELECTOR, f"label[for='allocate-{waiting.id}']").click()
    submit(browser, browser.find_element(By.ID, "allocate-ticked"))
    assert "Allocated 1 review: WAITING/1 to Ivy Inspector" in browser.find_element(By.ID, "flash-success").text
    session.expire_all()
    assert session.get(Review, waiting.id).inspector_id == open_work["me"].id


def test_the_allocation_page_counts_the_picks_made_on_it_as_they_are_made(browser, session, make_user):
    """Ivy has capacity 6 and holds 5, Otto holds none: ticking three reviews and choosing Ivy for
    each leaves her lists showing fewer spare places, and the summary (read out as it changes)
    says she would go two over and be asked for a reason."""
    from selenium.webdriver.support.ui import Select


    today = clock.today()
    ivy, _ = make_user("inspector", name="Ivy Inspector", capacity=6)
    make_user("inspector", name="Otto Other", capacity=6)
    for n in range(5):
        make_review(session, state="in_qa", inspector=ivy, due_on=working_after(today, 10), reference=f"IVY/{n}")
    waiting = [make_review(session, state="selected_for_hmip", due_on=working_after(today, 12 + n),
                           reference=f"WAIT/{n}") for n in range(3)]
    central, _ = make_user("central_team")
    sign_in(browser, central)
    go(browser, "/allocate")
    summary = browser.find_element(By.ID, "allocation-summary")
    assert not summary.is_displayed()  # nothing ticked yet
    for review in waiting:
        browser.find_element(By.CSS_SELECTOR, f"label[for='allocate-{review.id}']").click()
        Select(browser.find_element(By.ID, f"inspector-{review.id}")).select_by_value(str(ivy.id))
    assert summary.is_displayed()
    assert ("Ivy Inspector: 3 reviews ticked, 1 spare (2 over capacity: you will be asked for a reason)"
            in summary.text)
    assert summary.get_attribute("aria-live") == "polite"
    # each list counts the other two rows' picks: 1 spare, less the two Ivy holds elsewhere on the page
    labels = [o.text for o in Select(browser.find_element(By.ID, f"inspector-{waiting[0].id}")).options]
    assert "Ivy Inspector (1 over capacity)" in labels and "Otto Other (6 spare)" in labels
    Select(browser.find_element(By.ID, f"inspector-{waiting[2].id}")).select_by_value("")
    assert "Ivy Inspector: 2 reviews ticked, 1 spare (1 over capacity" in summary.text
