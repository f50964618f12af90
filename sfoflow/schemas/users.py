"""What an admin types about a user: create one, or change their role, status, seniority and capacity."""
from __future__ import annotations

from marshmallow import fields, validate

from ..workflows.lifecycle import ROLES
from .common import ReferenceChoice, StrictSchema, Trimmed, labelled, not_blank

MAX_CAPACITY = 50


class UserCreateIn(StrictSchema):
    name = Trimmed(required=True, validate=[not_blank, validate.Length(max=200)])
    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = ReferenceChoice(labelled(ROLES), "role", required=True)
    is_senior = fields.Boolean(load_default=False)
    capacity = fields.Integer(load_default=6, validate=validate.Range(0, MAX_CAPACITY))
    password = fields.String(required=True, validate=validate.Length(min=8, max=200))


class UserUpdateIn(StrictSchema):
    name = Trimmed(required=True, validate=[not_blank, validate.Length(max=200)])
    role = ReferenceChoice(labelled(ROLES), "role", required=True)
    is_active = fields.Boolean(required=True)
    is_senior = fields.Boolean(load_default=False)
    capacity = fields.Integer(required=True, validate=validate.Range(0, MAX_CAPACITY))
