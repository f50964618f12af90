"""Turning HTML form posts into schema input, and schema errors into GOV.UK error messages.

Validation itself is the marshmallow schemas' job (the same ones the API uses); this module
only reshapes: fields named in the page, dates typed as day/month/year, errors linked to the
input they are about.
"""
from __future__ import annotations

from datetime import date

from marshmallow import ValidationError

from ..schemas.messages import REQUIRED
from ..services.errors import flatten_messages

MISSING = REQUIRED  # marshmallow's message for a required field left out (schemas/messages.py)
STALE = ("Someone else changed this review while you were working. The page now shows the latest "
         "details: check them and try again.")


class FormErrors:
    """Errors for one page: each with the id of the input it is about (for the summary's link)."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []  # (input id, message)

    def add(self, field_id: str, message: str) -> None:
        self.items.append((field_id, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def summary(self) -> list[dict]:
        return [{"text": message, "href": f"#{field_id}"} for field_id, message in self.items]

    def message(self, field_id: str) -> dict | None:
        """The govuk macros' ``errorMessage`` for one input (None when it has no error)."""
        texts = [m for f, m in self.items if f == field_id]
        return {"text": " ".join(texts)} if texts else None


def blank_to_none(form, names) -> dict:
    """Only the named fields, stripped; blank ones left out so the schema's defaults apply."""
    out = {}
    for name in names:
        value = (form.get(name) or "").strip()
        if value:
            out[name] = value
    return out


def date_from_parts(form, name: str, errors: FormErrors, what: str, *, required: bool = True,
                    id_prefix: str = "") -> str | None:
    """Join ``NAME-day``, ``NAME-month``, ``NAME-year`` (the govukDateInput names) into an ISO date.

    Errors link to ``ID_PREFIX + NAME-day`` (or the first box that is wrong)."""
    parts = [(form.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        if required:
            errors.add(f"{id_prefix}{name}-day", f"Enter {what}")
        return None
    if not all(p.isdigit() for p in parts):
        first = next(p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v.isdigit())
        errors.add(f"{id_prefix}{name}-{first}", f"{what[0].upper()}{what[1:]} must be a real date, like 27 4 2023")
        return None
    day, month, year = (int(p) for p in parts)
    try:
        if len(parts[2]) != 4:  # "23" is not 2023: ask rather than guess the century
            raise ValueError("the year must have 4 digits")
        return date(year, month, day).isoformat()
    except ValueError:
        errors.add(f"{id_prefix}{name}-day", f"{what[0].upper()}{what[1:]} must be a real date, like 27 4 2023")
        return None


def add_schema_errors(errors: FormErrors, exc: ValidationError | dict, labels: dict[str, str],
                      ids: dict[str, str] | None = None, missing: dict[str, str] | None = None) -> None:
    """Add marshmallow's messages, each named by the field's label and linked to its input.

    ``labels`` maps a field to how the page names it; ``ids`` maps a field to its input's id
    when that differs from the field name (a date's day box, a prefixed form); ``missing``
    gives the GOV.UK-style message for a required field left empty ("Select the region").
    """
    missing = missing or {}
    messages = exc.messages if isinstance(exc, ValidationError) else exc
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    ids = ids or {}
    for field, value in flatten_messages(messages).items():
        base = field.split(".")[0]
        label = labels.get(field) or labels.get(base) or base.replace("_", " ").capitalize()
        target = ids.get(field, field.replace(".", "-"))
        for reason in value:
            if reason == MISSING:
                errors.add(target, missing.get(field) or f"Enter {_lower_first(label)}")
            else:
                errors.add(target, f"{label}: {reason}")


def _lower_first(text: str) -> str:
    # "Reason" -> "reason", but "SFO team" stays as it is
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def add_refusals(errors: FormErrors, refusals, *, ids: dict[str, str] | None = None,
                 labels: dict[str, str] | None = None, texts: dict | None = None,
                 fallback: str = "main-content") -> None:
    """A ServiceError's refusals (``exc.refusals``), each linked to the input it is about.

    ``ids`` maps a refusal's field to its input's id (a field not listed is its own id, dots as
    dashes; a refusal about the whole form links to ``fallback``). ``texts`` gives the page's
    own words for a code, or a (field, code) pair: by default "stale" reads ``STALE``. With
    ``labels``, a field's message is prefixed by how the page names the field.
    """
    ids, texts = ids or {}, {"stale": STALE, **(texts or {})}
    for refusal in refusals:
        field = refusal.field
        text = texts.get((field, refusal.code)) or texts.get(refusal.code)
        if text is None and field is not None and labels is not None:
            base = field.split(".")[0]
            label = labels.get(field) or labels.get(base) or base.replace("_", " ").capitalize()
            text = f"{label}: {refusal.message}"
        errors.add(fallback if field is None else ids.get(field, field.replace(".", "-")), text or refusal.message)


def parallel_from_form(form, prefix: str, errors: FormErrors) -> tuple[list[dict], dict[str, str]]:
    """The parallel reviews chosen in the form (see reviews/_parallel.html), and the input id of
    each ``parallel_reviews.N.field`` so that schema errors link to the right row."""
    from .. import reference

    items, ids = [], {}
    for code, kind in reference.parallel_review_types().items():
        status = (form.get(f"parallel-{code}-status") or "").strip()
        notes = (form.get(f"parallel-{code}-notes") or "").strip()
        if not status:
            if notes:
                errors.add(f"{prefix}parallel-{code}-status",
                           f"Select a status for “{kind['name']}”, or clear its notes")
            continue
        for field in ("type", "status", "notes"):
            box = "notes" if field == "notes" else "status"
            ids[f"parallel_reviews.{len(items)}.{field}"] = f"{prefix}parallel-{code}-{box}"
        items.append({"type": code, "status": status, **({"notes": notes} if notes else {})})
    return items, ids
