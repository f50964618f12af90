"""sfoflow: case tracking for the independent QA of Serious Further Offence reviews."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g
from flask.json.provider import DefaultJSONProvider

from .config import Settings, from_env
from .db import Database


class IsoJSONProvider(DefaultJSONProvider):
    """Dates as ISO 8601 (2023-05-22), not Flask's default HTTP date format."""

    @staticmethod
    def default(o):
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(settings: Settings | None = None) -> Flask:
    """The application factory (as in the Flask tutorial): no global app, one per call."""
    settings = settings or from_env()
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.json = IsoJSONProvider(app)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SFOFLOW=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.extensions["sfoflow_db"] = Database(settings.database_url)

    from . import logs
    from .services import wiring  # noqa: F401  registers checks, effects and intake hooks

    logs.init_app(app)

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    from .api import init_app as init_api
    from .web import init_app as init_web
    from .tasks import init_celery

    init_api(app)
    init_web(app)
    init_celery(app)
    return app


def db_session():
    """The request's database session (one per request, closed at teardown)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["sfoflow_db"].Session()
    return g.db_session
