"""Sign in and out of the web interface (flask-login sessions; CSRF on both forms)."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from marshmallow import ValidationError, fields, validate

from .. import db_session
from ..db import transaction
from ..http import throttle
from ..models import User
from ..schemas.boundary import INT_MAX
from ..schemas.common import StrictSchema, Trimmed
from ..services import audit, settings, users
from . import sessions
from .forms import FormErrors, add_schema_errors

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"


class SignInIn(StrictSchema):
    email = Trimmed(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def _load(user_id: str):
    if not user_id.isdigit() or int(user_id) > INT_MAX:
        return None
    db = db_session()
    user = db.get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    values = settings.all_settings(db)  # one query for both limits
    if not sessions.still_valid(user, idle_minutes=values["session_idle_minutes"],
                                max_hours=values["session_max_hours"]):
        session.clear()  # ended (signed out elsewhere, new password, idle or too old): sign in again
        return None
    return user


def roles_required(*roles: str):
    """Signed in, and with one of these roles; otherwise the 403 page."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def safe_next(target: str | None) -> str:
    """Only a path on this site: never send a person who just signed in to another host."""
    if target and "\\" not in target and not any(ord(c) < 32 for c in target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("pages.home")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    errors = FormErrors()
    email = request.form.get("email", "").strip()
    if request.method == "POST":
        body = None
        try:  # a password is taken as typed: spaces may be part of it
            body = SignInIn().load({k: request.form[k] for k in ("email", "password") if request.form.get(k)})
        except ValidationError as exc:
            add_schema_errors(errors, exc, {"email": "Email address", "password": "Password"},
                              missing={"email": "Enter your email address", "password": "Enter your password"})
        if body is not None:
            db, guard = db_session(), current_app.extensions["sfoflow_throttle"]
            limits = throttle.limits_from(settings.all_settings(db).__getitem__)
            wait = guard.blocked_for(limits, account=body["email"], address=request.remote_addr)
            user = None if wait else users.check_password(db, body["email"], body["password"])
            if wait:
                errors.add("email", f"There have been too many attempts to sign in. Wait {throttle.minutes_text(wait)} "
                                    "and try again")
                return render_template("sign_in.html", errors=errors, email=email), 429, {"Retry-After": str(wait)}
            if user is None:
                if guard.failed(limits, account=body["email"], address=request.remote_addr):
                    with transaction(db):  # the moment a limit is reached: on the record, once
                        audit.record(db, review=None, actor=None, action="sign_in_throttled",
                                     details={"email": body["email"].strip().lower()[:254],
                                              "address": request.remote_addr})
                # One message for an unknown email and a wrong password: do not reveal who has an account.
                errors.add("email", "The email address or password is not right")
            else:
                guard.forget_account(limits, body["email"])
                sessions.begin(user)  # a new session: nothing from before sign-in carries over
                login_user(user)
                flash(f"You are signed in as {user.name}.", "success")
                return redirect(safe_next(request.args.get("next")))
    return render_template("sign_in.html", errors=errors, email=email), 400 if errors else 200


@bp.post("/sign-out")
@login_required
def sign_out():
    db = db_session()
    with transaction(db):
        users.end_sessions(db, current_user._get_current_object())  # a copy of this cookie stops working too
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
