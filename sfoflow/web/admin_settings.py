"""Run-time settings for admins (/admin/settings): change them, see who changed what and when."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import db_session
from ..db import transaction
from ..services import settings
from ..services.errors import ServiceError
from ..workflows import lifecycle as lc
from .auth import roles_required
from .forms import FormErrors, add_refusals

bp = Blueprint("admin_settings", __name__, url_prefix="/admin")


def _shown(value, kind: str) -> str:
    if kind == "bool":
        return "On" if value else "Off"
    if kind == "int_list":
        return ", ".join(str(v) for v in value or [])
    if value in (None, ""):
        return "blank"
    return str(value)


def _page(errors: FormErrors | None = None, form=None, status: int = 200):
    session = db_session()
    items = settings.current(session)
    return render_template("admin_settings/settings.html", title="Settings", items=items,
                           history=settings.history(session), errors=errors or FormErrors(), form=form,
                           shown=_shown), status


@bp.get("/settings")
@roles_required(lc.ADMIN)
def settings_page():
    return _page()


@bp.post("/settings")
@roles_required(lc.ADMIN)
def change_settings():
    session = db_session()
    current = {item["key"]: item for item in settings.current(session)}
    # every field is sent; a value equal to the current one is not a change (and is not recorded)
    values = {key: request.form[key] for key in current if key in request.form}
    reason = (request.form.get("reason") or "").strip() or None
    errors = FormErrors()
    try:
        with transaction(session):
            changed = settings.change_many(session, values, current_user, reason) if values else []
    except ServiceError as exc:
        labels = {key: item["label"] for key, item in current.items()}
        add_refusals(errors, exc.refusals, labels=labels, ids={k: f"setting-{k}" for k in current})
        return _page(errors, request.form, 400)
    if changed:
        flash(f"Settings saved: {len(changed)} change{'' if len(changed) == 1 else 's'}, listed under Changes.",
              "success")
    else:
        flash("Nothing changed: every value was already as entered.", "success")
    return redirect(url_for("admin_settings.settings_page"))
