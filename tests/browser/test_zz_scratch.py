import pytest
from selenium.webdriver.common.by import By
from sfoflow.workflows import lifecycle as lc
from tests.browser.factories import allocate, register, select_for_hmip
from tests.browser.test_pages import sign_in, go, find, submit
from datetime import date, timedelta

def shot(browser, name):
    h = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, min(max(h, 800), 3000))
    browser.save_screenshot(f"/tmp/scratch-{name}.png")
    browser.set_window_size(1280, 1000)

def test_scratch(browser, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM, name="Cara Central")
    insp, _ = make_user(lc.INSPECTOR, name="Ivo Inspector", is_senior=True)
    for i in range(8):
        r = register(session, central, reference=f"SFO/2024/{i:04d}", received_on=(date.today()-timedelta(days=3*i)).isoformat(), region=["london","wales","north_east"][i%3], is_high_profile=i%4==0, **({"parallel_reviews": []} if i%2 else {}))
    sign_in(browser, central)
    go(browser, "/reviews")
    shot(browser, "list")
    go(browser, "/reviews/new")
    submit(browser, find(browser, "#register-review"))
    shot(browser, "register-errors")
    go(browser, "/reviews/import")
    shot(browser, "import")
