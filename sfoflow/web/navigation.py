"""The service navigation (govukServiceNavigation): the entries are listed in ``sfoflow.app``."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    text: str
    roles: tuple[str, ...]


def init_navigation(app: Flask, entries: tuple[NavEntry, ...]) -> None:
    missing = [e.endpoint for e in entries if e.endpoint not in app.view_functions]
    if missing:  # a typo or an unregistered blueprint fails at start-up, not on a page
        raise RuntimeError(f"navigation names endpoints that no blueprint provides: {missing}")

    @app.context_processor
    def _navigation():
        from flask_login import current_user

        role = getattr(current_user, "role", None)
        return {"nav_items": navigation([e for e in entries if role in e.roles], request.path)}


def navigation(entries: list[NavEntry], path: str) -> list[dict]:
    """govukServiceNavigation items; the entry whose address best matches the page is current."""
    items = [{"href": url_for(e.endpoint), "text": e.text} for e in entries]
    matches = [i for i in items if path == i["href"] or path.startswith(i["href"].rstrip("/") + "/")]
    best = max(matches, key=lambda i: len(i["href"]), default=None)
    for item in items:
        item["active"] = item is best
        item["current"] = item is best and path == item["href"]
    return items
