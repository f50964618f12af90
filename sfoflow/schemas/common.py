from __future__ import annotations

from marshmallow import INCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from .. import reference
from .boundary import check_loaded, check_text
from .messages import use_plain_messages

use_plain_messages()  # marshmallow's own messages in plain English, for every schema


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped: a typo must not lose data.

    Every schema that reads input is one of these, so the boundary checks hold for every
    endpoint, page and import alike: text holding a NUL byte, another control character or a
    lone surrogate is refused before any field reads it, and a whole number beyond what the
    database's integer columns hold, or a date outside the years sfoflow handles, after loading;
    each naming the field (see ``boundary``).
    """

    class Meta:
        ordered = True

    @pre_load
    def _printable_text(self, data, **kwargs):
        check_text(data)
        return data

    @post_load
    def _within_columns(self, data, **kwargs):
        check_loaded(data)
        return data


def not_blank(value: str):
    if not value or not value.strip():
        raise ValidationError("must not be blank")


class Trimmed(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class ProviderCode(Trimmed):
    """A provider from the reference data, by its code; "n54", "N54." and "N 54" all read as N54,
    and anything that names no provider is refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        code = reference.provider_code(text)
        if code is None:
            raise ValidationError(f"unknown provider {text!r}; expected a provider code: "
                                  f"{', '.join(sorted(reference.providers()))}")
        return code


class ReferenceChoice(Trimmed):
    """A code from a table of reference data (config/), written as its code or as its name, in any
    case and spacing ("north_west", "North West", "north  west"), or as one of the entry's
    ``aliases`` (a region's provider code, N07); read as the code. A refusal lists the names people
    know, never the codes."""

    def __init__(self, table, what: str, *, aliases: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.table, self.what, self.aliases = table, what, aliases

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        entries = self.table()
        wanted = " ".join(text.lower().split())
        for code, entry in entries.items():
            written = (code, entry.get("name"), *(entry.get(a) for a in self.aliases))
            if any(w and " ".join(str(w).lower().split()) == wanted for w in written):
                return code
        names = ", ".join(sorted(e["name"] for e in entries.values()))
        if not wanted:
            raise ValidationError(f"Enter the {self.what}: one of {names}.")
        raise ValidationError(f"There is no {self.what} called \u201c{text}\u201d. Enter one of: {names}.")


def choice(choices, labels=None) -> validate.OneOf:
    """One of ``choices`` (codes), refused in words: "Choose one of: In QA, Awaiting sign-off."
    ``choices`` may map each code to its words; otherwise ``labels`` gives them, or the code is
    read with spaces for underscores (not_known -> not known). The codes are still what the API
    takes: its document lists them."""
    if isinstance(choices, dict):
        choices, labels = list(choices), list(choices.values())
    labels = labels or [c.replace("_", " ") for c in choices]
    return validate.OneOf(list(choices), labels=list(labels), error="Choose one of: {labels}.")


def labelled(labels: dict[str, str]):
    """A table for ``ReferenceChoice`` from a mapping of code to the words people read."""
    return lambda: {code: {"name": label} for code, label in labels.items()}


region_field = lambda **kw: ReferenceChoice(reference.regions, "region", aliases=("provider_code",), **kw)  # noqa: E731
offence_field = lambda **kw: ReferenceChoice(reference.offence_categories, "offence category", **kw)  # noqa: E731
provider_field = lambda **kw: ProviderCode(**kw)  # noqa: E731
reason_field = lambda **kw: Trimmed(validate=[not_blank, validate.Length(max=4000)], **kw)  # noqa: E731


class RefusalOut(Schema):
    field = fields.String(allow_none=True)
    code = fields.String()
    message = fields.String()


class ErrorSchema(Schema):
    class Inner(Schema):
        class Meta:
            unknown = INCLUDE  # an error may say more (e.g. "errors" of an import, "code"): the document allows it

        status = fields.Integer()
        message = fields.String()
        fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()))
        reasons = fields.List(fields.String())
        allowed_actions = fields.List(fields.String())
        refusals = fields.List(fields.Nested(RefusalOut))
        errors = fields.List(fields.Dict())
        code = fields.String()
    error = fields.Nested(Inner)


class PageSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
