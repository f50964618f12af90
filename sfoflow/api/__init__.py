"""The JSON API under /api/v1: bearer tokens only (no cookies, so no CSRF exposure)."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    from . import errors, lifecycle, openapi, reviews, users  # noqa: F401  (routes register on import)
    from . import extra  # noqa: F401

    app.register_blueprint(bp)
    from ..web.csrf import csrf

    csrf.exempt(bp)
