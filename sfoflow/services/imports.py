"""Bulk import of reviews from CSV: all or nothing, with an error report naming row, field, reason."""
from __future__ import annotations

import csv
import io

from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import reference
from ..models import Review, User
from ..schemas.reviews import review_create_schema
from ..working_days import london_today
from . import sampling
from .calendar import get_calendar
from .errors import Refusal, ValidationFailed, flatten_messages
from .reviews import register

COLUMNS = ("reference", "region", "offence_category", "received_on", "provider", "is_high_profile",
           "local_team_email", "parallel_reviews")
REQUIRED = ("reference", "region", "offence_category", "received_on", "local_team_email")
MAX_ROWS = 20_000


def _parallel(text: str) -> list[dict]:
    """``type:status`` pairs separated by ``;`` (e.g. ``domestic_homicide_review:in_progress``)."""
    items = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        kind, _, status = part.partition(":")
        items.append({"type": kind.strip(), "status": status.strip() or "planned"})
    return items


def parse_csv(text: str, today=None) -> tuple[list[dict], list[dict]]:
    """Validate every row. Returns (clean rows, errors); rows are numbered as in the file (header = 1)."""
    today = today or london_today()
    schema = review_create_schema(today)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    errors: list[dict] = []
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    for c in missing:
        errors.append({"row": 1, "field": c, "reason": "required column is missing"})
    for c in unknown:
        errors.append({"row": 1, "field": c, "reason": f"unknown column; expected: {', '.join(COLUMNS)}"})
    for c in sorted({c for c in header if header.count(c) > 1}):
        errors.append({"row": 1, "field": c, "reason": "column appears more than once"})
    if errors:
        return [], errors
    rows, seen = [], {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            errors.append({"row": number, "field": "", "reason": f"more than {MAX_ROWS} rows; split the file"})
            break
        extra = raw.pop(None, None)  # csv puts values beyond the header's columns under None
        raw = {k: (v or "").strip() for k, v in raw.items()}
        if extra and any(v.strip() for v in extra):
            errors.append({"row": number, "field": "",
                           "reason": f"more values than the header's {len(header)} columns"})
            continue
        if not any(raw.values()):
            continue
        item = {k: v for k, v in raw.items() if v != "" and k not in ("parallel_reviews", "is_high_profile")}
        # blank means no; anything else goes to the schema, which refuses what is not a yes or no
        item["is_high_profile"] = raw.get("is_high_profile") or False
        item["parallel_reviews"] = _parallel(raw.get("parallel_reviews", ""))
        if item.get("region") not in reference.regions():  # accept a provider code (N07) too
            item["region"] = {r["provider_code"]: code for code, r in reference.regions().items()}.get(
                item.get("region"), item.get("region"))
        try:
            clean = schema.load(item)
        except ValidationError as exc:
            errors.extend({"row": number, "field": field, "reason": reason}
                          for field, reasons in flatten_messages(exc.messages).items() for reason in reasons)
            continue
        if clean["reference"].lower() in seen:  # the same reference whatever its case
            errors.append({"row": number, "field": "reference",
                           "reason": f"duplicate of row {seen[clean['reference'].lower()]} in this file"})
            continue
        seen[clean["reference"].lower()] = number
        rows.append((number, clean))
    return rows, errors


def decode(raw: bytes) -> str | None:
    """An uploaded file's text (UTF-8, with or without the byte order mark Excel writes), or
    None when it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def import_csv(session: Session, text: str, actor: User | None) -> list[Review]:
    """Register every row or none. The caller commits; on error nothing has been written."""
    rows, errors = parse_csv(text)
    existing = {ref.lower() for ref in session.scalars(select(Review.reference).where(
        func.lower(Review.reference).in_([c["reference"].lower() for _, c in rows])))} if rows else set()
    errors += [{"row": n, "field": "reference", "reason": f"{c['reference']} is already registered"}
               for n, c in rows if c["reference"].lower() in existing]
    if errors:
        raise ValidationFailed(f"import refused: {len(errors)} problem(s); nothing was imported",
                               errors=sorted(errors, key=lambda e: (e["row"], e["field"])),
                               refusals=[Refusal("file", "invalid_rows",
                                                 f"Import refused: {len(errors)} problem(s); nothing was imported")])
    if not rows:
        raise ValidationFailed("import refused: the file has no rows", errors=[],
                               refusals=[Refusal("file", "no_rows", "Import refused: the file has no rows")])
    calendar = get_calendar(session)
    # Take every region's sampler lock up front, in one fixed order: two concurrent imports
    # locking regions in file order could otherwise deadlock on PostgreSQL.
    sampling.lock_for_intake(session, [(c["region"], c["received_on"]) for _, c in rows])
    return [register(session, clean, actor, calendar) for _, clean in rows]
