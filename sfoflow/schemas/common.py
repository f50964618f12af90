from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from .. import reference
from .messages import use_plain_messages

use_plain_messages()  # marshmallow's own messages in plain English, for every schema


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped: a typo must not lose data."""

    class Meta:
        ordered = True


def one_of(choices_fn, what: str):
    def check(value):
        choices = choices_fn()
        if value not in choices:
            raise ValidationError(f"unknown {what} {value!r}; expected one of: {', '.join(choices)}")
    return check


def not_blank(value: str):
    if not value or not value.strip():
        raise ValidationError("must not be blank")


class Trimmed(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


region_field = lambda **kw: Trimmed(validate=one_of(lambda: list(reference.regions()), "region"), **kw)  # noqa: E731
offence_field = lambda **kw: Trimmed(  # noqa: E731
    validate=one_of(lambda: list(reference.offence_categories()), "offence category"), **kw)
reason_field = lambda **kw: Trimmed(validate=[not_blank, validate.Length(max=4000)], **kw)  # noqa: E731


class ErrorSchema(Schema):
    class Inner(Schema):
        status = fields.Integer()
        message = fields.String()
        fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()))
        reasons = fields.List(fields.String())
        allowed_actions = fields.List(fields.String())
    error = fields.Nested(Inner)


class PageSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
