"""Structured (JSON) logs with a request id, so one request can be followed across lines.

The web, the worker and beat all log one JSON object per line. A task sent while a request is
being handled carries that request's id, so the worker's lines for it join up with the web's.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import UTC, datetime

from celery import current_task
from celery.signals import before_task_publish, setup_logging
from flask import Flask, g, has_request_context, request

CONTEXT_KEYS = ("request_id", "task_id", "task", "method", "path", "status", "ms", "user")
REQUEST_ID_HEADER = "sfoflow_request_id"  # Celery message header carrying the web request's id


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        for key in CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class ContextFilter(logging.Filter):
    """Adds the current request id, or the current task's id and name, to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None and has_request_context():
            record.request_id = g.get("request_id")
        task = _current_task()
        if task is not None:
            record.task_id = getattr(record, "task_id", None) or task.request.id
            record.task = getattr(record, "task", None) or task.name
            if getattr(record, "request_id", None) is None:
                record.request_id = task.request.get(REQUEST_ID_HEADER)
        return True


def _current_task():
    """The task this worker process is running, if any."""
    task = current_task._get_current_object() if current_task else None
    return task if task is not None and getattr(task.request, "id", None) else None


def configure(level: str = "INFO") -> None:
    """One JSON handler on the root logger (idempotent: several apps in one process share it)."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler.addFilter(ContextFilter())
        root.addHandler(handler)
    root.setLevel(level.upper())


def configure_celery() -> None:
    """Make ``celery worker`` and ``celery beat`` log JSON instead of their own text format.

    Connecting to ``setup_logging`` tells Celery not to configure logging itself.
    """
    setup_logging.connect(_celery_setup_logging, weak=False, dispatch_uid="sfoflow.logs")


def _celery_setup_logging(loglevel=None, **_kw) -> None:
    configure(logging.getLevelName(loglevel) if isinstance(loglevel, int) else (loglevel or "INFO"))


def _carry_request_id(headers=None, **_kw) -> None:
    if headers is not None and has_request_context() and g.get("request_id"):
        headers.setdefault(REQUEST_ID_HEADER, g.request_id)


SECRET_PATHS = ("/respond/",)  # personal links (learning panels): the token is a credential, never logged


def _loggable(path: str) -> str:
    for prefix in SECRET_PATHS:
        if path.startswith(prefix):
            return prefix + "<token>"
    return path


def init_app(app: Flask) -> None:
    configure(app.config["SFOFLOW"].log_level)
    before_task_publish.connect(_carry_request_id, weak=False, dispatch_uid="sfoflow.logs")
    log = logging.getLogger("sfoflow.request")

    @app.before_request
    def _start():
        # Honour an id from a proxy so logs join up across services; otherwise make one.
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _log(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        user = g.get("user")
        log.info("request", extra={
            "request_id": g.get("request_id"), "method": request.method, "path": _loggable(request.path),
            "status": response.status_code, "ms": round((time.perf_counter() - g.get("started", 0)) * 1000, 1),
            "user": getattr(user, "id", None)})
        return response
