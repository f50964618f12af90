"""Issue 15: at 1280 px and at 375 px (and 320 px for reflow) each role's landing page, the
lists, the QA form and the allocation page never scroll sideways, and axe-core (injected into
the real browser) reports no serious or critical accessibility violation."""
from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from sfoflow.services import assessment as qa
from sfoflow.services.lifecycle import apply_action
from tests.support import clock
from tests.support.axe import axe_available, set_viewport, sideways_scroll, violations
from tests.support.core import make_review

pytestmark = pytest.mark.browser
PASSWORD = "password-123"  # tests/conftest.py make_user

PAGES = {  # role -> the pages to check (the first is where the role lands)
    "inspector": ["/my-tasks", "/reviews", "/notifications", "QA_FORM"],
    "manager": ["/dashboard", "/reviews", "/open-qa", "/workload", "/timeliness", "/allocate"],
    "central_team": ["/intake", "/reviews", "/allocate"],
    "admin": ["/admin/", "/admin/users"],
}


def sign_in(browser, user) -> None:
    browser.get(browser.base_url + "/sign-in")
    browser.find_element(By.CSS_SELECTOR, "#email").send_keys(user.email)
    browser.find_element(By.CSS_SELECTOR, "#password").send_keys(PASSWORD)
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "#sign-in").click()
    WebDriverWait(browser, 15).until(EC.staleness_of(page))


@pytest.fixture
def arranged(session, make_user):
    """Enough of everything that every table has rows: reviews in each open state, one QA started."""
    people = {role: make_user(role, name=f"Pat {role.replace('_', ' ').title()}")[0] for role in PAGES}
    inspector = people["inspector"]
    today = clock.today()
    for n in range(4):
        make_review(session, state="selected_for_hmip", route="hmip", reference=f"SFO/WIDTH/SEL/{n:04d}",
                    region="kent_surrey_sussex", due_on=today + timedelta(days=10 + n))
    make_review(session, state="awaiting_sign_off", route="hmip", inspector=inspector,
                reference="SFO/WIDTH/SIGN/0001", due_on=today + timedelta(days=5))
    make_review(session, state="in_qa", route="hmip", inspector=inspector, reference="SFO/WIDTH/LATE/0001",
                due_on=today - timedelta(days=2), is_high_profile=True)
    started = make_review(session, state="allocated", route="hmip", inspector=inspector,
                          reference="SFO/WIDTH/QA/0001", due_on=today + timedelta(days=12), parallel=2)
    apply_action(session, started, "start", inspector, version=started.version)
    session.commit()
    assert qa.get(session, started) is not None
    return people, started


@pytest.mark.parametrize("role", list(PAGES))
def test_no_sideways_scroll_and_no_serious_axe_violation(browser, arranged, role):
    if not axe_available():
        pytest.fail("axe-core is missing: run `npm ci` (package.json lists it)")
    people, started = arranged
    sign_in(browser, people[role])
    problems = []
    try:
        for width in (1280, 375, 320):
            set_viewport(browser, width)
            for path in PAGES[role]:
                path = f"/reviews/{started.id}/qa" if path == "QA_FORM" else path
                browser.get(browser.base_url + path)
                assert "Sign in" not in browser.title, path
                extra = sideways_scroll(browser)
                if extra > 0:
                    problems.append(f"{path} at {width}px scrolls sideways by {extra}px")
                if width != 320:  # axe at the two widths the issue names
                    problems += [f"{path} at {width}px: {v}" for v in violations(browser)]
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not problems, "\n".join(problems)
