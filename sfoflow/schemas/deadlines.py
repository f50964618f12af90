"""Schemas for allocation, task lists, open QA, workload, timeliness and notifications."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from ..deadlines.delivery import STATUSES
from ..deadlines.rules import KINDS
from ..workflows.lifecycle import ACTIONS, STATES
from .common import PageSchema, StrictSchema, Trimmed, choice, provider_field, reason_field, region_field
from .reviews import Coded, ReviewOut, UserBrief

# --- allocation -------------------------------------------------------------------------------------


class AllocationItem(StrictSchema):
    review_id = fields.Integer(required=True)
    inspector_id = fields.Integer(required=True)
    version = fields.Integer(required=True)


class BulkAllocationIn(StrictSchema):
    allocations = fields.List(fields.Nested(AllocationItem), required=True,
                              validate=validate.Length(min=1, max=200))
    # Why an inspector may take more than their capacity (the allocation is refused without it).
    over_capacity_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class BulkAllocationOut(StrictSchema):
    allocated = fields.List(fields.Nested(ReviewOut))


class CandidateOut(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    capacity = fields.Integer()
    open_qas = fields.Integer()
    spare = fields.Integer()
    is_senior = fields.Boolean()


class ExcludedOut(CandidateOut):
    reasons = fields.List(fields.String())


class DateSpan(StrictSchema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()


class SuggestionOut(StrictSchema):
    review_id = fields.Integer()
    reference = fields.String()
    version = fields.Integer()
    days_considered = fields.Nested(DateSpan)
    suggested = fields.Nested(CandidateOut, allow_none=True)
    eligible = fields.List(fields.Nested(CandidateOut))
    excluded = fields.List(fields.Nested(ExcludedOut))
    notes = fields.List(fields.String())


MAX_ABSENCE_DAYS = 366  # a year, a leap year's included


class AbsenceIn(StrictSchema):
    from_date = fields.Date(required=True)
    to_date = fields.Date(required=True)
    reason = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data["to_date"] < data["from_date"]:
            raise ValidationError("must not be before the first day of the absence", "to_date")
        if (data["to_date"] - data["from_date"]).days >= MAX_ABSENCE_DAYS:
            raise ValidationError(f"An absence can be at most {MAX_ABSENCE_DAYS} days long; "
                                  "record a longer one as separate absences", "to_date")


class AbsenceOut(StrictSchema):
    id = fields.Integer()
    inspector_id = fields.Integer()
    from_date = fields.Date()
    to_date = fields.Date()
    reason = fields.String(allow_none=True)


class AbsenceList(StrictSchema):
    items = fields.List(fields.Nested(AbsenceOut))


class ConflictIn(StrictSchema):
    region = region_field(load_default=None, allow_none=True)
    provider = provider_field(load_default=None, allow_none=True)
    reason = reason_field(required=True)

    @validates_schema
    def _one_of_them(self, data, **kwargs):
        if (data.get("region") is None) == (data.get("provider") is None):
            message = "give a region or a provider, not both" if data.get("region") else "give a region or a provider"
            raise ValidationError(message, "region")


class ConflictOut(StrictSchema):
    id = fields.Integer()
    inspector_id = fields.Integer()
    region = fields.String(allow_none=True)
    provider = fields.String(allow_none=True)
    reason = fields.String()


class ConflictList(StrictSchema):
    items = fields.List(fields.Nested(ConflictOut))


# --- task list and open QA ---------------------------------------------------------------------------


class InspectorBrief(StrictSchema):
    id = fields.Integer()
    name = fields.String()


class WorkItemOut(StrictSchema):
    id = fields.Integer()
    reference = fields.String()
    region = fields.Nested(Coded)
    offence_category = fields.Nested(Coded)
    state = fields.String(validate=choice(STATES))
    state_label = fields.String()
    inspector = fields.Nested(InspectorBrief, allow_none=True)
    received_on = fields.Date()
    due_on = fields.Date()
    original_due_on = fields.Date()
    extended = fields.Boolean()
    is_high_profile = fields.Boolean()
    parallel_reviews = fields.Integer()
    version = fields.Integer()
    working_days_remaining = fields.Integer()
    days_overdue = fields.Integer()
    is_overdue = fields.Boolean()


class TaskOut(WorkItemOut):
    allowed_actions = fields.List(fields.String(validate=choice({k: a.label for k, a in ACTIONS.items()})))


class TaskList(StrictSchema):
    today = fields.Date()
    items = fields.List(fields.Nested(TaskOut))


class OpenQaFilter(StrictSchema):
    overdue = fields.Boolean(load_default=None)
    due_within = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100))
    region = region_field(load_default=None)
    inspector_id = fields.Integer(load_default=None)
    unallocated = fields.Boolean(load_default=None)
    format = Trimmed(load_default="json", validate=choice(["json", "csv"], ["JSON", "CSV"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))  # past the last: the last
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=500))


class OpenQaCounts(StrictSchema):
    open = fields.Integer()
    overdue = fields.Integer()
    due_soon = fields.Integer()
    unallocated = fields.Integer()
    due_soon_working_days = fields.Integer()


class OpenQaOut(StrictSchema):
    today = fields.Date()
    counts = fields.Nested(OpenQaCounts)
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    items = fields.List(fields.Nested(WorkItemOut))


class WorkloadItem(StrictSchema):
    inspector = fields.Nested(UserBrief)
    is_senior = fields.Boolean()
    capacity = fields.Integer()
    open = fields.Integer()
    spare = fields.Integer()
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer())
    overdue = fields.Integer()
    due_soon = fields.Integer()
    absent_today = fields.Boolean()


class WorkloadOut(StrictSchema):
    today = fields.Date()
    items = fields.List(fields.Nested(WorkloadItem))


class TimelinessFilter(StrictSchema):
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("must not be before from", "to")


class TimelinessCounts(StrictSchema):
    on_time = fields.Integer()
    late = fields.Integer()
    open_late = fields.Integer()
    not_yet_due = fields.Integer()
    due = fields.Integer()
    share_on_time = fields.Float(allow_none=True)


class TimelinessMonth(TimelinessCounts):
    month = fields.String()


class TimelinessRegion(TimelinessCounts):
    region = fields.Nested(Coded)


class TimelinessOut(StrictSchema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    today = fields.Date()
    overall = fields.Nested(TimelinessCounts)
    by_month = fields.List(fields.Nested(TimelinessMonth))
    by_region = fields.List(fields.Nested(TimelinessRegion))


# --- notifications ----------------------------------------------------------------------------------


class NotificationFilter(StrictSchema):
    status = Trimmed(load_default=None, validate=choice(STATUSES))
    kind = Trimmed(load_default=None, validate=choice(list(KINDS)))
    review_id = fields.Integer(load_default=None)
    recipient_id = fields.Integer(load_default=None)
    key_day = fields.Date(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=500))


class NotificationOut(StrictSchema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    review_id = fields.Integer(allow_none=True)
    key_day = fields.Date()
    recipient_id = fields.Integer(allow_none=True)
    recipient_email = fields.String()
    subject = fields.String()
    status = fields.String(validate=choice(STATUSES))
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)


class NotificationPage(PageSchema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    items = fields.List(fields.Nested(NotificationOut))


class OutboxOut(StrictSchema):
    id = fields.Integer()
    notification_id = fields.Integer()
    recipient = fields.String()
    subject = fields.String()
    body = fields.String()
    sent_at = fields.DateTime()
    attachments = fields.List(fields.Dict(), metadata={"description": "files sent with it: id, filename, "
                                                                      "content_type, size, url"})


class OutboxPage(PageSchema):
    items = fields.List(fields.Nested(OutboxOut))


class PageQuery(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=500))
