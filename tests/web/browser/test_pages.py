"""Each role signs in to a real browser and sees what that role should see; buttons do what they say."""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from sfoflow.workflows import lifecycle as lc
from tests.support.browser import find, go, sign_in, submit
from tests.support.reviews import allocate, register, select_for_hmip
from tests.support.worker import wait_for

pytestmark = pytest.mark.browser

PASSWORD = "password-123"  # tests/conftest.py make_user
ROLE_LABELS = {lc.CENTRAL_TEAM: "Central team (HMPPS SFO team)", lc.INSPECTOR: "Inspector (HMIP)",
               lc.MANAGER: "Manager (HMIP)", lc.ADMIN: "Admin"}
NAV = {  # navigation each role must see, and must not see
    lc.CENTRAL_TEAM: ({"Reviews", "Register a review", "Import reviews"}, {"System status"}),
    lc.INSPECTOR: ({"Reviews"}, {"Register a review", "Import reviews", "System status"}),
    lc.MANAGER: ({"Reviews"}, {"Register a review", "Import reviews", "System status"}),
    lc.ADMIN: ({"Reviews", "System status"}, {"Register a review", "Import reviews"}),
}


def texts(browser, css: str) -> list[str]:
    return [e.text.strip() for e in browser.find_elements(By.CSS_SELECTOR, css)]


def expected_due(received: date) -> date:
    """The 15th working day after receipt, counted by hand with the 2023 England and Wales bank
    holidays around that spring (domain.md): an independent check of the service's calendar."""
    holidays = {date(2023, 4, 7), date(2023, 4, 10), date(2023, 5, 1), date(2023, 5, 8), date(2023, 5, 29)}

    def working(d):
        return d.weekday() < 5 and d not in holidays

    day = received
    while not working(day):
        day += timedelta(days=1)
    counted = 0
    while counted < 15:
        day += timedelta(days=1)
        counted += working(day)
    return day


def test_expected_due_matches_domain_examples():
    assert expected_due(date(2023, 4, 27)) == date(2023, 5, 22)
    assert expected_due(date(2023, 4, 29)) == date(2023, 5, 24)


@pytest.mark.parametrize("role", sorted(NAV))
def test_each_role_sees_who_they_are_and_their_navigation(browser, make_user, role):
    user, _ = make_user(role, name=f"Sam {role.replace('_', ' ').title()}")
    sign_in(browser, user)
    assert find(browser, "#whoami-name").text == user.name
    assert find(browser, "#whoami-email").text == user.email
    assert find(browser, "#whoami-role").text == ROLE_LABELS[role]
    nav = set(texts(browser, ".govuk-service-navigation__link"))
    must, must_not = NAV[role]
    assert must <= nav and not (must_not & nav), nav
    assert browser.title.endswith("– sfoflow")


def test_wrong_password_shows_the_error_summary(browser, make_user):
    user, _ = make_user(lc.MANAGER)
    sign_in(browser, user, password="not-the-password")
    summary = find(browser, ".govuk-error-summary")
    assert "There is a problem" in summary.text
    link = summary.find_element(By.LINK_TEXT, "The email address or password is not right")
    link.click()  # the summary's link takes the person to the field
    assert browser.switch_to.active_element.get_attribute("id") == "email"
    assert browser.title.startswith("Error:")


def test_sign_out(browser, make_user):
    user, _ = make_user(lc.INSPECTOR)
    sign_in(browser, user)
    submit(browser, find(browser, "#sign-out"))
    assert "You have signed out." in find(browser, "main").text
    go(browser, "/reviews")
    assert browser.current_url.startswith(browser.base_url + "/sign-in")
    assert not browser.find_elements(By.CSS_SELECTOR, "#whoami")


def test_central_team_registers_a_review_and_sees_it_with_its_due_date(browser, make_user):
    user, _ = make_user(lc.CENTRAL_TEAM)
    sign_in(browser, user)
    browser.find_element(By.LINK_TEXT, "Register a review").click()
    find(browser, "#reference").send_keys("SFO/2023/0777")
    Select(find(browser, "#region")).select_by_visible_text("Wales")
    Select(find(browser, "#offence_category")).select_by_visible_text("Attempted murder")
    find(browser, "#received_on-day").send_keys("27")
    find(browser, "#received_on-month").send_keys("4")
    find(browser, "#received_on-year").send_keys("2023")
    find(browser, "#local_team_email").send_keys("sfo.wales@example.org")
    submit(browser, find(browser, "#register-review"))

    due = expected_due(date(2023, 4, 27))
    due_text = f"{due.day} {due:%B %Y}"
    assert find(browser, "h1").text == "Review SFO/2023/0777"
    assert find(browser, "#due-date").text == due_text
    assert f"It is due on {due_text}" in find(browser, "#flash-success").text

    browser.find_element(By.LINK_TEXT, "Reviews").click()
    row = find(browser, 'tr[data-reference="SFO/2023/0777"]')
    assert due_text in row.text and "Wales" in row.text and "Attempted murder" in row.text


def test_register_form_errors_link_to_their_fields(browser, make_user):
    user, _ = make_user(lc.CENTRAL_TEAM)
    sign_in(browser, user)
    go(browser, "/reviews/new")
    submit(browser, find(browser, "#register-review"))
    summary = find(browser, ".govuk-error-summary")
    assert browser.switch_to.active_element == summary  # GOV.UK Frontend moves focus to the summary
    summary.find_element(By.LINK_TEXT, "Enter the review's reference").click()
    assert browser.switch_to.active_element.get_attribute("id") == "reference"


def test_inspector_sees_only_reviews_allocated_to_them(browser, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    me, _ = make_user(lc.INSPECTOR, name="Ines Inspector")
    other, _ = make_user(lc.INSPECTOR)
    mine = allocate(session, register(session, central, reference="MINE-7"), central, me)
    theirs = allocate(session, register(session, central, reference="THEIRS-7"), central, other)
    register(session, central, reference="UNALLOCATED-7")
    sign_in(browser, me)
    assert find(browser, "h1").text == "My tasks"  # an inspector lands on their work (issue 15)
    go(browser, "/reviews")
    assert find(browser, "h1").text == "My reviews"
    refs = [r.get_attribute("data-reference") for r in browser.find_elements(By.CSS_SELECTOR, "#reviews tbody tr")]
    assert refs == ["MINE-7"]
    go(browser, f"/reviews/{theirs.id}")
    assert find(browser, "h1").text == "Page not found"
    go(browser, f"/reviews/{mine.id}")
    assert find(browser, "#inspector").text.startswith("Ines Inspector")


def test_start_button_moves_the_review_and_the_audit_trail(browser, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    me, _ = make_user(lc.INSPECTOR)
    review = allocate(session, register(session, central), central, me)
    sign_in(browser, me)
    go(browser, f"/reviews/{review.id}")
    assert find(browser, "#state").text == "Allocated"
    rows_before = len(browser.find_elements(By.CSS_SELECTOR, "#audit tbody tr"))
    submit(browser, find(browser, "#action-start"))
    assert find(browser, "#state").text == "In QA"
    rows = browser.find_elements(By.CSS_SELECTOR, "#audit tbody tr")
    assert len(rows) == rows_before + 1
    last = rows[-1].text
    assert "Start QA" in last and "Allocated → In QA" in last and me.email in last
    assert not browser.find_elements(By.CSS_SELECTOR, "#action-start")  # no longer offered


def test_central_team_allocates_with_the_inspector_list(browser, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    inspector, _ = make_user(lc.INSPECTOR, name="Ivo Inspector")
    review = select_for_hmip(session, register(session, central))
    sign_in(browser, central)
    go(browser, f"/reviews/{review.id}")
    Select(find(browser, "#inspector_id-allocate")).select_by_value(str(inspector.id))
    submit(browser, find(browser, "#action-allocate"))
    assert find(browser, "#state").text == "Allocated"
    assert find(browser, "#inspector").text == f"Ivo Inspector ({inspector.email})"
    last = browser.find_elements(By.CSS_SELECTOR, "#audit tbody tr")[-1].text
    assert "Allocate" in last and "to Ivo Inspector" in last and "Selected for HMIP → Allocated" in last


def test_a_refused_action_shows_why_and_changes_nothing(browser, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    review = select_for_hmip(session, register(session, central))
    sign_in(browser, central)
    go(browser, f"/reviews/{review.id}")
    submit(browser, find(browser, "#action-withdraw"))
    summary = find(browser, ".govuk-error-summary")
    summary.find_element(By.LINK_TEXT, "Enter the reason to withdraw").click()
    assert browser.switch_to.active_element.get_attribute("id") == "reason-withdraw"
    assert find(browser, "#state").text == "Selected for HMIP"
    browser.switch_to.active_element.send_keys("Sent to us twice")
    submit(browser, find(browser, "#action-withdraw"))
    assert "Are you sure you want to withdraw this review?" in browser.page_source  # issue 15
    submit(browser, find(browser, "#confirm-withdraw"))
    assert find(browser, "#state").text == "Withdrawn"
    assert "Sent to us twice" in browser.find_elements(By.CSS_SELECTOR, "#audit tbody tr")[-1].text


def test_manager_grants_an_extension(browser, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    manager, _ = make_user(lc.MANAGER)
    review = select_for_hmip(session, register(session, central))
    sign_in(browser, manager)
    go(browser, f"/reviews/{review.id}")
    find(browser, "#details-extension summary").click()
    find(browser, "#ext-new_due_on-day").send_keys("30")
    find(browser, "#ext-new_due_on-month").send_keys("5")
    find(browser, "#ext-new_due_on-year").send_keys("2023")
    find(browser, "#ext-reason").send_keys("Inspector ill")
    submit(browser, find(browser, "#grant-extension"))
    assert find(browser, "#due-date").text == "30 May 2023"
    assert find(browser, "#original-due-date").text == "22 May 2023"


def test_admin_sends_a_test_task_from_the_status_page(browser, make_user):
    admin, _ = make_user(lc.ADMIN)
    sign_in(browser, admin)
    browser.find_element(By.LINK_TEXT, "System status").click()
    assert find(browser, "#check-database").text == "OK"
    submit(browser, find(browser, "#send-test-task"))
    first = browser.find_elements(By.CSS_SELECTOR, "#health-checks tbody tr")[0]
    assert "Waiting for a worker" in first.text or "Done" in first.text  # a worker may already be running


@pytest.mark.worker
def test_a_task_sent_from_the_page_is_run_by_a_real_worker(browser, make_user, celery_worker):
    admin, _ = make_user(lc.ADMIN)
    sign_in(browser, admin)
    go(browser, "/admin/status")
    submit(browser, find(browser, "#send-test-task"))

    def done():
        browser.find_element(By.ID, "refresh").click()  # what a person would do: refresh the page
        result = browser.find_elements(By.CSS_SELECTOR, "#health-checks tbody tr")[0].text
        return result if "Done by" in result else None

    result = wait_for(done, 60, interval=1)
    assert result, f"no worker ran the task:\n{celery_worker.log()[-2000:]}"
    assert "sfoflow-test-" in result  # the test worker's name (tests/support/worker.py), as recorded by the task


def test_review_page_screenshot(browser, make_user, session):
    """One picture of the review page, for a person to look at (assets from `sfoflow assets`)."""
    central, _ = make_user(lc.CENTRAL_TEAM, name="Cara Central")
    inspector, _ = make_user(lc.INSPECTOR, name="Ivo Inspector", is_senior=True)  # high profile needs senior
    review = allocate(session, register(session, central, is_high_profile=True), central, inspector)
    sign_in(browser, central)
    go(browser, f"/reviews/{review.id}")
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, min(max(height, 1000), 4000))
    assert browser.save_screenshot(os.environ.get("SFOFLOW_SCREENSHOT", "/tmp/sfoflow-review.png"))
    browser.set_window_size(1280, 1000)
