"""System status for admins: is everything the service needs up, and does a worker run tasks?"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import db_session
from ..db import transaction
from ..services import health
from ..workflows import lifecycle as lc
from .auth import roles_required
from .health import readiness

bp = Blueprint("admin", __name__, url_prefix="/admin")

CHECK_NAMES = {"database": "Database", "migrations": "Database schema (migrations)", "broker": "Message broker"}


@bp.get("/status")
@roles_required(lc.ADMIN)
def status():
    checks = readiness(current_app)
    return render_template("admin/status.html", title="System status", checks=checks, names=CHECK_NAMES,
                           ready=all(v == "ok" for v in checks.values()),
                           health_checks=health.recent_checks(db_session()))


@bp.post("/status/checks")
@roles_required(lc.ADMIN)
def send_check():
    session = db_session()
    with transaction(session):  # the task is sent only once this commits (dispatch.after_commit)
        health.request_check(session, current_user)
    flash("Test task sent. When a worker has run it, this page shows which worker and when "
          "(refresh the page).", "success")
    return redirect(url_for("admin.status"))
