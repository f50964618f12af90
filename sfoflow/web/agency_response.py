"""The agency contact's answer form, opened by their personal link without signing in.

The link opens this one form and nothing else: no one is signed in by it, and any other page
still asks for a sign-in. An expired, withdrawn, altered or unknown link gets one plain page
that says which (expired, withdrawn, not valid) and shows nothing about any case or panel.
Each link is limited to ``panel_link_requests_per_hour`` requests an hour.
"""
from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from marshmallow import ValidationError

from .. import db_session
from ..db import transaction
from ..schemas.panels import ResponseIn
from ..services import panels
from ..services.errors import ServiceError
from .forms import FormErrors

bp = Blueprint("agency_response", __name__)
FIELDS = ("involvement", "findings", "learning", "attendees")
STATUS = {"invalid": 404, "revoked": 410, "expired": 410, "too_many": 429}


def _private(response):
    # personal content: never cached, never sent on as a referrer, never framed
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _refused(exc: panels.LinkRefused):
    return _private(make_response(render_template("panels/link_refused.html", title="This link does not work",
                                                  message=exc.message), STATUS[exc.code]))


@bp.route("/respond/<token>", methods=["GET", "POST"])
def respond(token: str):
    session = db_session()
    errors = FormErrors()
    form = {}
    try:
        with transaction(session):  # the request is counted even if the answer is refused below
            row = panels.open_link(session, token)
    except panels.LinkRefused as exc:
        return _refused(exc)
    status = 200
    if request.method == "POST":
        form = {k: (request.form.get(k) or "").strip() for k in FIELDS}
        try:
            body = ResponseIn().load({k: v for k, v in form.items() if v})
            with transaction(session):
                row = panels.open_link(session, token, count=False)
                panels.respond(session, row, body)
        except ValidationError as exc:
            if "involvement" in exc.messages:
                errors.add("involvement", "Select whether your agency was involved in this case")
            for name in ("findings", "learning", "attendees"):
                if name in exc.messages:
                    errors.add(name, "This answer is too long")
            status = 422
        except panels.LinkRefused as exc:
            return _refused(exc)
        except ServiceError as exc:
            errors.add("involvement", exc.refusals[0].message)
            status = 409
        else:
            session.expire_all()
            row = panels.open_link(session, token, count=False)
            return _private(make_response(render_template(
                "panels/respond.html", title="Thank you", v=panels.link_view(row), errors=errors, form={},
                token=token, thanks=True)))
    return _private(make_response(render_template("panels/respond.html", title="Learning panel: your answer",
                                                  v=panels.link_view(row), errors=errors, form=form, token=token,
                                                  thanks=False), status))
