"""Learning panels over the API: agencies on a review, agency contacts (with history),
candidates, panels, invitations, the panel's record, actions and report."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import db_session
from ..db import transaction
from ..schemas import panels as s
from ..services import agencies, panels, reviews
from ..services.errors import ValidationFailed
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc

bp = Blueprint("panels", __name__)
PANEL_ROLES = (lc.MANAGER,)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("the request body must be a JSON object", fields={"_body": ["expected a JSON object"]})
    return body


# --- agencies on a review ---------------------------------------------------------------------------

def _review_agencies(session, review_id: int) -> dict:
    return {"review_id": review_id,
            "agencies": [agencies.review_agency_view(a) for a in agencies.for_review(session, review_id)]}


@bp.get("/reviews/<int:review_id>/agencies")
@require()
@doc("The agencies involved in a review's case, with their role", response=s.ReviewAgenciesOut, tags=["panels"])
def get_review_agencies(review_id: int):
    session = db_session()
    reviews.get_visible(session, review_id, current_user())
    return jsonify(_review_agencies(session, review_id))


@bp.put("/reviews/<int:review_id>/agencies")
@require(lc.CENTRAL_TEAM, lc.INSPECTOR)
@doc("Record the agencies involved in the case (replaces the list; central team or allocated inspector)",
     body=s.ReviewAgenciesIn, response=s.ReviewAgenciesOut, tags=["panels"])
def put_review_agencies(review_id: int):
    session = db_session()
    body = s.ReviewAgenciesIn().load(_json_body())
    with transaction(session):
        review = reviews.get_visible(session, review_id, current_user(), for_update=True)
        agencies.set_for_review(session, review, current_user(), body["agencies"])
    return jsonify(_review_agencies(session, review_id))


# --- agency contacts --------------------------------------------------------------------------------

@bp.get("/agency-contacts")
@require(lc.ADMIN, lc.MANAGER)
@doc("Agency contacts who can be invited to panels", response=s.ContactList, tags=["panels"])
def list_contacts():
    return jsonify({"items": [agencies.contact_view(c) for c in agencies.contacts(db_session())]})


@bp.post("/agency-contacts")
@require(lc.ADMIN)
@doc("Add an agency contact", body=s.AgencyContactIn, response=s.AgencyContactOut, status=201, tags=["panels"])
def create_contact():
    session = db_session()
    body = s.AgencyContactIn().load(_json_body())
    with transaction(session):
        contact = agencies.create_contact(session, current_user(), body)
    return jsonify(agencies.contact_view(contact)), 201


@bp.patch("/agency-contacts/<int:contact_id>")
@require(lc.ADMIN)
@doc("Change an agency contact (only the fields sent; the change is kept in its history)",
     body=s.AgencyContactUpdate, response=s.AgencyContactOut, tags=["panels"])
def update_contact(contact_id: int):
    session = db_session()
    body = s.AgencyContactUpdate().load(_json_body())
    with transaction(session):
        contact = agencies.update_contact(session, agencies.get_contact(session, contact_id), current_user(), body)
    return jsonify(agencies.contact_view(contact))


@bp.get("/agency-contacts/<int:contact_id>/history")
@require(lc.ADMIN)
@doc("Who changed an agency contact, when, and what changed", response=s.HistoryOut, tags=["panels"])
def contact_history(contact_id: int):
    session = db_session()
    contact = agencies.get_contact(session, contact_id)
    return jsonify({"items": [agencies.event_view(e) for e in agencies.history(session, agencies.CONTACT, contact.id)]})


# --- candidates and panels ------------------------------------------------------------------------

@bp.get("/panel-candidates")
@require(*PANEL_ROLES)
@doc("QA'd reviews that are candidates for a learning panel (several agencies, or partnership prompts "
     "answered no); filter by region, year received and theme", query=s.CandidateFilter,
     response=s.CandidateList, tags=["panels"])
def list_candidates():
    f = s.CandidateFilter().load(request.args.to_dict())
    return jsonify({"items": panels.candidates(db_session(), **f)})


@bp.get("/panels")
@require(*PANEL_ROLES)
@doc("Learning panels, latest first", response=s.PanelList, tags=["panels"])
def list_panels():
    session = db_session()
    return jsonify({"items": [panels.view(panels.get(session, p.id)) for p in panels.listing(session)]})


@bp.post("/panels")
@require(*PANEL_ROLES)
@doc("Create a panel (a draft): date, chair, venue or link, and optionally its cases", body=s.PanelCreate,
     response=s.PanelOut, status=201, tags=["panels"])
def create_panel():
    session = db_session()
    body = s.PanelCreate().load(_json_body())
    with transaction(session):
        panel = panels.create(session, current_user(), body)
    return jsonify(panels.view(panels.get(session, panel.id))), 201


@bp.get("/panels/<int:panel_id>")
@require(*PANEL_ROLES)
@doc("One panel: cases, invitations (who has answered), actions", response=s.PanelOut, tags=["panels"])
def get_panel(panel_id: int):
    return jsonify(panels.view(panels.get(db_session(), panel_id)))


def _change(panel_id: int, schema, change, status: int = 200):
    session = db_session()
    body = schema().load(_json_body()) if schema is not None else {}
    with transaction(session):
        panel = panels.get(session, panel_id)
        change(session, panel, body)
    session.expire_all()
    return jsonify(panels.view(panels.get(session, panel_id))), status


@bp.patch("/panels/<int:panel_id>")
@require(*PANEL_ROLES)
@doc("Change a panel's date, chair or venue (with its version)", body=s.PanelUpdate, response=s.PanelOut,
     tags=["panels"])
def update_panel(panel_id: int):
    return _change(panel_id, s.PanelUpdate, lambda se, p, b: panels.update(se, p, current_user(), b))


@bp.post("/panels/<int:panel_id>/cases")
@require(*PANEL_ROLES)
@doc("Add a case to the panel, with the minimum case details agencies will see", body=s.CaseIn,
     response=s.PanelOut, status=201, tags=["panels"])
def add_case(panel_id: int):
    return _change(panel_id, s.CaseIn, lambda se, p, b: panels.add_case(se, p, current_user(), b), 201)


@bp.delete("/panels/<int:panel_id>/cases/<int:case_id>")
@require(*PANEL_ROLES)
@doc("Take a case off a draft panel (with its invitations)", response=s.PanelOut, tags=["panels"])
def remove_case(panel_id: int, case_id: int):
    return _change(panel_id, None, lambda se, p, b: panels.remove_case(se, p, current_user(), case_id))


@bp.post("/panels/<int:panel_id>/invites")
@require(*PANEL_ROLES)
@doc("Invite an agency contact about one case (on a confirmed panel the notice goes at once)", body=s.InviteIn,
     response=s.PanelOut, status=201, tags=["panels"])
def add_invite(panel_id: int):
    return _change(panel_id, s.InviteIn, lambda se, p, b: panels.invite(se, p, current_user(), b), 201)


@bp.post("/panels/<int:panel_id>/invites/<int:invite_id>/revoke")
@require(*PANEL_ROLES)
@doc("Withdraw an invitation's personal link", response=s.PanelOut, tags=["panels"])
def revoke_invite(panel_id: int, invite_id: int):
    return _change(panel_id, None, lambda se, p, b: panels.revoke(se, p, current_user(), invite_id))


@bp.post("/panels/<int:panel_id>/confirm")
@require(*PANEL_ROLES)
@doc("Confirm the panel: each invited contact is sent a notice with their personal link", body=s.VersionIn,
     response=s.PanelOut, tags=["panels"])
def confirm_panel(panel_id: int):
    return _change(panel_id, s.VersionIn, lambda se, p, b: panels.confirm(se, p, current_user(), b["version"]))


@bp.post("/panels/<int:panel_id>/record")
@require(*PANEL_ROLES)
@doc("Record the panel: attendance (invitation ids), its findings and the learning agreed", body=s.RecordIn,
     response=s.PanelOut, tags=["panels"])
def record_panel(panel_id: int):
    return _change(panel_id, s.RecordIn, lambda se, p, b: panels.record(se, p, current_user(), b))


@bp.post("/panels/<int:panel_id>/actions")
@require(*PANEL_ROLES)
@doc("Add an action (owner: an agency contact, or HMIP when none), with its due date", body=s.ActionIn,
     response=s.PanelOut, status=201, tags=["panels"])
def add_action(panel_id: int):
    return _change(panel_id, s.ActionIn, lambda se, p, b: panels.add_action(se, p, current_user(), b), 201)


@bp.post("/panels/<int:panel_id>/actions/<int:action_id>/close")
@require(*PANEL_ROLES)
@doc("Close an action with its outcome", body=s.CloseActionIn, response=s.PanelOut, tags=["panels"])
def close_action(panel_id: int, action_id: int):
    return _change(panel_id, s.CloseActionIn,
                   lambda se, p, b: panels.close_action(se, p, current_user(), action_id, b["outcome"]))


@bp.post("/panels/<int:panel_id>/report")
@require(*PANEL_ROLES)
@doc("Email the panel's report (PDF) to the contacts who attended, through the outbox", response=s.PanelOut,
     tags=["panels"])
def send_report(panel_id: int):
    return _change(panel_id, None, lambda se, p, b: panels.send_report(se, p, current_user()))


@bp.get("/panels/<int:panel_id>/history")
@require(*PANEL_ROLES)
@doc("Every change to the panel: who, when, what", response=s.HistoryOut, tags=["panels"])
def panel_history(panel_id: int):
    session = db_session()
    panel = panels.get(session, panel_id)
    return jsonify({"items": [agencies.event_view(e) for e in panels.history(session, panel)]})


@bp.get("/panel-figures/<int:year>")
@require(lc.MANAGER, lc.ADMIN)
@doc("The year's panel figures: panels held, agencies, actions open and closed", response=s.YearFiguresOut,
     tags=["panels"])
def year_figures(year: int):
    return jsonify(panels.year_figures(db_session(), year))
