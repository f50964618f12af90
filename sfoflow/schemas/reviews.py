from __future__ import annotations

from datetime import date

from marshmallow import ValidationError, fields, validate, validates_schema

from .. import reference
from ..reports.dates import long_date
from ..workflows.lifecycle import ACTIONS, STATES
from .common import (
    PageSchema,
    ReferenceChoice,
    StrictSchema,
    Trimmed,
    choice,
    offence_field,
    provider_field,
    reason_field,
    region_field,
)

EARLIEST_RECEIVED = date(2000, 1, 1)
REFERENCE_RE = r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$"


class ParallelReviewIn(StrictSchema):
    type = ReferenceChoice(reference.parallel_review_types, "kind of parallel review", required=True)
    status = ReferenceChoice(reference.parallel_review_statuses, "parallel review status", required=True)
    notes = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ReviewCreate(StrictSchema):
    reference = Trimmed(required=True, validate=[
        validate.Length(min=1, max=64),
        validate.Regexp(REFERENCE_RE, error="letters, digits and / _ . - only, starting with a letter or digit"),
    ])
    region = region_field(required=True)
    offence_category = offence_field(required=True)
    received_on = fields.Date(required=True)
    provider = provider_field(load_default=None, allow_none=True)
    is_high_profile = fields.Boolean(load_default=False)
    parallel_reviews = fields.List(fields.Nested(ParallelReviewIn), load_default=list)
    local_team_email = fields.Email(required=True, validate=validate.Length(max=254))  # the column's size

    today = None  # set by review_create_schema; marshmallow 4 has no context

    @validates_schema(skip_on_field_errors=False)
    def _received_not_in_future(self, data, **kwargs):
        today = self.today
        received = data.get("received_on")
        if today is not None and received is not None and received > today:
            raise ValidationError(f"must not be in the future (today is {long_date(today)})", "received_on")
        provider, region = data.get("provider"), data.get("region")
        if provider and region and reference.providers()[provider]["region"] != region:
            home = reference.region_name(reference.providers()[provider]["region"])
            raise ValidationError(f"{provider} is the provider for {home}, not {reference.region_name(region)}; "
                                  "leave it blank to use the region's provider", "provider")
        if received is not None and received < EARLIEST_RECEIVED:
            raise ValidationError("must be on or after 1 January 2000: sfoflow holds no earlier reviews",
                                  "received_on")


def review_create_schema(today) -> ReviewCreate:
    """The intake schema, bound to today's date in Europe/London."""
    schema = ReviewCreate()
    schema.today = today
    return schema


class HighProfileIn(StrictSchema):
    is_high_profile = fields.Boolean(required=True)
    reason = reason_field(required=True)
    version = fields.Integer(required=True)


class ParallelReviewsIn(StrictSchema):
    parallel_reviews = fields.List(fields.Nested(ParallelReviewIn), required=True)
    reason = reason_field(required=True)
    version = fields.Integer(required=True)


class ExtensionIn(StrictSchema):
    new_due_on = fields.Date(required=True)
    reason = reason_field(required=True)
    version = fields.Integer(required=True)


class ActionIn(StrictSchema):
    version = fields.Integer(required=True)
    reason = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    inspector_id = fields.Integer(load_default=None, allow_none=True)
    officer_id = fields.Integer(load_default=None, allow_none=True)  # hmpps_allocate: the HMPPS QA officer


class ReviewFilter(StrictSchema):
    status = fields.List(Trimmed(validate=choice(STATES)), load_default=None)
    region = region_field(load_default=None)
    offence_category = offence_field(load_default=None)
    inspector_id = fields.Integer(load_default=None)
    route = Trimmed(load_default=None, validate=choice(["hmip", "hmpps", "none"], ["HMIP", "HMPPS", "not yet sampled"]))
    due_before = fields.Date(load_default=None)
    due_after = fields.Date(load_default=None)
    overdue = fields.Boolean(load_default=None)
    high_profile = fields.Boolean(load_default=None)
    q = Trimmed(load_default=None, validate=validate.Length(max=64))
    sort = Trimmed(load_default=None, validate=choice(
        ["due_on", "received_on", "reference", "region", "state", "offence_category"]))
    direction = Trimmed(load_default=None, validate=choice(["asc", "desc"], ["ascending", "descending"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=500))


class Coded(StrictSchema):
    code = fields.String()
    name = fields.String()


class UserBrief(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()


class ParallelReviewOut(StrictSchema):
    type = fields.String()
    type_name = fields.String()
    status = fields.String()
    notes = fields.String(allow_none=True)


class AuditOut(StrictSchema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    details = fields.Dict(allow_none=True)


class ReviewOut(StrictSchema):
    id = fields.Integer()
    reference = fields.String()
    region = fields.Nested(Coded)
    offence_category = fields.Nested(Coded)
    provider = fields.String()
    received_on = fields.Date()
    due_on = fields.Date()
    original_due_on = fields.Date()
    extended = fields.Boolean()
    working_days_remaining = fields.Integer()
    days_overdue = fields.Integer()
    is_overdue = fields.Boolean()
    state = fields.String(validate=choice(STATES))
    state_label = fields.String()
    route = fields.String(allow_none=True)
    is_high_profile = fields.Boolean()
    local_team_email = fields.String()
    inspector = fields.Nested(UserBrief, allow_none=True)
    parallel_reviews = fields.List(fields.Nested(ParallelReviewOut))
    allowed_actions = fields.List(fields.String(validate=choice({k: a.label for k, a in ACTIONS.items()})))
    sent_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    audit = fields.List(fields.Nested(AuditOut))


class ReviewPage(PageSchema):
    items = fields.List(fields.Nested(ReviewOut))


class ImportErrorOut(StrictSchema):
    row = fields.Integer()
    field = fields.String()
    reason = fields.String()


class ImportResult(StrictSchema):
    imported = fields.Integer()
    references = fields.List(fields.String())


class ImportProblem(StrictSchema):
    row = fields.Integer()
    field = fields.String()
    reason = fields.String()


class ImportQuery(StrictSchema):
    background = fields.Boolean(load_default=False,
                                metadata={"description": "true: import in the background whatever the file's size"})


class ImportSkipped(StrictSchema):
    """A checked row that was not written: its reference was registered by someone else while the
    import ran (compared in any case). Every other row was written once."""

    row = fields.Integer()
    reference = fields.String()
    reason = fields.String()


class ImportJobOut(StrictSchema):
    """A large import running in the background (202 from the import; then poll ``status_url``)."""

    id = fields.Integer()
    status = fields.String(validate=choice(["queued", "checking", "writing", "done", "refused", "failed"]))
    status_label = fields.String()
    finished = fields.Boolean()
    filename = fields.String()
    total_rows = fields.Integer()
    rows_checked = fields.Integer()
    rows_written = fields.Integer()
    rows_skipped = fields.Integer()
    skipped = fields.List(fields.Nested(ImportSkipped))
    message = fields.String(allow_none=True)
    errors = fields.List(fields.Nested(ImportProblem))
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    status_url = fields.String()
