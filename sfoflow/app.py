"""The application factory: every part of the web application, wired by hand in one place.

Read it top to bottom: the pages and the API (``BLUEPRINTS``, ``API_BLUEPRINTS``), the
navigation (``NAVIGATION``), then ``create_app``, a list of named steps as in the Flask
tutorial and cookiecutter-flask. A new page is a blueprint added to a list here; what the
lifecycle runs is listed in ``services/wiring.py``; tasks and the beat schedule in ``tasks``.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import orjson
from flask import Blueprint, Flask, g
from flask.json.provider import DefaultJSONProvider

from . import api, logs
from .api import allocation as api_allocation
from .api import assessments as api_assessments
from .api import benchmarking as api_benchmarking
from .api import hmpps_qa as api_hmpps_qa
from .api import information as api_information
from .api import learning as api_learning
from .api import lifecycle as api_lifecycle
from .api import notifications as api_notifications
from .api import openapi as api_openapi
from .api import panels as api_panels
from .api import reviews as api_reviews
from .api import sampling as api_sampling
from .api import settings as api_settings
from .api import users as api_users
from .api import work as api_work
from .api import years as api_years
from .config import Settings, from_env
from .db import Database
from .http import hardening, headers, throttle
from .services.context import session_info
from .tasks import CeleryDispatcher, init_celery
from .web import (
    admin,
    admin_settings,
    admin_users,
    agency_response,
    auth,
    benchmarking,
    display,
    errors,
    health,
    high_profile,
    intake,
    landing,
    pages,
    panels,
    qa_form,
    qa_information,
    qa_journey,
    qa_report,
    review_edits,
    sampling,
    work,
    year,
)
from .web.csrf import csrf
from .web.navigation import NavEntry, init_navigation
from .workflows.lifecycle import ADMIN, CENTRAL_TEAM, INSPECTOR, MANAGER, ROLES

# The pages, in the order their routes are matched.
BLUEPRINTS: tuple[Blueprint, ...] = (
    health.bp, auth.bp, pages.bp, intake.bp, review_edits.bp, sampling.bp, work.bp,
    qa_form.bp, qa_report.bp, high_profile.bp, admin.bp,
    benchmarking.bp,
    admin_settings.bp, qa_information.bp,
    panels.bp, agency_response.bp,
    year.bp,
    admin_users.bp, landing.bp, qa_journey.bp,
)

# The JSON API under /api/v1 (bearer tokens, no cookies: exempt from CSRF).
API_BLUEPRINTS: tuple[Blueprint, ...] = (
    api_reviews.bp, api_users.bp, api_lifecycle.bp, api_sampling.bp, api_allocation.bp,
    api_work.bp, api_notifications.bp, api_assessments.bp, api_openapi.bp,
    api_hmpps_qa.bp, api_benchmarking.bp,
    api_settings.bp, api_information.bp,
    api_panels.bp,
    api_learning.bp, api_years.bp,
)

# The service navigation, in the order shown; each person sees the entries for their role.
NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("landing.dashboard", "Dashboard", (MANAGER,)),
    NavEntry("landing.intake", "Intake", (CENTRAL_TEAM,)),
    NavEntry("admin_users.index", "Admin", (ADMIN,)),
    NavEntry("work.my_tasks", "My tasks", (INSPECTOR,)),
    NavEntry("pages.review_list", "Reviews", ROLES),
    NavEntry("work.open_qa", "Open QA", (MANAGER, CENTRAL_TEAM)),
    NavEntry("work.allocate", "Allocate", (CENTRAL_TEAM, MANAGER)),
    NavEntry("intake.register", "Register a review", (CENTRAL_TEAM,)),
    NavEntry("intake.import_reviews", "Import reviews", (CENTRAL_TEAM,)),
    NavEntry("sampling.balance", "Sample balance", (CENTRAL_TEAM, MANAGER, ADMIN)),
    NavEntry("high_profile.query_queue", "High-profile queries", (CENTRAL_TEAM,)),
    NavEntry("work.notifications", "Notifications", (ADMIN, MANAGER)),
    NavEntry("work.outbox", "Outbox", (ADMIN,)),
    NavEntry("admin.status", "System status", (ADMIN,)),
    NavEntry("benchmarking.hmpps_queue", "HMPPS QA", (CENTRAL_TEAM,)),
    NavEntry("benchmarking.exercises", "Benchmarking", (MANAGER, INSPECTOR, CENTRAL_TEAM)),
    NavEntry("benchmarking.hmpps_staff", "HMPPS QA staff", (ADMIN,)),
    NavEntry("admin_settings.settings_page", "Settings", (ADMIN,)),
    NavEntry("panels.panel_list", "Learning panels", (MANAGER,)),
    NavEntry("panels.contacts", "Agency contacts", (ADMIN,)),
    NavEntry("year.current", "Year in review", (MANAGER, CENTRAL_TEAM, ADMIN)),
    NavEntry("year.amendments", "Amendments", (CENTRAL_TEAM,)),
    NavEntry("year.themes", "Learning themes", (ADMIN,)),
    NavEntry("admin_users.users", "Users", (ADMIN,)),
    NavEntry("landing.inbox", "Your notifications", ROLES),
)


def create_app(settings: Settings | None = None) -> Flask:
    """One application per call (no global app): the web, the worker and each test build their own."""
    settings = settings or from_env()
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    configure(app, settings)
    logs.init_app(app)
    init_celery(app)  # app.extensions["celery"]
    register_database(app, settings, CeleryDispatcher(app))
    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    init_navigation(app, NAVIGATION)
    errors.init_app(app)
    headers.init_app(app, production=settings.production)
    return app


class IsoJSONProvider(DefaultJSONProvider):
    """Dates as ISO 8601 (2023-05-22), not Flask's default HTTP date format; a request body
    nested too deeply is refused as invalid JSON (see ``http.hardening``)."""

    def loads(self, s, **kwargs):
        return hardening.parse_json(s, **kwargs)

    def dumps(self, obj, **kwargs) -> str:
        # orjson: every API answer is JSON, and it encodes a long list 5x faster than the standard
        # library (benchmarks/scale.py: 1.4 ms -> 0.25 ms for an inspector's 218 tasks). Keys stay
        # in the order the code writes them (id first), and text is UTF-8, not \u escapes.
        try:
            return orjson.dumps(obj, default=self.default, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:  # text orjson will not write (a lone surrogate quoted back in a refusal)
            return super().dumps(obj, **kwargs)  # the standard library escapes it

    @staticmethod
    def default(o):
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def configure(app: Flask, settings: Settings) -> None:
    app.json = IsoJSONProvider(app)
    hardening.init_app(app)  # ids in URLs within the integer column
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SFOFLOW=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        # The cookie's own life: the longest a session may last (web/sessions.py ends it sooner).
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.defaults.get("session_max_hours", 24)),
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )


def register_database(app: Flask, settings: Settings, dispatcher) -> None:
    """One session per request, opened on first use and closed when the request ends. Every
    session carries the settings and the dispatcher that the services read."""
    app.extensions["sfoflow_db"] = Database(settings.database_url, info=session_info(settings, dispatcher))

    @app.teardown_appcontext
    def _close_session(_exc):
        # Closed, not forgotten: a streamed response (stream_with_context) runs after this teardown
        # with the same context and session, which opens a new connection; the context's second
        # teardown, when the stream ends, must find the session again to give that connection back.
        session = g.get("db_session")
        if session is not None:
            session.close()  # rolls back whatever the request did not commit


def register_templates(app: Flask) -> None:
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(app.root_path + "/web/templates"),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    display.init_app(app)


def register_extensions(app: Flask) -> None:
    csrf.init_app(app)  # every form POST carries a token
    app.extensions["sfoflow_throttle"] = throttle.Throttle.for_settings(
        app.config["SFOFLOW"], app.extensions["sfoflow_db"].engine)
    auth.init_app(app)  # flask-login: who is signed in


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(api.blueprint(API_BLUEPRINTS))
    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)


def db_session():
    """The request's database session (one per request, closed at teardown)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["sfoflow_db"].Session()
    return g.db_session

