"""Sign in and out of the web interface (flask-login sessions; CSRF on the form)."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from .. import db_session
from ..models import User
from ..services import users

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def _load(user_id: str):
    user = db_session().get(User, int(user_id))
    return user if user is not None and user.is_active else None


def roles_required(*roles: str):
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect a signed-in user to another host.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.home")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    errors = {}
    email = request.form.get("email", "").strip()
    if request.method == "POST":
        password = request.form.get("password", "")
        if not email:
            errors["email"] = "Enter your email address"
        if not password:
            errors["password"] = "Enter your password"
        if not errors:
            user = users.check_password(db_session(), email, password)
            if user is None:
                errors["email"] = "The email address or password is not right"
            else:
                login_user(user)
                flash(f"Signed in as {user.email}")
                return redirect(_safe_next(request.args.get("next")))
    return render_template("sign_in.html", errors=errors, email=email), 400 if errors else 200


@bp.post("/sign-out")
@login_required
def sign_out():
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))
