"""The JSON API under /api/v1: bearer tokens only (no cookies, so no CSRF exposure)."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    import sys

    from .. import plugins

    plugins.import_all(sys.modules[__name__])  # each module's routes register on ``bp``

    app.register_blueprint(bp)
    from ..web.csrf import csrf

    csrf.exempt(bp)
