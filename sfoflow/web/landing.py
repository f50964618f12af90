"""Where each role lands: inspectors on My tasks, managers on the dashboard, the central team
on intake, admins on the admin home; and everyone's own notifications."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db_session
from ..services import event_notices, landing, settings
from ..workflows import lifecycle as lc
from .auth import roles_required

bp = Blueprint("landing", __name__)

LANDING = {lc.INSPECTOR: "work.my_tasks", lc.MANAGER: "landing.dashboard", lc.CENTRAL_TEAM: "landing.intake",
           lc.ADMIN: "admin_users.index"}


def landing_url(role: str) -> str:
    return url_for(LANDING.get(role, "pages.review_list"))


@bp.get("/dashboard")
@roles_required(lc.MANAGER)
def dashboard():
    return render_template("landing/dashboard.html", title="Dashboard", d=landing.dashboard(db_session()))


@bp.get("/intake")
@roles_required(lc.CENTRAL_TEAM)
def intake():
    return render_template("landing/intake.html", title="Intake", d=landing.intake(db_session()))


@bp.get("/notifications")
@login_required
def inbox():
    session = db_session()
    kind = request.args.get("kind") or None
    kind = kind if kind in event_notices.INBOX_KINDS else None
    page = request.args.get("page", "1")
    box = event_notices.inbox(session, current_user, kind=kind, page_no=int(page) if page.isdigit() else 1,
                              per_page=int(settings.get(session, "page_size_default")))
    return render_template("landing/inbox.html", title="Your notifications", box=box)


def home_redirect():
    return redirect(landing_url(current_user.role))
