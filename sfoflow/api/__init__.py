"""The JSON API under /api/v1: bearer tokens only (no cookies, so no CSRF exposure).

Each module is one blueprint of routes; ``sfoflow.app`` lists them and nests them in the
blueprint made here, which carries the API's error handling (JSON for every error).
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint

from . import errors

URL_PREFIX = "/api/v1"


def blueprint(parts: Iterable[Blueprint]) -> Blueprint:
    """A fresh /api/v1 blueprint holding ``parts`` (fresh, because each application needs its own)."""
    api = Blueprint("api", __name__, url_prefix=URL_PREFIX)
    errors.register(api)
    for part in parts:
        api.register_blueprint(part)
    return api
