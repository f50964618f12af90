"""Real headless Chromium (Debian's chromium and chromedriver) against a live server.

The server is werkzeug's, in a thread of the test process, serving the same app and database
as the other tests, so data arranged through the services is what the browser sees.
Without chromium or chromedriver these tests are skipped with the reason; with CI=true they fail.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading

import pytest
from werkzeug.serving import make_server

CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("SFOFLOW_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SFOFLOW_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1280,1000")


def _unavailable(message: str):
    if CI:
        pytest.fail(f"browser tests cannot run: {message}")  # in CI a missing browser is a failure
    pytest.skip(f"browser tests skipped: {message}")


@pytest.fixture(scope="session")
def live_server(app):
    """The app on 127.0.0.1 at a free port; its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def _driver():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.exists(p) and os.access(p, os.X_OK))]
    if missing:
        _unavailable(f"{', '.join(missing)} not found (Debian: apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        _unavailable(f"selenium is not installed ({exc})")
    profile = tempfile.mkdtemp(prefix="sfoflow-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")  # a fresh profile: no state from earlier runs
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except Exception as exc:  # noqa: BLE001 - any start-up failure means "no browser here"
        shutil.rmtree(profile, ignore_errors=True)
        _unavailable(f"chromium did not start: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(_driver, live_server):
    """The shared browser, signed out: cookies from the previous test are gone."""
    _driver.get(live_server + "/healthz")
    _driver.delete_all_cookies()
    _driver.base_url = live_server
    return _driver
