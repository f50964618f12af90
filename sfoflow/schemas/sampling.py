"""What the sample endpoints accept and return."""
from __future__ import annotations

from marshmallow import fields, validate

from .common import StrictSchema, Trimmed, choice
from .reviews import Coded


class YearQuery(StrictSchema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "sampling year (the year it starts); default the current one"})


class ExportQuery(YearQuery):
    format = Trimmed(load_default="json", validate=choice(["json", "csv"], ["JSON", "CSV"]))


class SampleDecisionOut(StrictSchema):
    review_id = fields.Integer()
    reference = fields.String()
    region = fields.Nested(Coded)
    offence_category = fields.Nested(Coded)
    sampling_year = fields.Integer()
    in_random_draw = fields.Boolean()
    selected = fields.Boolean(allow_none=True, metadata={"description": "selected by the random draw"})
    in_hmip_sample = fields.Boolean(metadata={"description": "selected at random or added on purpose"})
    k = fields.Integer(allow_none=True, metadata={"description": "the rate 1/k the year was drawn at"})
    algorithm_version = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    purposive = fields.Boolean()
    purposive_reason = fields.String(allow_none=True)
    purposive_by = fields.String(allow_none=True)
    purposive_at = fields.DateTime(allow_none=True)
    purposive_rule = fields.String(allow_none=True, metadata={"description": "offence_variation or manager"})
    # admins only
    arrival_order = fields.Integer(allow_none=True, metadata={"description": "admins only"})
    run_number = fields.Integer(allow_none=True, metadata={"description": "admins only"})
    run_position = fields.Integer(allow_none=True, metadata={"description": "admins only (0-based)"})
    uniform = fields.Float(allow_none=True, metadata={"description": "admins only"})
    threshold = fields.Float(allow_none=True, metadata={"description": "admins only"})


class SampleExportRow(StrictSchema):
    review_id = fields.Integer()
    reference = fields.String()
    region = fields.String()
    offence_category = fields.String()
    sampling_year = fields.Integer()
    k = fields.Integer(allow_none=True)
    arrival_order = fields.Integer(allow_none=True)
    run_number = fields.Integer(allow_none=True)
    run_position = fields.Integer(allow_none=True)
    uniform = fields.Float(allow_none=True)
    threshold = fields.Float(allow_none=True)
    selected = fields.Boolean(allow_none=True)
    algorithm_version = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    purposive = fields.Boolean()
    purposive_reason = fields.String(allow_none=True)
    purposive_by = fields.String(allow_none=True)
    purposive_at = fields.DateTime(allow_none=True)
    state = fields.String()
    route = fields.String(allow_none=True)
    purposive_rule = fields.String(allow_none=True)  # "manager" or the offence variation rule
    category_order = fields.Integer(allow_none=True)
    variation_threshold = fields.Integer(allow_none=True)


class SampleExport(StrictSchema):
    sampling_year = fields.Integer()
    algorithm_version = fields.String()
    decisions = fields.List(fields.Nested(SampleExportRow))


class BalanceLine(StrictSchema):
    code = fields.String()
    name = fields.String()
    intake = fields.Integer(metadata={"description": "reviews in the random draw (withdrawn ones included)"})
    selected = fields.Integer(metadata={"description": "selected by the random draw"})
    expected = fields.Float(metadata={"description": "intake / k"})
    difference = fields.Float(metadata={"description": "selected - expected"})
    purposive = fields.Integer(metadata={"description": "added on purpose (not in the other figures)"})


class BalanceTotal(StrictSchema):
    code = fields.String()
    intake = fields.Integer()
    selected = fields.Integer()
    expected = fields.Float()
    difference = fields.Float()
    purposive = fields.Integer()


class BalanceWarning(StrictSchema):
    offence_category = fields.String()
    name = fields.String()
    intake = fields.Integer()
    message = fields.String()


class PurposiveOut(StrictSchema):
    review_id = fields.Integer()
    reference = fields.String()
    region = fields.Nested(Coded)
    offence_category = fields.Nested(Coded)
    reason = fields.String()
    added_by = fields.String(allow_none=True)
    added_at = fields.DateTime(allow_none=True)
    rule = fields.String(metadata={"description": "offence_variation (the design's rule: a category at its "
                                                  "threshold of intake with none in the sample) or manager"})


class BalanceOut(StrictSchema):
    sampling_year = fields.Integer()
    from_ = fields.Date(data_key="from", attribute="from", metadata={"description": "first day of the sampling year"})
    k = fields.Raw(allow_none=True, metadata={"description": "the rate's k (a list if it differed by region)"})
    warn_min_intake = fields.Integer()
    by_region = fields.List(fields.Nested(BalanceLine))
    by_offence = fields.List(fields.Nested(BalanceLine))
    total = fields.Nested(BalanceTotal)
    warnings = fields.List(fields.Nested(BalanceWarning))
    purposive = fields.List(fields.Nested(PurposiveOut))
