"""The server-rendered web interface (GOV.UK Frontend look) and the health endpoints."""
from __future__ import annotations

from flask import Flask, request, url_for
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

    import sys

    from .. import plugins

    # Every module with a ``bp`` is a set of pages; ``NAV`` entries build the navigation.
    nav = []
    for module in plugins.import_all(sys.modules[__name__]):
        if hasattr(module, "init_app"):
            module.init_app(app)
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
        nav.extend(getattr(module, "NAV", []))
    nav.sort(key=lambda item: item.get("order", 50))

    @app.context_processor
    def _navigation():
        from flask_login import current_user

        role = getattr(current_user, "role", None)
        return {"nav_items": navigation([n for n in nav if role in n["roles"]], request.path)}


def navigation(entries: list[dict], path: str) -> list[dict]:
    """govukServiceNavigation items; the entry whose address best matches the page is current."""
    items = [{"href": url_for(n["endpoint"]), "text": n["text"]} for n in entries]
    matches = [i for i in items if path == i["href"] or path.startswith(i["href"].rstrip("/") + "/")]
    best = max(matches, key=lambda i: len(i["href"]), default=None)
    for item in items:
        item["active"] = item is best
        item["current"] = item is best and path == item["href"]
    return items
