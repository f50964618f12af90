"""Learning panel pages: agencies on a review, agency contacts (admin), candidates, the panel,
its record, actions and report. The agencies' own answer form is web/agency_response.py."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from .. import db_session
from ..db import transaction
from ..http.downloads import file_response
from ..schemas import panels as s
from ..services import agencies, learning, panels, reviews
from ..services.errors import NotFound, ServiceError, flatten_messages
from ..workflows import lifecycle as lc
from .auth import roles_required
from .forms import MISSING, FormErrors, add_refusals, add_schema_errors, date_from_parts

bp = Blueprint("panels", __name__)
PANEL_ROLES = (lc.MANAGER,)
LABELS = {"held_on": "Date", "chair": "Chair", "venue": "Venue or link", "findings": "The panel's findings",
          "learning": "Learning agreed", "description": "Action", "due_on": "Due date", "outcome": "Outcome",
          "organisation": "Organisation", "area": "Area", "regions": "Regions served", "name": "Name",
          "email": "Email address", "agency": "Agency", "role": "Role", "review_ids": "Cases",
          "summary": "Case details", "details": "Details", "version": "Version"}


def _flash_invalid(exc: ValidationError | ServiceError) -> None:
    if isinstance(exc, ServiceError):
        for refusal in exc.refusals:
            flash(refusal.message, "error")
        return
    for field, messages in flatten_messages(exc.messages).items():
        label = LABELS.get(field.split(".")[0], field.split(".")[0].replace("_", " ").capitalize())
        for m in messages:
            flash(f"Enter {label.lower()}" if m == MISSING else f"{label}: {m}", "error")


def _run(back: str, change, success: str | None = None, ok=None):
    """Validate and change in one transaction; on a refusal, say why on the page we came from."""
    session = db_session()
    try:
        with transaction(session):
            change(session)
    except NotFound:
        raise
    except (ServiceError, ValidationError) as exc:
        _flash_invalid(exc)
        return redirect(back)
    if success:
        flash(success, "success")
    return redirect(ok() if callable(ok) else ok or back)


def _form(*names) -> dict:
    return {n: (request.form.get(n) or "").strip() for n in names if (request.form.get(n) or "").strip()}


# --- agencies on a review ---------------------------------------------------------------------

@bp.route("/reviews/<int:review_id>/agencies", methods=["GET", "POST"])
@roles_required(lc.CENTRAL_TEAM, lc.INSPECTOR, lc.MANAGER)
def review_agencies(review_id: int):
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user)
    if request.method == "POST":
        items = []
        for code in request.form.getlist("agency"):
            items.append({"agency": code, "role": (request.form.get(f"role-{code}") or "").strip()})
        back = url_for("panels.review_agencies", review_id=review_id)
        return _run(back, lambda se: agencies.set_for_review(
            se, reviews.get_visible(se, review_id, current_user, for_update=True), current_user,
            s.ReviewAgenciesIn().load({"agencies": items})["agencies"]), "The agencies involved have been saved.")
    recorded = {a.agency: a for a in agencies.for_review(session, review_id)}
    return render_template("panels/review_agencies.html", title=f"Agencies involved: {review.reference}",
                           review=review, recorded=recorded, may_edit=agencies.may_record(review, current_user))


# --- agency contacts (admin) -------------------------------------------------------------------

def _contact_form() -> dict:
    data = _form("agency", "organisation", "area", "name", "email")
    data["regions"] = request.form.getlist("regions")
    data["is_active"] = request.form.get("is_active", "yes") == "yes"
    return data


@bp.route("/admin/agency-contacts", methods=["GET", "POST"])
@roles_required(lc.ADMIN)
def contacts():
    if request.method == "POST":
        return _run(url_for("panels.contacts"), lambda se: agencies.create_contact(
            se, current_user, s.AgencyContactIn().load(_contact_form())), "Agency contact added.")
    return render_template("panels/contacts.html", title="Agency contacts",
                           contacts=[agencies.contact_view(c) for c in agencies.contacts(db_session())])


@bp.route("/admin/agency-contacts/<int:contact_id>", methods=["GET", "POST"])
@roles_required(lc.ADMIN)
def contact(contact_id: int):
    session = db_session()
    row = agencies.get_contact(session, contact_id)
    if request.method == "POST":
        return _run(url_for("panels.contact", contact_id=contact_id), lambda se: agencies.update_contact(
            se, agencies.get_contact(se, contact_id), current_user, s.AgencyContactUpdate().load(_contact_form())),
            "Agency contact changed.")
    return render_template("panels/contact.html", title=f"Agency contact: {row.name}",
                           c=agencies.contact_view(row),
                           history=[agencies.event_view(e)
                                    for e in agencies.history(session, agencies.CONTACT, row.id)])


# --- candidates and panels ----------------------------------------------------------------------

@bp.get("/panels")
@roles_required(*PANEL_ROLES)
def panel_list():
    session = db_session()
    return render_template("panels/list.html", title="Learning panels",
                           panels=[panels.view(panels.get(session, p.id)) for p in panels.listing(session)])


@bp.get("/panels/candidates")
@roles_required(*PANEL_ROLES)
def candidates():
    return _candidates_page()


def _candidates_page(errors: FormErrors | None = None, status: int = 200):
    raw = {k: v for k, v in request.args.items() if v and k in ("region", "year", "theme")}
    try:
        f = s.CandidateFilter().load(raw)
    except ValidationError as exc:
        _flash_invalid(exc)
        f = {}
    items = panels.candidates(db_session(), **f)
    return render_template("panels/candidates.html", title="Panel candidates", items=items, f=raw,
                           themes_available=True,
                           theme_options=[t.label for t in learning.all_themes(db_session(), include_retired=True)],
                           errors=errors or FormErrors(), form=request.form if errors else {},
                           chosen=request.form.getlist("review_id") if errors else []), status


CREATE_MISSING = {"chair": "Enter the name of the chair", "venue": "Enter the venue or the meeting link"}


@bp.post("/panels")
@roles_required(*PANEL_ROLES)
def create_panel():
    """Errors are shown on the candidates page, each linked to its input (GOV.UK pattern)."""
    errors = FormErrors()
    held_on = date_from_parts(request.form, "held_on", errors, "the date of the panel")
    data = {**_form("chair", "venue"), **({"held_on": held_on} if held_on else {}),
            "review_ids": [int(x) for x in request.form.getlist("review_id") if x.isdigit()]}
    body = None
    try:
        body = s.PanelCreate().load(data)
    except ValidationError as exc:
        messages = {k: v for k, v in exc.messages.items() if k != "held_on" or not errors}
        add_schema_errors(errors, messages, LABELS, ids={"held_on": "held_on-day", "review_ids": "candidates"},
                          missing={**CREATE_MISSING, "held_on": "Enter the date of the panel"})
    if not errors:
        session = db_session()
        try:
            with transaction(session):
                created = panels.create(session, current_user, body)
        except ServiceError as exc:  # e.g. a review that is no longer there
            add_refusals(errors, exc.refusals, ids={"review_id": "candidates"}, fallback="candidates")
        else:
            flash("Panel created as a draft. Choose whom to invite, then confirm it to send the notices.", "success")
            return redirect(url_for("panels.panel", panel_id=created.id))
    return _candidates_page(errors, 422)


@bp.get("/panels/<int:panel_id>")
@roles_required(*PANEL_ROLES)
def panel(panel_id: int):
    session = db_session()
    row = panels.get(session, panel_id)
    return render_template("panels/detail.html", title=f"Learning panel: {row.held_on:%-d %B %Y}",
                           p=panels.view(row), suggestions=panels.suggestions(session, row),
                           history=[agencies.event_view(e) for e in panels.history(session, row)],
                           contacts=[agencies.contact_view(c) for c in agencies.contacts(session, active_only=True)])


def _back(panel_id: int, anchor: str = "") -> str:
    return url_for("panels.panel", panel_id=panel_id) + anchor


@bp.post("/panels/<int:panel_id>/details")
@roles_required(*PANEL_ROLES)
def update_details(panel_id: int):
    errors = FormErrors()
    held_on = date_from_parts(request.form, "held_on", errors, "the date of the panel")
    if errors:
        for _id, message in errors.items:
            flash(message, "error")
        return redirect(_back(panel_id))
    data = {**_form("chair", "venue", "version"), "held_on": held_on}
    return _run(_back(panel_id), lambda se: panels.update(se, panels.get(se, panel_id), current_user,
                                                          s.PanelUpdate().load(data)), "Panel details saved.")


@bp.post("/panels/<int:panel_id>/cases")
@roles_required(*PANEL_ROLES)
def add_case(panel_id: int):
    reference = (request.form.get("reference") or "").strip()

    def change(se):
        from sqlalchemy import select

        from ..models import Review

        review_id = se.scalar(select(Review.id).where(Review.reference == reference))
        if review_id is None:
            raise ServiceError("no such review",
                               refusals=[s_refusal("reference", "There is no review with that reference")])
        panels.add_case(se, panels.get(se, panel_id), current_user,
                        s.CaseIn().load({"review_id": review_id, **_form("summary")}))

    return _run(_back(panel_id, "#cases"), change, "Case added.")


def s_refusal(field, message):
    from ..refusals import Refusal

    return Refusal(field, "invalid", message)


@bp.post("/panels/<int:panel_id>/cases/<int:case_id>/remove")
@roles_required(*PANEL_ROLES)
def remove_case(panel_id: int, case_id: int):
    return _run(_back(panel_id, "#cases"), lambda se: panels.remove_case(se, panels.get(se, panel_id), current_user,
                                                                         case_id), "Case taken off the panel.")


@bp.post("/panels/<int:panel_id>/cases/<int:case_id>/summary")
@roles_required(*PANEL_ROLES)
def case_summary(panel_id: int, case_id: int):
    def change(se):
        row = panels.get(se, panel_id)
        case = panels._case(row, case_id)
        case.summary = (request.form.get("summary") or "").strip()[:4000]
        agencies.record_event(se, panels.PANEL, row.id, current_user, "case_details_changed",
                              {"case": case.review.reference})

    return _run(_back(panel_id, "#cases"), change, "Case details saved.")


@bp.post("/panels/<int:panel_id>/invites")
@roles_required(*PANEL_ROLES)
def add_invites(panel_id: int):
    chosen = [v.split(":") for v in request.form.getlist("invite") if ":" in v]

    def change(se):
        row = panels.get(se, panel_id)
        if not chosen:
            raise ServiceError("nothing chosen",
                               refusals=[s_refusal("invite", "Choose at least one contact to invite")])
        for case_id, contact_id in chosen:
            panels.invite(se, row, current_user, s.InviteIn().load({"case_id": case_id, "contact_id": contact_id}))

    plural = "s" if len(chosen) != 1 else ""
    return _run(_back(panel_id, "#invites"), change, f"{len(chosen)} invitation{plural} added.")


@bp.post("/panels/<int:panel_id>/invites/<int:invite_id>/revoke")
@roles_required(*PANEL_ROLES)
def revoke(panel_id: int, invite_id: int):
    return _run(_back(panel_id, "#invites"), lambda se: panels.revoke(se, panels.get(se, panel_id), current_user,
                                                                      invite_id), "The link has been withdrawn.")


@bp.post("/panels/<int:panel_id>/confirm")
@roles_required(*PANEL_ROLES)
def confirm(panel_id: int):
    version = request.form.get("version")
    return _run(_back(panel_id), lambda se: panels.confirm(se, panels.get(se, panel_id), current_user,
                                                           s.VersionIn().load({"version": version})["version"]),
                "Panel confirmed. Each invited contact is being sent a notice with their personal link.")


@bp.route("/panels/<int:panel_id>/record", methods=["GET", "POST"])
@roles_required(*PANEL_ROLES)
def record(panel_id: int):
    session = db_session()
    errors = FormErrors()
    if request.method == "POST":
        data = {**_form("findings", "learning", "version"),
                "attended": [int(x) for x in request.form.getlist("attended") if x.isdigit()]}
        try:
            body = s.RecordIn().load(data)
            with transaction(session):
                panels.record(session, panels.get(session, panel_id), current_user, body)
        except NotFound:
            raise
        except ValidationError as exc:
            add_schema_errors(errors, exc, LABELS, missing={"findings": "Enter the panel's findings",
                                                            "learning": "Enter the learning agreed"})
        except ServiceError as exc:
            add_refusals(errors, exc.refusals, ids={"attended": "attended"}, fallback="findings")
        else:
            flash("The panel's record has been saved.", "success")
            return redirect(_back(panel_id, "#record"))
    row = panels.get(session, panel_id)
    return render_template("panels/record.html", title="Record the panel", p=panels.view(row), errors=errors,
                           form=request.form if errors else {}), 422 if errors else 200


@bp.post("/panels/<int:panel_id>/actions")
@roles_required(*PANEL_ROLES)
def add_action(panel_id: int):
    errors = FormErrors()
    due_on = date_from_parts(request.form, "due_on", errors, "the due date")
    if errors:
        for _id, message in errors.items:
            flash(message, "error")
        return redirect(_back(panel_id, "#actions"))
    owner = request.form.get("owner_contact_id") or ""
    data = {**_form("description"), "due_on": due_on, "owner_contact_id": int(owner) if owner.isdigit() else None}
    return _run(_back(panel_id, "#actions"), lambda se: panels.add_action(
        se, panels.get(se, panel_id), current_user, s.ActionIn().load(data)), "Action added.")


@bp.post("/panels/<int:panel_id>/actions/<int:action_id>/close")
@roles_required(*PANEL_ROLES)
def close_action(panel_id: int, action_id: int):
    data = _form("outcome")
    return _run(_back(panel_id, "#actions"), lambda se: panels.close_action(
        se, panels.get(se, panel_id), current_user, action_id, s.CloseActionIn().load(data)["outcome"]),
        "Action closed.")


@bp.get("/panels/<int:panel_id>/report")
@roles_required(*PANEL_ROLES)
def report(panel_id: int):
    row = panels.get(db_session(), panel_id)
    return render_template("panels/report.html", title="Panel report", p=panels.view(row),
                           report_html=panels.report_html(row))


@bp.get("/panels/<int:panel_id>/report.pdf")
@roles_required(*PANEL_ROLES)
def report_pdf(panel_id: int):
    row = panels.get(db_session(), panel_id)
    return file_response(panels.report_pdf(row), "application/pdf", panels.report_filename(row), inline=True)


@bp.post("/panels/<int:panel_id>/report/send")
@roles_required(*PANEL_ROLES)
def send_report(panel_id: int):
    return _run(url_for("panels.report", panel_id=panel_id), lambda se: panels.send_report(
        se, panels.get(se, panel_id), current_user), "The report has been sent to the contacts who attended.")
