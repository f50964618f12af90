"""Run-time settings (admins): read, change (audited), and the history of changes."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import fields, validate

from .. import db_session
from ..db import transaction
from ..schemas.common import StrictSchema
from ..services import settings
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc

bp = Blueprint("settings", __name__)


class SettingOut(StrictSchema):
    key = fields.String()
    label = fields.String()
    hint = fields.String()
    kind = fields.String(metadata={"description": "int, bool, int_list or email"})
    value = fields.Raw()
    default = fields.Raw()
    minimum = fields.Integer(allow_none=True)
    maximum = fields.Integer(allow_none=True)


class SettingChangeOut(StrictSchema):
    id = fields.Integer()
    key = fields.String()
    label = fields.String()
    old_value = fields.Raw(allow_none=True)
    new_value = fields.Raw(allow_none=True)
    changed_at = fields.DateTime()
    changed_by = fields.String(allow_none=True)
    changed_by_email = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class SettingsOut(StrictSchema):
    items = fields.List(fields.Nested(SettingOut))


class SettingsIn(StrictSchema):
    values = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True,
                         validate=validate.Length(min=1),
                         metadata={"description": "setting key -> new value; all or nothing"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class SettingsChanged(StrictSchema):
    items = fields.List(fields.Nested(SettingOut))
    changes = fields.List(fields.Nested(SettingChangeOut), metadata={"description": "what this call changed"})


class HistoryOut(StrictSchema):
    items = fields.List(fields.Nested(SettingChangeOut))


@bp.get("/settings")
@require(lc.ADMIN)
@doc("The settings an admin can change at run time, with their current values and defaults",
     response=SettingsOut, tags=["settings"])
def list_settings():
    return jsonify({"items": settings.current(db_session())})


@bp.patch("/settings")
@require(lc.ADMIN)
@doc("Change settings (all or nothing); each change is audited with who, when, the old and the new value. "
     "A change applies from the next decision that reads it and never rewrites past ones.",
     body=SettingsIn, response=SettingsChanged, tags=["settings"])
def change_settings():
    body = SettingsIn().load(request.get_json(silent=True) or {})
    session = db_session()
    with transaction(session):
        rows = settings.change_many(session, body["values"], current_user(), body.get("reason"))
        ids = [r.id for r in rows]
    history = [h for h in settings.history(session, limit=max(len(ids), 1) + 50) if h["id"] in ids]
    return jsonify({"items": settings.current(session), "changes": history})


@bp.get("/settings/history")
@require(lc.ADMIN)
@doc("The audit of settings changes, newest first", response=HistoryOut, tags=["settings"])
def settings_history():
    return jsonify({"items": settings.history(db_session(), limit=200)})
