"""Driving the web pages through Flask's test client as a browser would: CSRF tokens from the
page, sign-in through the form, the page's visible text."""
from __future__ import annotations

import html
import re

PASSWORD = "password-123"  # tests/conftest.py make_user
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(page) -> str:
    return TOKEN_RE.search(page.get_data(as_text=True)).group(1)


def text(resp) -> str:
    """The page's visible text, roughly: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<script.*?</script>", " ", resp.get_data(as_text=True), flags=re.S)
    body = re.sub(r"</?(span|strong|a|code|em|b)\b[^>]*>", "", body)  # inline: no word break
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def sign_in(client, user, password=PASSWORD, next_url=None):
    page = client.get("/sign-in")
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": user.email, "password": password, "csrf_token": token(page)})


def post_form(client, page_url, action_url, data):
    """Load the page (for its CSRF token), then post the form as the browser would."""
    page = client.get(page_url)
    assert page.status_code == 200, text(page)
    return client.post(action_url, data={"csrf_token": token(page), **data})
