"""A lost database or broker answers as an outage: 503 with ``Retry-After`` and a plain message,
logged once when it starts (without a traceback) and once when it ends, not as an unhandled
error on every request. Nothing is restarted: SQLAlchemy's pool (``pool_pre_ping``) and kombu
reconnect on their own once the service is back."""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, request

from .errors import error_response

log = logging.getLogger("sfoflow.outage")
RETRY_AFTER = 30  # seconds
MESSAGE = {"database": "The service is unavailable because its database is not answering. Try again in a minute.",
           "broker": "The service is unavailable because its task queue is not answering. Try again in a minute."}
_PROGRAMMING = ("no such table", "no such column", "syntax error")  # SQLite calls these operational too


def kind_of(exc: BaseException) -> str | None:
    """'database' or 'broker' when ``exc`` means that service is out of reach; None otherwise."""
    from kombu.exceptions import OperationalError as BrokerError
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(exc, BrokerError):
        return "broker"
    if isinstance(exc, PoolTimeout):
        return "database"
    lost = isinstance(exc, DBAPIError) and exc.connection_invalidated
    if lost or isinstance(exc, (OperationalError, InterfaceError)):
        text = str(exc.orig).lower()
        return None if any(p in text for p in _PROGRAMMING) else "database"
    return None


class OutageLog:
    """Which services this process has seen out of reach, so each outage is logged once."""

    def __init__(self):
        self.down: set[str] = set()
        self._lock = threading.Lock()

    def started(self, kind: str, exc: BaseException) -> None:
        with self._lock:
            if kind in self.down:
                return
            self.down.add(kind)
        cause = getattr(exc, "orig", None) or exc
        log.error("outage: the %s is not answering (%s); requests get 503 until it does", kind,
                  type(cause).__name__)

    def answered(self) -> None:
        if not self.down:
            return
        with self._lock:
            ended, self.down = self.down, set()
        for kind in sorted(ended):
            log.warning("outage over: the %s answers again", kind)


def init_app(app: Flask) -> OutageLog:
    outages = app.extensions["sfoflow_outages"] = OutageLog()

    @app.after_request
    def _recovered(response):
        if response.status_code < 500:
            outages.answered()
        return response

    return outages


def outage_headers() -> dict:
    return {"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"}


def outage_response(kind: str, exc: BaseException):
    """The 503 page (JSON under /api/), drawn without touching the database: no one is looked up,
    no navigation is built, so it cannot fail for the same reason."""
    current_app.extensions["sfoflow_outages"].started(kind, exc)
    message = MESSAGE[kind]
    if request.path.startswith("/api/"):
        body, code = error_response(503, message)
        return body, code, outage_headers()
    html = current_app.jinja_env.get_template("outage.html").render(message=message)
    return html, 503, {**outage_headers(), "Content-Type": "text/html; charset=utf-8"}
