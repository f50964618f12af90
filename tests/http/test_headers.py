"""Issue 14 item 7: security headers on every response, and no inline script but the one line
of GOV.UK Frontend's template that the policy allows by its hash."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest

from sfoflow import create_app
from sfoflow.config import from_env
from sfoflow.workflows import lifecycle as lc
from tests.support.core import auth, make_person

EXPECTED = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def _policy(resp) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in resp.headers["Content-Security-Policy"].split("; ")}


def _check(resp, *, no_store: bool = True):
    for name, value in EXPECTED.items():
        assert resp.headers.get(name) == value, (name, resp.headers)
    policy = _policy(resp)
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    if no_store:
        assert resp.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in resp.headers  # only in production


def _inline_scripts_allowed(resp):
    """Every inline <script> on the page has its hash in the policy (so it runs, and nothing else does)."""
    allowed = _policy(resp)["script-src"]
    html = resp.get_data(as_text=True)
    inline = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S) if "src=" not in attrs]
    assert len(inline) <= 1, inline  # GOV.UK Frontend's js-enabled line, nothing of ours
    for body in inline:
        digest = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        assert digest in allowed, (body, allowed)


@pytest.mark.parametrize("url", ["/sign-in", "/healthz", "/no-such-page", "/api/v1/openapi.json"])
def test_anonymous_responses_carry_the_headers(client, url):
    resp = client.get(url)
    _check(resp)
    if resp.mimetype == "text/html":
        _inline_scripts_allowed(resp)


@pytest.mark.parametrize("url", ["/reviews", "/open-qa", "/open-qa.csv", "/allocate", "/sample/balance"])
def test_case_data_pages_and_downloads_are_not_stored(signed_in, url):
    client, _ = signed_in(lc.MANAGER)
    resp = client.get(url)
    assert resp.status_code == 200, url
    _check(resp)
    if resp.mimetype == "text/html":
        _inline_scripts_allowed(resp)
        assert "app.js" in resp.get_data(as_text=True)


def test_api_answers_are_not_stored(client, session):
    _, token = make_person(session, lc.CENTRAL_TEAM)
    _check(client.get("/api/v1/reviews", headers=auth(token)))


def test_static_assets_may_be_cached(client):
    resp = client.get("/static/app.js")
    assert resp.status_code == 200 and resp.headers.get("Cache-Control") != "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    resp.close()


def test_production_adds_hsts(test_env, database):
    env = {**test_env, "SFOFLOW_ENV": "production", "SFOFLOW_SECRET_KEY": "Vq3" + "x7Lm9PzR2tKw8YbN4cJd6HfS1gUe5AoQ",
           "SFOFLOW_SAMPLING_KEY": "Zr8" + "Tn2Wq5MvX7kLp3BsD9fHj4GcY6eRu1Na"}
    app = create_app(from_env(env))
    resp = app.test_client().get("/sign-in")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
