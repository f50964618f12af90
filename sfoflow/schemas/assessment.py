"""Schemas for the QA assessment. The draft schema is built from the framework version the
assessment is pinned to, so an unknown item id, 'not applicable' where the guidance does not
allow it, or a rating that is not on the scale is refused, naming the item and the reason."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate

from ..assessment.framework import Framework, Item
from ..assessment.ratings import Rating
from .common import StrictSchema, Trimmed, choice, reason_field

NOTE_MAX = 10_000
TEXT_MAX = 20_000
RATING_KEYS = [r.key for r in Rating]


def _yes_no(allows_na: bool):
    def check(value):
        if value == "na" and not allows_na:
            raise ValidationError("'not applicable' is not allowed for this question; answer yes or no")
        if value not in ("yes", "no", "na"):
            allowed = "yes, no or na" if allows_na else "yes or no"
            raise ValidationError(f"{value!r} is not an answer; use {allowed}")
    return check


def _answer_schema(item: Item) -> type[Schema]:
    if item.is_yes_no:
        answer = fields.String(allow_none=True, validate=_yes_no(item.allows_na))
    else:
        answer = Trimmed(allow_none=True, validate=validate.Length(max=TEXT_MAX))
    return type(f"Answer_{'na' if item.allows_na else 'yn' if item.is_yes_no else 'text'}", (StrictSchema,), {
        "answer": answer,
        "note": fields.String(allow_none=True, validate=validate.Length(max=NOTE_MAX)),
    })


def _keyed(name: str, keys, make_field) -> type[Schema]:
    """A strict schema whose data keys are framework ids ("1.1.a"); loaded back to those ids."""
    attrs = {f"k{i}": key for i, key in enumerate(keys)}
    body = {attr: make_field(key) for attr, key in attrs.items()}

    def _to_ids(self, data, **kwargs):
        return {attrs[a]: v for a, v in data.items()}

    body["_to_ids"] = post_load(_to_ids)
    return type(name, (StrictSchema,), body)


_CLASSES: dict[int, tuple[Framework, type[Schema]]] = {}


def draft_schema_class(framework: Framework) -> type[Schema]:
    """The PATCH body for a draft on this framework. Every part is optional (a partial save);
    ``version`` is required so that a stale tab cannot overwrite newer work."""
    cached = _CLASSES.get(id(framework))
    if cached is not None and cached[0] is framework:
        return cached[1]
    cls = _build(framework)
    if len(_CLASSES) > 32:
        _CLASSES.clear()
    _CLASSES[id(framework)] = (framework, cls)
    return cls


def _build(framework: Framework) -> type[Schema]:
    by_id = {i.id: i for i in framework.all_items()}
    answer_classes: dict[tuple, type[Schema]] = {}

    def answer_field(item_id):
        item = by_id[item_id]
        kind = (item.is_yes_no, item.allows_na)
        if kind not in answer_classes:
            answer_classes[kind] = _answer_schema(item)
        return fields.Nested(answer_classes[kind], allow_none=True, data_key=item_id)

    sids = framework.standard_ids()
    answers = _keyed("DraftAnswers", by_id, answer_field)
    ratings = _keyed("DraftRatings", sids, lambda sid: fields.String(
        allow_none=True, data_key=sid,
        validate=choice({r.key: r.label for r in Rating})))
    feedback = _keyed("DraftFeedback", sids, lambda sid: fields.String(
        allow_none=True, data_key=sid, validate=validate.Length(max=TEXT_MAX)))
    return type("AssessmentDraftIn", (StrictSchema,), {
        "version": fields.Integer(required=True),
        "answers": fields.Nested(answers, load_default=dict),
        "ratings": fields.Nested(ratings, load_default=dict),
        "feedback": fields.Nested(feedback, load_default=dict),
        "summary": fields.String(load_default=None, allow_none=True, validate=validate.Length(max=TEXT_MAX)),
    })


def load_draft(framework: Framework, payload: dict) -> dict:
    """Validate a draft save; raises marshmallow.ValidationError. ``summary`` is present in the
    result only if it was in the payload (so a partial save does not clear it)."""
    data = draft_schema_class(framework)().load(payload)
    if "summary" not in payload:
        data.pop("summary", None)
    return data


# --- documentation of the same shapes (the real check is the framework-built schema) ---------

class AssessmentAnswerDoc(Schema):
    answer = fields.String(allow_none=True, metadata={"description": "yes | no | na (where allowed), or text"})
    note = fields.String(allow_none=True, metadata={"description": "the evidence for the answer"})


class AssessmentDraftIn(StrictSchema):
    version = fields.Integer(required=True, metadata={"description": "the assessment version you loaded"})
    answers = fields.Dict(keys=fields.String(), values=fields.Nested(AssessmentAnswerDoc),
                          metadata={"description": "item id (e.g. '1.1.a') -> answer and evidence note"})
    ratings = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True),
                          metadata={"description": f"standard id -> one of {', '.join(RATING_KEYS)}"})
    feedback = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True),
                           metadata={"description": "standard id -> written feedback"})
    summary = fields.String(allow_none=True)


class JudgementBalanceOut(Schema):
    yes = fields.Integer()
    no = fields.Integer()
    not_applicable = fields.Integer()
    suggested = fields.String(allow_none=True, metadata={
        "description": "a suggestion only; the inspector decides. Key question: yes or no. Standard: all_yes, "
                       "mostly_yes, balanced or mostly_no"})
    suggested_label = fields.String(allow_none=True)
    suggested_ratings = fields.List(fields.String(), metadata={
        "description": "standards only: the suggested range of rating keys, best first (never outstanding alone)"})
    suggested_reason = fields.String(allow_none=True, metadata={"description": "standards only: why, in plain words"})
    consider_outstanding = fields.Boolean(metadata={
        "description": "standards only: every answer is yes; consider Outstanding if its characteristics are present"})


class JudgementBalancesOut(Schema):
    key_questions = fields.Dict(keys=fields.String(), values=fields.Nested(JudgementBalanceOut),
                                metadata={"description": "per key question: its prompts; suggested yes/no"})
    standards = fields.Dict(keys=fields.String(), values=fields.Nested(JudgementBalanceOut),
                            metadata={"description": "per standard: its judgement items; suggested rating"})


class AssessmentOut(Schema):
    review_id = fields.Integer()
    reference = fields.String()
    framework_version = fields.String()
    state = fields.String()
    editable = fields.Boolean()
    version = fields.Integer(allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Nested(AssessmentAnswerDoc))
    ratings = fields.Dict(keys=fields.String(), values=fields.String())
    feedback = fields.Dict(keys=fields.String(), values=fields.String())
    summary = fields.String(allow_none=True)
    overall_score = fields.Integer(allow_none=True, metadata={"description": "computed, never typed"})
    overall_rating = fields.String(allow_none=True)
    overall_rating_label = fields.String(allow_none=True)
    balances = fields.Nested(JudgementBalancesOut)
    missing = fields.List(fields.String(), metadata={"description": "what still stops submission"})
    updated_at = fields.DateTime(allow_none=True)
    updated_by = fields.String(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    latest_return = fields.Dict(allow_none=True)


class QaReportOut(Schema):
    review_id = fields.Integer()
    reference = fields.String()
    region = fields.String(metadata={"description": "the region's name"})
    received_on = fields.Date()
    sent_on = fields.Date()
    timeliness = fields.String(metadata={"description": "on time or late, in words"})
    overall_rating_label = fields.String()
    signed_off_by = fields.String(allow_none=True)
    overall_rating = fields.String()
    overall_score = fields.Integer()
    ratings = fields.Dict(keys=fields.String(), values=fields.String())
    sent_at = fields.DateTime()
    sent_to = fields.String()
    on_time = fields.Boolean()
    original_due_on = fields.Date()
    inspector_name = fields.String()
    html = fields.String()
    pdf_url = fields.String()


class HighProfileQueryIn(StrictSchema):
    reason = reason_field(required=True)
    proposed_high_profile = fields.Boolean(
        load_default=None, allow_none=True,
        metadata={"description": "what the flag should be; default: the opposite of what it is now"})


class HighProfileDecisionIn(StrictSchema):
    decision = Trimmed(required=True, validate=choice(["accept", "reject"]))
    reason = reason_field(required=True)


class HighProfileQueryOut(Schema):
    id = fields.Integer()
    review_id = fields.Integer()
    reference = fields.String()
    proposed_high_profile = fields.Boolean()
    is_high_profile = fields.Boolean()
    reason = fields.String()
    raised_by = fields.String()
    raised_at = fields.DateTime()
    status = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)


class HighProfileQueryItem(HighProfileQueryOut):
    """The same shape, named apart: api/openapi.py registers a response schema by name and
    would otherwise collide with the copy the marshmallow plugin registers for the list."""


class HighProfileQueryList(Schema):
    items = fields.List(fields.Nested(HighProfileQueryItem))


class HighProfileQueryFilter(StrictSchema):
    status = Trimmed(load_default="open", validate=choice(["open", "accepted", "rejected", "all"]))
