"""Security headers on every response, pages and API alike.

* ``Content-Security-Policy``: scripts, styles, images and fonts from this site only; no inline
  script except the one line GOV.UK Frontend's page template writes to mark that JavaScript
  runs (allowed by its SHA-256, read from the installed template, as GOV.UK Frontend's
  documentation advises); no plugins, no framing, forms post only here.
* ``X-Frame-Options: DENY`` (older browsers; ``frame-ancestors 'none'`` for the rest),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``, a ``Permissions-Policy``
  that turns off what sfoflow never uses, and ``Strict-Transport-Security`` in production.
* ``Cache-Control: no-store`` on everything but the static assets: pages, PDFs, CSVs and API
  answers carry case data, which no browser or proxy cache should keep.
"""
from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, request

HSTS = "max-age=31536000; includeSubDomains"


@lru_cache(maxsize=1)
def govuk_inline_script_hashes() -> tuple[str, ...]:
    """The CSP hash of each inline script in GOV.UK Frontend's page template, as installed."""
    import govuk_frontend_jinja

    template = Path(govuk_frontend_jinja.__file__).parent / "templates" / "template.html"
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", template.read_text(encoding="utf-8"), re.S)
    return tuple("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                 for s in scripts if s.strip())


def content_security_policy() -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(govuk_inline_script_hashes()),
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def init_app(app: Flask, *, production: bool) -> None:
    policy = content_security_policy()

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
        return response
