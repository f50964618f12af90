"""Learning recorded on a QA, amendment outcomes, themes, and the year summary's inputs."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..reports.year.sections import LEVELS as LEVEL_NAMES
from ..reports.year.sections import OUTCOMES as OUTCOME_NAMES
from .common import ReferenceChoice, StrictSchema, Trimmed, labelled, not_blank

TEXT = dict(validate=[not_blank, validate.Length(max=4000)])


class EntryIn(StrictSchema):
    id = fields.Integer(load_default=None, allow_none=True)
    text = Trimmed(required=True, **TEXT)


class LearningPointIn(EntryIn):
    level = ReferenceChoice(labelled(LEVEL_NAMES), "level", required=True)
    in_action_plan = fields.Boolean(required=True)


class LearningIn(StrictSchema):
    """The whole learning part of a QA; what is left out of a list is removed."""
    version = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "ignored: the assessment's version is checked by its own save"})
    themes = fields.List(fields.String(), load_default=list)
    learning_points = fields.List(fields.Nested(LearningPointIn), load_default=list)
    good_practice = fields.List(fields.Nested(EntryIn), load_default=list)
    policy_issues = fields.List(fields.Nested(EntryIn), load_default=list)
    amendments = fields.List(fields.Nested(EntryIn), load_default=list)


class EntryOut(Schema):
    id = fields.Integer()
    text = fields.String()
    level = fields.String(allow_none=True)
    level_label = fields.String(allow_none=True)
    in_action_plan = fields.Boolean(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_label = fields.String(allow_none=True)
    outcome_on = fields.Date(allow_none=True)
    outcome_note = fields.String(allow_none=True)


class ThemeOut(Schema):
    key = fields.String()
    label = fields.String()
    retired = fields.Boolean()


class LearningOut(Schema):
    themes = fields.List(fields.Nested(ThemeOut))
    learning_points = fields.List(fields.Nested(EntryOut))
    good_practice = fields.List(fields.Nested(EntryOut))
    policy_issues = fields.List(fields.Nested(EntryOut))
    amendments = fields.List(fields.Nested(EntryOut))


class ThemeIn(StrictSchema):
    label = Trimmed(required=True, validate=[not_blank, validate.Length(max=200)])


class ThemesOut(Schema):
    themes = fields.List(fields.Nested(ThemeOut))


class OutcomeIn(StrictSchema):
    outcome = ReferenceChoice(labelled(OUTCOME_NAMES), "outcome", required=True)
    outcome_on = fields.Date(required=True)
    note = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class PeriodQuery(Schema):
    start = fields.Date(load_default=None, data_key="from")
    end = fields.Date(load_default=None, data_key="to")


class NarrativeIn(StrictSchema):
    text = fields.String(required=True, validate=validate.Length(max=20000))


class SectionsIn(StrictSchema):
    sections = fields.List(fields.String(), required=True,
                           validate=validate.Length(min=1, error="choose at least one section"))


class SummaryOut(Schema):
    year = fields.Integer()
    period = fields.Dict()
    sections = fields.List(fields.Dict())
    chosen = fields.List(fields.String())


class PublicationOut(Schema):
    year = fields.Integer()
    number = fields.Integer()
    published_at = fields.DateTime()
    publisher = fields.String()
    sections = fields.List(fields.String())
    content = fields.Dict()
    links = fields.Dict()


class PublicationsOut(Schema):
    publications = fields.List(fields.Nested(PublicationOut))
