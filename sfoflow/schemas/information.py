"""The information section of the QA form as data (input and output)."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from ..assessment import information as info
from .common import StrictSchema, choice


class StaffEntry(StrictSchema):
    role = fields.String(required=True, validate=choice(dict(info.STAFF_ROLES)))
    status = fields.String(load_default=None, allow_none=True, validate=choice(info.STAFF_STATUSES),
                           metadata={"description": "interviewed, not_interviewed or not_involved"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                           metadata={"description": "why not interviewed (needed when not_interviewed)"})


class Diversity(StrictSchema):
    status = fields.String(load_default=None, allow_none=True, validate=choice(info.DIVERSITY),
                           metadata={"description": "recorded, or omitted (the omission noted)"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class InformationIn(StrictSchema):
    version = fields.Integer(required=True, metadata={"description": "the assessment version you loaded"})
    high_profile = fields.String(load_default=None, allow_none=True, validate=choice(["yes", "no"]),
                                 metadata={"description": "your answer to 'Is this case high profile?'"})
    parallel_reviews = fields.String(load_default=None, allow_none=True, validate=choice(["yes", "no"]),
                                     metadata={"description": "your answer to 'Are there any paralleling reviews?'"})
    staff = fields.List(fields.Nested(StaffEntry), load_default=list)
    period_start = fields.Date(load_default=None, allow_none=True)
    period_end = fields.Date(load_default=None, allow_none=True)
    diversity = fields.Nested(Diversity, load_default=None, allow_none=True)
    share_with_victim = fields.String(load_default=None, allow_none=True, validate=choice(info.SHARE))

    @validates_schema
    def _checks(self, data, **kw):
        roles = [s["role"] for s in data.get("staff") or []]
        if len(roles) != len(set(roles)):
            raise ValidationError("each role at most once", "staff")
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            raise ValidationError("The end of the period under review must be on or after its start", "period_end")


class InformationOut(StrictSchema):
    version = fields.Integer()
    editable = fields.Boolean()
    information = fields.Dict(metadata={"description": "staff, period_start, period_end, diversity, share_with_victim"})
    high_profile = fields.String(allow_none=True, metadata={"description": "the inspector's answer (pre-filled)"})
    parallel_reviews = fields.String(allow_none=True, metadata={"description": "the inspector's answer (pre-filled)"})
    designation = fields.Dict(metadata={"description": "what the central team recorded: is_high_profile, "
                                                       "parallel_reviews (type, status)"})
    high_profile_mismatch = fields.Boolean(metadata={"description": "the answer differs from the designation: "
                                                                    "raise a high-profile query"})
    open_query = fields.Boolean()
    gaps = fields.List(fields.Dict())
    roles = fields.List(fields.Dict())
