"""Users (admins) and who-am-I."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import fields, validate
from sqlalchemy import select

from .. import db_session, reference
from ..db import transaction
from ..models import User
from ..schemas.common import StrictSchema, Trimmed, choice
from ..services import users
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc

bp = Blueprint("users", __name__)


class UserIn(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))  # the column's size
    name = Trimmed(load_default=None, validate=validate.Length(min=1, max=200))
    role = Trimmed(required=True, validate=choice(lc.ROLES))
    password = fields.String(load_default=None, load_only=True, validate=validate.Length(min=8, max=200))
    is_senior = fields.Boolean(load_default=False)
    capacity = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100))


class UserOut(StrictSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    is_active = fields.Boolean()
    is_senior = fields.Boolean()
    capacity = fields.Integer()
    token = fields.String(metadata={"description": "shown once, at creation"})


class UserList(StrictSchema):
    items = fields.List(fields.Nested(UserOut))


def _out(user: User) -> dict:
    return UserOut().dump(user)


@bp.get("/me")
@require()
@doc("Who the token belongs to", response=UserOut, tags=["users"])
def me():
    return jsonify(_out(current_user()))


@bp.get("/users")
@require(lc.ADMIN)
@doc("All users", response=UserList, tags=["users"])
def list_users():
    return jsonify({"items": [_out(u) for u in db_session().scalars(select(User).order_by(User.email))]})


@bp.post("/users")
@require(lc.ADMIN)
@doc("Create a user; the response carries their API token, shown this once", body=UserIn, response=UserOut,
     status=201, tags=["users"])
def create_user():
    body = UserIn().load(request.get_json(silent=True) or {})
    session = db_session()
    with transaction(session):
        user = users.create_user(session, **body)
        token = users.issue_token(session, user)
    return jsonify({**_out(user), "token": token}), 201


@bp.get("/reference")
@require()
@doc("Reference data: regions, offence categories, parallel review types and statuses, agencies",
     tags=["reference"])
def reference_data():
    return jsonify({
        "regions": list(reference.regions().values()),
        "offence_categories": list(reference.offence_categories().values()),
        "parallel_review_types": list(reference.parallel_review_types().values()),
        "parallel_review_statuses": list(reference.parallel_review_statuses().values()),
        "agencies": list(reference.agencies().values()),
        "providers": list(reference.providers().values()),
        "roles": [{"code": k, "name": v} for k, v in lc.ROLES.items()],
    })
