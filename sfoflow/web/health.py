"""/healthz: the process is up. /readyz: the database answers, migrations are at head, the broker answers."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from ..db import migration_status

bp = Blueprint("health", __name__)


def readiness(app: Flask) -> dict[str, str]:
    """Each dependency with "ok" or what is wrong. Reports, never raises: load balancers call it,
    every few seconds, so it asks each dependency one question on a connection it already has."""
    checks = {}
    engine = app.extensions["sfoflow_db"].engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
            current, heads = migration_status(conn)
        checks["migrations"] = "ok" if current == heads else f"not at head: {sorted(current)} != {sorted(heads)}"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
        checks["migrations"] = "unknown"
    try:
        with app.extensions["celery"].pool.acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            client = getattr(conn.default_channel, "client", None)
            if client is not None:  # Redis: a pooled connection may have gone stale, so ask
                client.ping()
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {type(exc).__name__}"
    return checks


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    checks = readiness(current_app)
    ready = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ready" if ready else "not ready", "checks": checks}), 200 if ready else 503
