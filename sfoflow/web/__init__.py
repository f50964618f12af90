"""The server-rendered web interface (GOV.UK Frontend look) and the health endpoints."""
from __future__ import annotations

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from .csrf import csrf


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(app.root_path + "/web/templates"),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    csrf.init_app(app)

    from . import auth, errors, health, pages  # noqa: F401

    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(pages.bp)
