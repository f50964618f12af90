"""Work pages: an inspector's tasks, the managers' open QA (counts, filters, CSV) with its
workload and timeliness pages, the central team's allocation page, and the admins' notifications and outbox."""
from __future__ import annotations

import math
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

from .. import db_session
from ..db import transaction
from ..deadlines.delivery import STATUSES
from ..deadlines.rules import KINDS
from ..http.downloads import csv_stream_response, file_response
from ..models import User
from ..models.assessment import NotificationAttachment
from ..notify import attachments, delivery
from ..schemas.boundary import INT_MAX
from ..schemas.deadlines import NotificationFilter, OpenQaFilter
from ..services import allocation, notifications, settings, work
from ..services.errors import ServiceError
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .auth import roles_required
from .forms import FormErrors, add_schema_errors, blank_to_none
from .paging import pagination

bp = Blueprint("work", __name__)
WATCHERS = (lc.MANAGER, lc.CENTRAL_TEAM)
OPEN_QA_FILTERS = ("overdue", "due_within", "region", "inspector_id", "unallocated")
OPEN_QA_LABELS = {"overdue": "Overdue", "due_within": "Due within (working days)", "region": "Region",
                  "inspector_id": "Inspector", "unallocated": "Not yet allocated"}


# --- an inspector's tasks ---------------------------------------------------------------------------

def task_actions(item: dict) -> list[dict]:
    """What the inspector can do now, as buttons (a form post) or links."""
    out = []
    for action in item["allowed_actions"]:
        if action == "start":
            out.append({"post": True, "label": "Start QA", "href": url_for("qa_form.start", review_id=item["id"])})
        elif action == "submit":
            out.append({"post": False, "label": "Continue QA", "href": url_for("qa_form.form", review_id=item["id"])})
        else:
            out.append({"post": False, "label": lc.ACTIONS[action].label,
                        "href": url_for("pages.review_page", review_id=item["id"])})
    return out


@bp.get("/my-tasks")
@roles_required(lc.INSPECTOR)
def my_tasks():
    today = london_today()
    items = work.task_list(db_session(), current_user, today)
    for item in items:
        item["actions"] = task_actions(item)
    return render_template("work/tasks.html", title="My tasks", items=items, today=today)


# --- open QA -------------------------------------------------------------------------------------------

def _open_qa_filters() -> tuple[dict, dict, FormErrors]:
    chosen = blank_to_none(request.args, OPEN_QA_FILTERS)
    errors = FormErrors()
    messages = OpenQaFilter().validate(chosen)
    add_schema_errors(errors, messages, OPEN_QA_LABELS)
    return OpenQaFilter().load({k: v for k, v in chosen.items() if k not in messages}), chosen, errors


def _inspector_choices(session) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in session.scalars(
        select(User).where(User.role == lc.INSPECTOR, User.is_active).order_by(User.name, User.id))]


# Open QA, workload and timeliness are three pages under one sub-navigation: the list is the page
# people open all day, and it no longer recomputes every inspector's load and twelve months of
# timeliness each time it is paged or filtered.
WATCH_PAGES = (("work.open_qa", "Open QA"), ("work.workload", "Workload"), ("work.timeliness", "Timeliness"))


@bp.get("/open-qa")
@roles_required(*WATCHERS)
def open_qa():
    session = db_session()
    f, chosen, errors = _open_qa_filters()
    page_no = request.args.get("page", "1")
    f["page"] = int(page_no) if page_no.isdigit() and int(page_no) >= 1 else 1
    today = london_today()
    result = work.open_qa(session, f, today)
    return render_template(
        "work/open_qa.html", title="Open QA", result=result, filters=chosen, errors=errors,
        inspectors=_inspector_choices(session), sub_pages=WATCH_PAGES,
        pagination=pagination(url_for("work.open_qa"), result["page"], result["pages"], chosen),
        csv_href=url_for("work.open_qa_csv") + ("?" + urlencode(chosen) if chosen else ""),
    ), 400 if errors else 200


@bp.get("/workload")
@roles_required(*WATCHERS)
def workload():
    return render_template("work/workload.html", title="Workload", sub_pages=WATCH_PAGES,
                           workload=work.workload(db_session(), london_today()))


@bp.get("/timeliness")
@roles_required(*WATCHERS)
def timeliness():
    today = london_today()
    first = date(today.year - 1, today.month, 1)
    return render_template("work/timeliness.html", title="Timeliness", sub_pages=WATCH_PAGES,
                           timeliness=work.timeliness(db_session(), first, today, today), month_name=month_name)


def month_name(month: str) -> str:
    """2023-05 -> May 2023."""
    return date.fromisoformat(f"{month}-01").strftime("%B %Y")


@bp.get("/open-qa.csv")
@roles_required(*WATCHERS)
def open_qa_csv():
    f, _chosen, errors = _open_qa_filters()
    if errors:
        return Response("; ".join(e["text"] for e in errors.summary()) + "\n", status=400, mimetype="text/plain")
    today = london_today()
    return csv_stream_response(work.open_qa_csv(db_session(), f, today), work.open_qa_csv_name(today))


# --- allocation ------------------------------------------------------------------------------------------

def _allocation_page(errors: FormErrors | None = None, form=None, status: int = 200):
    session = db_session()
    waiting = allocation.awaiting_allocation(session)
    today = london_today()
    suggestions = allocation.suggest_many(session, waiting, today)
    people = allocation.candidates(session)
    from ..services.calendar import get_calendar
    from ..services.views import deadline

    calendar = get_calendar(session)
    rows = [{"review": r, "deadline": {"state": r.state, **deadline(r, calendar, today)},
             "suggestion": suggestions[r.id]} for r in waiting]
    return render_template("work/allocate.html", title="Allocate reviews", rows=rows, people=people,
                           errors=errors or FormErrors(), form=form, today=today), status


@bp.get("/allocate")
@roles_required(lc.CENTRAL_TEAM, lc.MANAGER)
def allocate():
    return _allocation_page()


@bp.post("/allocate")
@roles_required(lc.CENTRAL_TEAM, lc.MANAGER)
def allocate_post():
    session = db_session()
    errors = FormErrors()
    chosen = [v for v in request.form.getlist("review") if v.isdigit()]
    if not chosen:
        errors.add("allocations", "Select at least one review to allocate")
        return _allocation_page(errors, request.form, 400)
    items = []
    for rid in chosen:
        inspector, version = request.form.get(f"inspector-{rid}", ""), request.form.get(f"version-{rid}", "")
        if not inspector.isdigit():
            errors.add(f"inspector-{rid}", "Select an inspector for each review you have ticked")
            continue
        items.append({"review_id": int(rid), "inspector_id": int(inspector), "version": int(version or 0)})
    confirmed = request.form.get("confirm_over_capacity") == "yes"
    reason = (request.form.get("over_capacity_reason") or "").strip()
    if confirmed and not reason:
        errors.add("over_capacity_reason", "Enter the reason for allocating beyond the inspector's capacity")
    if errors:
        return _allocation_page(errors, request.form, 400)
    try:
        with transaction(session):
            done = allocation.bulk_allocate(session, items, current_user,
                                            over_capacity_reason=reason if confirmed else None)
    except ServiceError as exc:
        review_ids = {f"allocations.{i}": item["review_id"] for i, item in enumerate(items)}
        references = allocation.references(session, [item["review_id"] for item in items])
        for refusal in exc.refusals:
            rid = review_ids.get(refusal.field)
            if refusal.code == "over_capacity":
                errors.add("confirm_over_capacity", refusal.message)
            elif rid is None:
                errors.add("allocations", refusal.message)
            else:
                errors.add(f"inspector-{rid}", f"{references.get(rid, 'This review')}: {refusal.message}")
        return _allocation_page(errors, request.form, 422)
    flash(f"Allocated {len(done)} review{'s' if len(done) != 1 else ''}: "
          + ", ".join(f"{r.reference} to {r.inspector.name}" for r in done) + ". Each inspector has been emailed.",
          "success")
    return redirect(url_for("work.allocate"))


# --- notifications and the outbox (admins) -----------------------------------------------------------------

@bp.get("/admin/notifications", endpoint="notifications")
@roles_required(lc.ADMIN, lc.MANAGER)
def notifications_page():
    session = db_session()
    chosen = blank_to_none(request.args, ("status", "kind", "page"))
    try:
        f = NotificationFilter().load(chosen)
    except ValidationError:
        f = NotificationFilter().load({})
        chosen = {}
    per_page = settings.get(session, "page_size_default")
    items, total, counts = notifications.page(session, f, per_page=per_page)
    pages = max(1, math.ceil(total / per_page))
    filters = {k: v for k, v in chosen.items() if k != "page"}  # the links set the page themselves
    return render_template("work/notifications.html", title="Notifications", items=items, total=total,
                           counts=counts, filters=filters, page=f["page"], pages=pages,
                           statuses=STATUSES, kinds=KINDS)



@bp.post("/admin/notifications/<int:notification_id>/retry")
@roles_required(lc.ADMIN)
def retry(notification_id: int):
    session = db_session()
    with transaction(session):
        ok = delivery.retry_failed(session, notification_id)
    if ok:
        flash("The notification will be tried again at the next sweep.", "success")
    else:
        flash("That notification has not failed, so there is nothing to try again.", "error")
    return redirect(url_for("work.notifications", status="failed"))


@bp.get("/admin/outbox")
@roles_required(lc.ADMIN)
def outbox():
    session = db_session()
    page_no = int(request.args.get("page", "1")) if request.args.get("page", "1").isdigit() else 1
    page_no = min(page_no, INT_MAX)  # a page number beyond any there could be is just past the last
    per_page = settings.get(session, "page_size_default")
    pages = max(1, math.ceil(notifications.outbox_total(session) / per_page))
    page_no = min(max(page_no, 1), pages)
    items, total = notifications.outbox_page(session, page_no=page_no, per_page=per_page)
    files = attachments.summaries(session, [m.notification_id for m in items])
    return render_template("work/outbox.html", title="Outbox", items=items, total=total, files=files,
                           page=page_no, pages=max(1, math.ceil(total / per_page)),
                           smtp=bool(current_app.config["SFOFLOW"].smtp_host))


@bp.get("/outbox/attachments/<int:attachment_id>")
@roles_required(lc.ADMIN)
def outbox_attachment(attachment_id: int):
    """A file sent with an email, as the outbox lists it."""
    item = db_session().get(NotificationAttachment, attachment_id)
    if item is None:
        abort(404)
    return file_response(item.content, item.content_type, item.filename)
