"""In a real browser, with a real worker: the central team imports a large file and watches the
progress bar advance to the result."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser
PASSWORD = "password-123"  # tests/conftest.py make_user
ROWS = 3000


def test_a_large_import_shows_its_progress_then_the_result(browser, make_user, celery_worker, tmp_path, session):
    from sqlalchemy import func, select

    from sfoflow.models import Review

    user, _ = make_user("central_team")
    browser.get(browser.base_url + "/sign-in")
    browser.find_element(By.ID, "email").send_keys(user.email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "sign-in").click()
    WebDriverWait(browser, 15).until(EC.url_changes(browser.base_url + "/sign-in"))
    regions = ["london", "wales", "north_west", "south_west"]
    path = tmp_path / "many-reviews.csv"
    path.write_text("reference,region,offence_category,received_on,local_team_email\n" + "".join(
        f"SFO/BR/{i:05d},{regions[i % 4]},Homicide,27/04/2023,sfo@example.org\n" for i in range(ROWS)))
    browser.get(browser.base_url + "/reviews/import")
    browser.find_element(By.ID, "file").send_keys(str(path))
    browser.find_element(By.ID, "import-reviews").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "import-progress")))
    assert "Importing many-reviews.csv" in browser.find_element(By.TAG_NAME, "h1").text
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if browser.find_elements(By.ID, "import-result"):
            break
        try:
            bar = browser.find_element(By.ID, "progress-written")
            seen.append((int(bar.get_attribute("value")), int(bar.get_attribute("max"))))
        except Exception:  # noqa: BLE001 - the page reloaded with the result between two looks
            pass
        time.sleep(0.1)
    result = browser.find_element(By.ID, "import-result").text
    assert f"Imported {ROWS:,} reviews" in result
    written = [v for v, _max in seen]
    assert written and written[0] < ROWS and written == sorted(written), written  # it advanced, never back
    assert browser.find_element(By.ID, "progress-written").get_attribute("value") == str(ROWS)
    assert browser.find_element(By.ID, "text-written").text == f"{ROWS:,} of {ROWS:,} rows imported"
    assert session.scalar(select(func.count()).select_from(Review)) == ROWS
