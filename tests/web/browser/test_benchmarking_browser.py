"""In a real browser: three raters (two HMIP inspectors and an HMPPS QA officer) complete a
benchmarking exercise; none of them sees another's answers before the reveal; after the last
rating is handed in, the manager sees the agreement table."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from sfoflow.services import benchmarking
from tests.support.browser import go, sign_in, submit
from tests.support.core import make_review

pytestmark = pytest.mark.browser
PASSWORD = "password-123"  # tests/conftest.py make_user
KEY_QUESTIONS = ("1.1", "1.2", "1.3", "1.4", "3.1", "3.2")
# What each rater answers: the HMPPS officer rates standard 2 lower and answers 1.2 "no".
CHOICES = {
    "Ada": ({"1.2": "yes"}, {"1": "good", "2": "good", "3": "good", "4": "good"}),
    "Ben": ({"1.2": "yes"}, {"1": "good", "2": "good", "3": "good", "4": "good"}),
    "Cy": ({"1.2": "no"}, {"1": "good", "2": "requires_improvement", "3": "good", "4": "good"}),
}


def click(browser, element_id: str) -> None:
    element = browser.find_element(By.ID, element_id)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


@pytest.fixture
def exercise(session, make_user):
    ada, _ = make_user("inspector", name="Ada")
    ben, _ = make_user("inspector", name="Ben")
    cy, _ = make_user("central_team", name="Cy")
    cy.hmpps_qa = True
    manager, _ = make_user("manager", name="Meg Manager")
    review = make_review(session, state="feedback_sent", route="hmip", reference="BENCH/1")
    e = benchmarking.create(session, {"title": "Winter benchmarking", "review_ids": [review.id],
                                      "rater_ids": [ada.id, ben.id, cy.id]}, manager)
    session.commit()
    return {"raters": [ada, ben, cy], "manager": manager, "review": review, "id": e.id}


def test_three_raters_blind_then_the_manager_sees_the_agreement(browser, exercise):
    review = exercise["review"]
    for rater in exercise["raters"]:
        sign_in(browser, rater)
        go(browser, f"/benchmarking/{exercise['id']}")
        page = browser.find_element(By.TAG_NAME, "main").text
        assert "Raters work blind" in page
        assert not browser.find_elements(By.ID, "agreement-table")
        # the original QA is closed to a rater until the reveal
        go(browser, f"/reviews/{review.id}/qa")
        assert "Read the QA" not in browser.find_element(By.TAG_NAME, "main").text
        go(browser, f"/benchmarking/{exercise['id']}/reviews/{review.id}")
        form = browser.find_element(By.ID, "rating-form")
        # nobody else's answer is on the form: every radio starts empty
        assert not form.find_elements(By.CSS_SELECTOR, "input[type=radio]:checked")
        answers, ratings = CHOICES[rater.name]
        for kq in KEY_QUESTIONS:
            click(browser, f"answer-{kq.replace('.', '-')}-{answers.get(kq, 'yes')}")
        for sid, key in ratings.items():
            click(browser, f"rating-{sid}-{key}")
        submit(browser, browser.find_element(By.ID, "hand-in"))
        assert "Rating handed in" in browser.find_element(By.TAG_NAME, "main").text

    sign_in(browser, exercise["manager"])
    go(browser, f"/benchmarking/{exercise['id']}")
    assert "every rating was handed in" in browser.find_element(By.ID, "exercise-status").text
    table = browser.find_element(By.ID, "agreement-table")
    rows = {row.get_attribute("data-key"): [c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")]
            for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
    # question, review, Ada, Ben, Cy, original QA, exact agreement, alpha
    assert rows["standard:2"][:5] == ["Standard 2: Overall judgements", "BENCH/1", "Good", "Good",
                                      "Requires improvement"]
    assert rows["standard:2"][6] == "0%"  # one review, and the three raters did not all agree
    assert rows["standard:1"][6] == "100%"
    assert rows["1.2"][2:5] == ["Yes", "Yes", "No"]
