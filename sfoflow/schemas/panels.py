"""Schemas for agencies on reviews, agency contacts and learning panels (the API and the pages)."""
from __future__ import annotations

from marshmallow import fields, validate

from .. import reference
from .common import ReferenceChoice, StrictSchema, Trimmed, choice, not_blank, region_field

agency_field = lambda **kw: ReferenceChoice(reference.agencies, "agency", **kw)  # noqa: E731


def text(max_len: int = 4000, **kw):
    return Trimmed(validate=[not_blank, validate.Length(max=max_len)], **kw)


# --- agencies on a review ----------------------------------------------------------------------

class ReviewAgencyIn(StrictSchema):
    agency = agency_field(required=True)
    role = text(2000, required=True)


class ReviewAgenciesIn(StrictSchema):
    agencies = fields.List(fields.Nested(ReviewAgencyIn), required=True, validate=validate.Length(max=20))


class ReviewAgencyOut(StrictSchema):
    agency = fields.String()
    agency_name = fields.String()
    role = fields.String()
    recorded_at = fields.DateTime()


class ReviewAgenciesOut(StrictSchema):
    review_id = fields.Integer()
    agencies = fields.List(fields.Nested(ReviewAgencyOut))


# --- agency contacts -------------------------------------------------------------------------------

class AgencyContactIn(StrictSchema):
    agency = agency_field(required=True)
    organisation = text(200, required=True)
    area = text(200, required=True)
    regions = fields.List(region_field(), required=True, validate=validate.Length(min=1))
    name = text(200, required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    is_active = fields.Boolean(load_default=True)


class AgencyContactUpdate(AgencyContactIn):
    """Every field optional: only what is sent changes."""

    agency = agency_field()
    organisation = text(200)
    area = text(200)
    regions = fields.List(region_field(), validate=validate.Length(min=1))
    name = text(200)
    email = fields.Email(validate=validate.Length(max=254))
    is_active = fields.Boolean()


class AgencyContactOut(StrictSchema):
    id = fields.Integer()
    agency = fields.String()
    agency_name = fields.String()
    organisation = fields.String()
    area = fields.String()
    regions = fields.List(fields.String())
    region_names = fields.List(fields.String())
    name = fields.String()
    email = fields.String()
    is_active = fields.Boolean()
    updated_at = fields.DateTime()


class ContactList(StrictSchema):
    items = fields.List(fields.Nested(AgencyContactOut))


class HistoryEntry(StrictSchema):
    action = fields.String()
    by = fields.String()
    at = fields.DateTime()
    details = fields.Dict()


class HistoryOut(StrictSchema):
    items = fields.List(fields.Nested(HistoryEntry))


# --- candidates --------------------------------------------------------------------------------

class CandidateFilter(StrictSchema):
    region = region_field()
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    theme = Trimmed(validate=validate.Length(max=200))


class PanelCandidate(StrictSchema):
    review_id = fields.Integer()
    reference = fields.String()
    region = fields.String()
    region_name = fields.String()
    offence_name = fields.String()
    received_on = fields.Date()
    agencies = fields.List(fields.Nested(ReviewAgencyOut))
    partnership_no = fields.List(fields.String())
    themes = fields.List(fields.String())
    reasons = fields.List(fields.String())


class CandidateList(StrictSchema):
    items = fields.List(fields.Nested(PanelCandidate))


# --- panels ---------------------------------------------------------------------------------------

class PanelCreate(StrictSchema):
    held_on = fields.Date(required=True)
    chair = text(200, required=True)
    venue = text(500, required=True)
    review_ids = fields.List(fields.Integer(), load_default=list, validate=validate.Length(max=20))


class PanelUpdate(StrictSchema):
    version = fields.Integer(required=True)
    held_on = fields.Date()
    chair = text(200)
    venue = text(500)


class CaseIn(StrictSchema):
    review_id = fields.Integer(required=True)
    summary = Trimmed(validate=validate.Length(max=4000))


class InviteIn(StrictSchema):
    case_id = fields.Integer(required=True)
    contact_id = fields.Integer(required=True)
    details = Trimmed(validate=validate.Length(max=4000))


class VersionIn(StrictSchema):
    version = fields.Integer(required=True)


class RecordIn(StrictSchema):
    version = fields.Integer(required=True)
    attended = fields.List(fields.Integer(), load_default=list)
    findings = text(20000, required=True)
    learning = text(20000, required=True)


class ActionIn(StrictSchema):
    description = text(4000, required=True)
    owner_contact_id = fields.Integer(allow_none=True, load_default=None)
    due_on = fields.Date(required=True)


class CloseActionIn(StrictSchema):
    outcome = text(4000, required=True)


class ResponseIn(StrictSchema):
    involvement = Trimmed(required=True, validate=choice(["confirmed", "not_confirmed"]))
    findings = Trimmed(validate=validate.Length(max=20000))
    learning = Trimmed(validate=validate.Length(max=20000))
    attendees = Trimmed(validate=validate.Length(max=2000))


class CaseOut(StrictSchema):
    id = fields.Integer()
    review_id = fields.Integer()
    reference = fields.String()
    region = fields.String()
    region_name = fields.String()
    summary = fields.String()


class InviteOut(StrictSchema):
    id = fields.Integer()
    case_id = fields.Integer()
    reference = fields.String()
    contact = fields.Nested(AgencyContactOut)
    agency = fields.String()
    agency_name = fields.String()
    details = fields.String()
    expires_at = fields.DateTime()
    revoked = fields.Boolean()
    answered = fields.Boolean()
    responded_at = fields.DateTime(allow_none=True)
    involvement = fields.String(allow_none=True)
    findings = fields.String(allow_none=True)
    learning = fields.String(allow_none=True)
    attendees = fields.String(allow_none=True)
    attended = fields.Boolean(allow_none=True)


class ActionOut(StrictSchema):
    id = fields.Integer()
    description = fields.String()
    owner = fields.String()
    owner_contact_id = fields.Integer(allow_none=True)
    due_on = fields.Date()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class PanelOut(StrictSchema):
    id = fields.Integer()
    version = fields.Integer()
    held_on = fields.Date()
    chair = fields.String()
    venue = fields.String()
    status = fields.String()
    status_label = fields.String()
    confirmed_at = fields.DateTime(allow_none=True)
    recorded_at = fields.DateTime(allow_none=True)
    report_sent_at = fields.DateTime(allow_none=True)
    findings = fields.String(allow_none=True)
    learning = fields.String(allow_none=True)
    cases = fields.List(fields.Nested(CaseOut))
    invites = fields.List(fields.Nested(InviteOut))
    answered = fields.Integer()
    invited = fields.Integer()
    actions = fields.List(fields.Nested(ActionOut))


class PanelList(StrictSchema):
    items = fields.List(fields.Nested(PanelOut))


class YearFiguresOut(StrictSchema):
    year = fields.Integer()
    panels_held = fields.Integer()
    cases_discussed = fields.Integer()
    agencies = fields.List(fields.Dict())
    actions_open = fields.Integer()
    actions_closed = fields.Integer()
    actions_total = fields.Integer()
