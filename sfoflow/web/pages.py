"""Review list and review page, with the actions this person may take as working buttons."""
from __future__ import annotations

import math
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import func, select

from .. import db_session
from ..db import transaction
from ..models import AuditEvent, User
from ..schemas.reviews import ActionIn, ReviewFilter
from ..services import lifecycle, reviews, sample_explained, settings
from ..services.calendar import get_calendar
from ..services.errors import NotFound, ServiceError
from ..services.permissions import permissions
from ..services.views import review_view
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .forms import FormErrors, add_refusals, add_schema_errors, blank_to_none
from .paging import pagination

bp = Blueprint("pages", __name__)

FILTERS = ("q", "status", "region", "offence_category", "route", "inspector_id", "overdue", "high_profile", "sort",
           "direction")
FILTER_LABELS = {"q": "Search", "sort": "Sort by", "direction": "Order",
                 "status": "State", "region": "Region", "offence_category": "Offence",
                 "route": "Route", "inspector_id": "Inspector", "overdue": "Overdue",
                 "high_profile": "High profile", "page": "Page"}
# Actions that cannot be undone: the page asks "Are you sure?" first (issue 15).
CONFIRMED = ("withdraw",)
ACTION_LABELS = {"reason": "Reason", "inspector_id": "Inspector", "version": "Version",
                 "officer_id": "HMPPS QA officer"}


@bp.get("/")
@login_required
def home():
    """Each role lands on its work (web/landing.py)."""
    from .landing import home_redirect

    return home_redirect()


# --- the list -------------------------------------------------------------------------------

@bp.get("/reviews")
@login_required
def review_list():
    session = db_session()
    chosen = blank_to_none(request.args, (*FILTERS, "page"))
    args = {**chosen, **({"status": [chosen["status"]]} if "status" in chosen else {})}
    if current_user.role == lc.INSPECTOR:
        args.pop("inspector_id", None)  # an inspector's list is already only their own
    errors = FormErrors()
    messages = ReviewFilter().validate(args)
    add_schema_errors(errors, messages, FILTER_LABELS, ids={"status.0": "status", "page": "filters"})
    f = ReviewFilter().load({k: v for k, v in args.items() if k not in messages})
    today = london_today()
    per_page = settings.get(session, "page_size_default")
    items, total = reviews.page(session, current_user, f, per_page=per_page, today=today)
    overdue = session.scalar(select(func.count()).select_from(
        reviews.filtered(current_user, {**f, "overdue": True}, today).order_by(None).subquery()))
    calendar = get_calendar(session)
    pages = max(1, math.ceil(total / per_page))
    sorting = {k: v for k, v in chosen.items() if k not in ("page", "sort", "direction")}
    return render_template(
        "reviews/list.html", title="Reviews", reviews=[review_view(r, calendar, today, current_user) for r in items],
        total=total, overdue=overdue, page=f["page"], pages=pages, per_page=per_page, filters=chosen,
        errors=errors, pagination=_pagination(f["page"], pages, {k: v for k, v in chosen.items() if k != "page"}),
        inspectors=_inspectors(session) if current_user.role != lc.INSPECTOR else [],
        everything=reviews.visible_count(session, current_user, f, total, today), sort=f.get("sort") or "due_on",
        direction=f.get("direction") or "asc",
        sort_href=lambda key, direction: url_for("pages.review_list") + "?" + urlencode(
            {**sorting, "sort": key, "direction": direction}),
    ), 400 if errors else 200


def _pagination(page: int, pages: int, filters: dict) -> dict | None:
    return pagination(url_for("pages.review_list"), page, pages, filters)


def _inspectors(session) -> list[tuple[int, str]]:
    """Active inspectors as (id, "name (email)") choices for a select."""
    people = session.scalars(select(User).where(User.role == lc.INSPECTOR, User.is_active.is_(True))
                             .order_by(User.name, User.email))
    return [(u.id, f"{u.name} ({u.email})") for u in people]


# --- one review -----------------------------------------------------------------------------

def render_review(review_id: int, errors: FormErrors | None = None, form_name: str | None = None,
                  status: int = 200):
    """The review page; after a refused form, with the errors and what the person typed."""
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user)
    events = session.scalars(select(AuditEvent).where(AuditEvent.review_id == review.id)
                             .order_by(AuditEvent.id)).all()
    view = review_view(review, get_calendar(session), london_today(), current_user, audit=events)
    needs_inspector = any("inspector_id" in lc.ACTIONS[a].requires for a in view["allowed_actions"])
    inspectors = _inspectors(session) if needs_inspector else []
    return render_template(
        "reviews/detail.html", title=f"Review {review.reference}", review=view, errors=errors or FormErrors(),
        form=request.form if errors else {}, form_name=form_name, inspectors=inspectors,
        people=_people(session, events), can=permissions(review, current_user),
        why_sampled=sample_explained.explain(session, review, current_user),
    ), status


def _people(session, events) -> dict[int, str]:
    """Names for the user ids the audit details mention (allocations), in one query."""
    ids = {v for e in events for k, v in (e.details or {}).items()
           if k in ("inspector_id", "previous_inspector_id") and isinstance(v, int)}
    if not ids:
        return {}
    return {u.id: f"{u.name} ({u.email})" for u in session.scalars(select(User).where(User.id.in_(ids)))}


@bp.get("/reviews/<int:review_id>")
@login_required
def review_page(review_id: int):
    return render_review(review_id)


@bp.post("/reviews/<int:review_id>/actions/<action>")
@login_required
def take_action(review_id: int, action: str):
    if action not in lc.ACTIONS:
        abort(404)
    session = db_session()
    errors = FormErrors()
    ids = {"reason": f"reason-{action}", "inspector_id": f"inspector_id-{action}", "version": f"action-{action}",
           "officer_id": f"officer_id-{action}"}
    try:
        body = ActionIn().load(blank_to_none(request.form, ("version", "reason", "inspector_id", "officer_id")))
    except ValidationError as exc:
        add_schema_errors(errors, exc, ACTION_LABELS, ids)
        return render_review(review_id, errors, f"action-{action}", 422)
    if action in CONFIRMED and request.form.get("confirm") != "yes":
        review = reviews.get_visible(session, review_id, current_user)
        ready = (body.get("version") == review.version and (body.get("reason") or "").strip()
                 and action in lifecycle.allowed_actions(review, current_user))
        if ready:  # ask first; anything wrong goes on to be refused below, with its reason
            label = lc.ACTIONS[action].label
            return render_template("reviews/confirm_action.html", title=f"{label} {review.reference}?",
                                   review=review, action=action, label=label, body=body)
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user, for_update=True)
            lifecycle.apply_action(session, review, action, current_user, version=body.pop("version"), data=body)
    except NotFound:
        raise
    except ServiceError as exc:
        refusal_errors(errors, exc, action, ids)
        return render_review(review_id, errors, f"action-{action}", exc.status)
    flash(f"{lc.ACTIONS[action].label}: done. Review {review.reference} is now "
          f"{lc.STATES[review.state].lower()}.", "success")
    return redirect(url_for("pages.review_page", review_id=review_id))


def refusal_errors(errors: FormErrors, exc: ServiceError, action: str, ids: dict[str, str]) -> None:
    """A refused action, refusal by refusal; one about a field links to that field's input."""
    label = lc.ACTIONS[action].in_a_sentence
    texts = {("reason", "required"): f"Enter the reason to {label}",
             ("inspector_id", "required"): "Select an inspector"}
    for refusal in exc.refusals:
        if refusal.field is None or refusal.field in ids:
            add_refusals(errors, [refusal], ids=ids, texts=texts, fallback=f"action-{action}")
        else:  # about an input on another page (the QA form's): say which action it stops
            errors.add(f"action-{action}", f"Cannot {label}: {refusal.message}")
