"""Request bodies for HMPPS QA staff flags and benchmarking exercises."""
from __future__ import annotations

from marshmallow import fields, validate

from .common import StrictSchema, Trimmed


class HmppsFlagsIn(StrictSchema):
    hmpps_qa = fields.Boolean(load_default=None, allow_none=True)
    hmpps_qa_manager = fields.Boolean(load_default=None, allow_none=True)


class DrawIn(StrictSchema):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=50))
    seed = fields.Integer(required=True, validate=validate.Range(min=0))


class ExerciseIn(StrictSchema):
    title = Trimmed(required=True, validate=validate.Length(min=1, max=200))
    rater_ids = fields.List(fields.Integer(), required=True)
    review_ids = fields.List(fields.Integer(), load_default=None)
    draw = fields.Nested(DrawIn, load_default=None, allow_none=True)


class RatingIn(StrictSchema):
    answers = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), load_default=dict)
    ratings = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), load_default=dict)
    submit = fields.Boolean(load_default=False)


class ModerationReviewIn(StrictSchema):
    review_id = fields.Integer(required=True)
    agreed_ratings = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), load_default=dict)
    moderation_note = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=8000))


class ModerationIn(StrictSchema):
    moderation_note = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=8000))
    reviews = fields.List(fields.Nested(ModerationReviewIn), load_default=list)


class YearQuery(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
