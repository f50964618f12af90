"""The admin pages: the admin home (/admin) and users (/admin/users): create a user, change
their role, status, seniority and capacity, and record inspectors' absences and conflicts."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from .. import db_session, reference
from ..db import transaction
from ..models.allocation import Absence, ConflictOfInterest
from ..schemas.deadlines import AbsenceIn, ConflictIn
from ..schemas.users import UserCreateIn, UserUpdateIn
from ..services import allocation, user_admin
from ..services.errors import ServiceError
from ..workflows import lifecycle as lc
from .auth import roles_required
from .forms import FormErrors, add_refusals, add_schema_errors, blank_to_none, date_from_parts

bp = Blueprint("admin_users", __name__, url_prefix="/admin")

LABELS = {"name": "Full name", "email": "Email address", "role": "Role", "is_senior": "Senior inspector",
          "capacity": "Capacity", "password": "Password", "is_active": "Status"}
MISSING = {"name": "Enter the person's full name", "email": "Enter the person's email address",
           "role": "Select the role", "password": "Enter a password of at least 8 characters",
           "capacity": "Enter how many open QAs they can hold", "is_active": "Select the status"}
ABSENCE_LABELS = {"from_date": "First day away", "to_date": "Last day away", "reason": "Reason"}
CONFLICT_LABELS = {"region": "Region", "provider": "Provider", "reason": "Reason"}

# The admin home: (endpoint or path, title, what it is for). A path is listed only if the app routes it.
ADMIN_LINKS = (
    ("admin_users.users", "Users", "Add people, change their role, seniority and capacity, deactivate them, "
                                   "and record inspectors' absences and conflicts of interest."),
    ("/admin/settings", "Settings", "The sampling rate, sign-off, reminders and page sizes."),
    ("admin.status", "System status", "Check the database, the message broker and the workers."),
    ("work.notifications", "Notifications", "Every email sfoflow has sent or will send, and any that failed."),
    ("work.outbox", "Outbox", "Emails held in the database when no mail server is configured."),
)


def _routed(path: str) -> bool:
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except Exception:  # noqa: BLE001 - NotFound, or a redirect: not a page of its own
        return False
    return True


@bp.get("")
@bp.get("/")
@roles_required(lc.ADMIN)
def index():
    links = []
    for target, title, text in ADMIN_LINKS:
        if target.startswith("/"):
            if _routed(target):
                links.append({"href": target, "title": title, "text": text})
        else:
            links.append({"href": url_for(target), "title": title, "text": text})
    return render_template("admin/index.html", title="Admin", links=links)


@bp.get("/users")
@roles_required(lc.ADMIN)
def users():
    return render_template("admin/users.html", title="Users", people=user_admin.everyone(db_session()))


def _user_form(form) -> dict:
    raw = blank_to_none(form, ("name", "email", "role", "capacity", "password", "is_active"))
    raw["is_senior"] = "true" if form.get("is_senior") == "yes" else "false"
    if "is_active" in raw:
        raw["is_active"] = "true" if raw["is_active"] == "active" else "false"
    return raw


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(lc.ADMIN)
def new_user():
    errors = FormErrors()
    if request.method == "POST":
        session = db_session()
        raw = _user_form(request.form)
        try:
            data = UserCreateIn().load(raw)
            with transaction(session):
                user = user_admin.create(session, data, current_user)
        except ValidationError as exc:
            add_schema_errors(errors, exc, LABELS, missing=MISSING)
        except ServiceError as exc:
            add_refusals(errors, exc.refusals, labels=LABELS, fallback="name")
        else:
            flash(f"{user.name} has been added as {lc.ROLES[user.role].split(' (')[0].lower()}. "
                  "Tell them their password in person or by phone.", "success")
            return redirect(url_for("admin_users.user_page", user_id=user.id))
    return render_template("admin/user_new.html", title="Add a user", errors=errors, form=request.form,
                           roles=lc.ROLES), 400 if errors else 200


def _user_page(user_id: int, errors: FormErrors | None = None, form=None, status: int = 200):
    session = db_session()
    user = user_admin.get_user(session, user_id)
    inspector = user.role == lc.INSPECTOR
    return render_template(
        "admin/user.html", title=user.name, person=user, errors=errors or FormErrors(), form=form, roles=lc.ROLES,
        open_qas=allocation.open_qa_counts(session, [user.id]).get(user.id, 0),
        absences=allocation.absences(session, user.id) if inspector else [],
        conflicts=allocation.conflicts(session, user.id) if inspector else [],
        regions=reference.regions()), status


@bp.get("/users/<int:user_id>")
@roles_required(lc.ADMIN)
def user_page(user_id: int):
    return _user_page(user_id)


@bp.post("/users/<int:user_id>")
@roles_required(lc.ADMIN)
def update_user(user_id: int):
    session = db_session()
    errors = FormErrors()
    try:
        data = UserUpdateIn().load(_user_form(request.form))
        with transaction(session):
            changes = user_admin.update(session, user_admin.get_user(session, user_id), data, current_user)
    except ValidationError as exc:
        add_schema_errors(errors, exc, LABELS, missing=MISSING)
    except ServiceError as exc:
        add_refusals(errors, exc.refusals, labels=None, fallback="name")
    if errors:
        return _user_page(user_id, errors, request.form, 400)
    flash("Saved." if changes else "Nothing was changed.", "success")
    return redirect(url_for("admin_users.user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/absences")
@roles_required(lc.ADMIN)
def add_absence(user_id: int):
    session = db_session()
    errors = FormErrors()
    raw = blank_to_none(request.form, ("reason",))
    for name, what in (("from_date", "the first day away"), ("to_date", "the last day away")):
        value = date_from_parts(request.form, name, errors, what, id_prefix="absence-")
        if value:
            raw[name] = value
    if not errors:
        try:
            data = AbsenceIn().load(raw)
            with transaction(session):
                allocation.add_absence(session, user_id, data, current_user)
        except ValidationError as exc:
            add_schema_errors(errors, exc, ABSENCE_LABELS, ids={"from_date": "absence-from_date-day",
                                                                "to_date": "absence-to_date-day"})
        except ServiceError as exc:
            add_refusals(errors, exc.refusals, ids={"to_date": "absence-to_date-day"}, labels=ABSENCE_LABELS,
                         fallback="absence-from_date-day")
    if errors:
        return _user_page(user_id, errors, request.form, 400)
    flash("Absence recorded: the allocation page will not suggest them for reviews due in that time.", "success")
    return redirect(url_for("admin_users.user_page", user_id=user_id) + "#absences")


@bp.post("/users/<int:user_id>/conflicts")
@roles_required(lc.ADMIN)
def add_conflict(user_id: int):
    session = db_session()
    errors = FormErrors()
    raw = blank_to_none(request.form, ("region", "reason"))
    try:
        data = ConflictIn().load(raw)
        with transaction(session):
            allocation.add_conflict(session, user_id, data, current_user)
    except ValidationError as exc:
        add_schema_errors(errors, exc, CONFLICT_LABELS, ids={"region": "conflict-region", "reason": "conflict-reason",
                                                             "provider": "conflict-region"},
                          missing={"reason": "Enter the reason for the conflict of interest"})
    except ServiceError as exc:
        add_refusals(errors, exc.refusals, ids={"region": "conflict-region", "reason": "conflict-reason",
                                                "provider": "conflict-region"}, labels=CONFLICT_LABELS,
                     fallback="conflict-region")
    if errors:
        return _user_page(user_id, errors, request.form, 400)
    flash("Conflict of interest recorded: they will not be allocated reviews from that region.", "success")
    return redirect(url_for("admin_users.user_page", user_id=user_id) + "#conflicts")


@bp.post("/users/<int:user_id>/absences/<int:row_id>/remove")
@roles_required(lc.ADMIN)
def remove_absence(user_id: int, row_id: int):
    return _remove(Absence, user_id, row_id, "Absence removed.", "#absences")


@bp.post("/users/<int:user_id>/conflicts/<int:row_id>/remove")
@roles_required(lc.ADMIN)
def remove_conflict(user_id: int, row_id: int):
    return _remove(ConflictOfInterest, user_id, row_id, "Conflict of interest removed.", "#conflicts")


def _remove(model, user_id: int, row_id: int, done: str, section: str):
    """Remove one of a person's absences or conflicts (audited by the service), then show their page there."""
    session = db_session()
    with transaction(session):
        allocation.remove(session, model, user_id, row_id, current_user)
    flash(done, "success")
    return redirect(url_for("admin_users.user_page", user_id=user_id) + section)
