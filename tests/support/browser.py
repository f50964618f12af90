"""What the browser tests do on every page: go to a path, find, click (centred, clear of the
sticky "Last saved" bar), submit a form and wait for the next page, sign in as someone."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.web import PASSWORD


def go(browser, path: str) -> None:
    browser.get(browser.base_url + path)


def find(browser, css: str):
    return browser.find_element(By.CSS_SELECTOR, css)


def click(browser, element) -> None:
    # Centre it first, clear of the sticky "saved" line at the top of the form.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def submit(browser, element) -> None:
    """Click a button that posts a form, and wait for the next page."""
    page = browser.find_element(By.TAG_NAME, "html")
    click(browser, element)
    WebDriverWait(browser, 30).until(EC.staleness_of(page))


def sign_in(browser, user, password: str = PASSWORD) -> None:
    browser.delete_all_cookies()
    go(browser, "/sign-in")
    find(browser, "#email").send_keys(user.email)
    find(browser, "#password").send_keys(password)
    submit(browser, find(browser, "#sign-in"))
