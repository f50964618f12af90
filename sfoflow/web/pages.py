"""Review list and review page, with the actions this person may take as working buttons."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db_session, reference
from ..db import transaction
from ..models import AuditEvent
from ..schemas.reviews import ReviewFilter
from ..services import lifecycle, reviews
from ..services.calendar import get_calendar
from ..services.errors import ServiceError
from ..services.views import review_view
from ..working_days import london_today
from ..workflows import lifecycle as lc

bp = Blueprint("pages", __name__)
PER_PAGE = 50
NAV = [{"endpoint": "pages.review_list", "text": "Reviews", "order": 10, "roles": list(lc.ROLES)}]


@bp.app_context_processor
def _globals():
    return {"STATES": lc.STATES, "ROLES": lc.ROLES, "ACTIONS": lc.ACTIONS, "reference": reference}


@bp.get("/")
@login_required
def home():
    return redirect(url_for("pages.review_list"))


@bp.get("/reviews")
@login_required
def review_list():
    session = db_session()
    args = {k: v for k, v in request.args.items() if v != ""}
    if "status" in args:
        args["status"] = [args["status"]]
    errors = ReviewFilter().validate(args)
    f = ReviewFilter().load({k: v for k, v in args.items() if k not in errors})
    today = london_today()
    items, total = reviews.page(session, current_user, f, per_page=PER_PAGE, today=today)
    calendar = get_calendar(session)
    return render_template("reviews/list.html", reviews=[review_view(r, calendar, today, current_user) for r in items],
                           total=total, page=f["page"], per_page=PER_PAGE, filters=args, errors=errors)


@bp.get("/reviews/<int:review_id>")
@login_required
def review_page(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user)
    events = session.scalars(select(AuditEvent).where(AuditEvent.review_id == review.id).order_by(AuditEvent.id)).all()
    view = review_view(review, get_calendar(session), london_today(), current_user, audit=events)
    return render_template("reviews/detail.html", review=view)


@bp.post("/reviews/<int:review_id>/actions/<action>")
@login_required
def take_action(review_id: int, action: str):
    session = db_session()
    data = {k: (v.strip() or None) for k, v in request.form.items() if k not in ("csrf_token", "version")}
    if data.get("inspector_id"):
        data["inspector_id"] = int(data["inspector_id"]) if data["inspector_id"].isdigit() else None
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user, for_update=True)
            lifecycle.apply_action(session, review, action, current_user,
                                   version=int(request.form.get("version", "0") or 0), data=data)
        flash(f"{lc.ACTIONS[action].label}: done. The review is now {lc.STATES[review.state].lower()}.")
    except ServiceError as exc:
        reasons = exc.extra.get("reasons") or []
        flash(" ".join([exc.message, *reasons]) if not reasons else exc.message, "error")
    return redirect(url_for("pages.review_page", review_id=review_id))
