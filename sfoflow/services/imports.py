"""Bulk import of reviews from CSV: all or nothing, with an error report naming row, field, reason."""
from __future__ import annotations

import csv
import io
import re

from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Review, User
from ..schemas.reviews import review_create_schema
from ..working_days import london_today
from . import bulk_intake
from .errors import Conflict, Refusal, ValidationFailed, flatten_messages

COLUMNS = ("reference", "region", "offence_category", "received_on", "provider", "is_high_profile",
           "local_team_email", "parallel_reviews")
REQUIRED = ("reference", "region", "offence_category", "received_on", "local_team_email")
MAX_ROWS = 20_000
FIELD_SIZE_LIMIT = 16 * 1024 * 1024  # above the 10 MB upload cap: no single value can exceed it


def _parallel(text: str) -> list[dict]:
    """``type:status`` pairs separated by ``;`` (e.g. ``domestic_homicide_review:in_progress``)."""
    items = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        kind, _, status = part.partition(":")
        items.append({"type": kind.strip(), "status": status.strip() or "planned"})
    return items


_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _as_typed(item: dict) -> None:
    """Turn a date as written in England (29/04/2023, day first) into the schema's 2023-04-29.
    Regions and offence categories by name or code are the schema's own (schemas/common.py
    ``ReferenceChoice``), for the API and the pages as for a file."""
    found = _UK_DATE.match(item.get("received_on") or "")
    if found:
        day, month, year = found.groups()
        item["received_on"] = f"{year}-{int(month):02d}-{int(day):02d}"


def parse_csv(text: str, today=None, progress=None) -> tuple[list[dict], list[dict]]:
    """Validate every row. Returns (clean rows, errors); rows are numbered as in the file (header = 1).
    ``progress(n)``, if given, is told every 500 rows how many have been checked."""
    today = today or london_today()
    schema = review_create_schema(today)
    # newline="": rows may end in \r\n, \n or a lone \r (old Mac Excel), and a quoted value may
    # hold a line break, as the csv module expects.
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    # A value longer than the csv module's own limit (131,072 characters) reaches the schema,
    # which names the field and its limit; the whole upload is capped by MAX_CONTENT_LENGTH.
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
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
    for number, raw in _rows(reader, errors):
        if progress is not None and number % 500 == 1:
            progress(number - 1)
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
        _as_typed(item)  # UK dates (29/04/2023) too; names (London, Homicide) are the schema's
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


def _rows(reader: csv.DictReader, errors: list[dict]):
    """(row number, row) for each row the csv module can read; one that it cannot (a stray
    quote before the end of the file) ends the file with an error for that row."""
    number = 1
    while True:
        number += 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append({"row": reader.line_num or number, "field": "",
                           "reason": f"the row cannot be read as CSV ({exc})"})
            return
        yield number, raw


def decode(raw: bytes) -> str | None:
    """An uploaded file's text (UTF-8, with or without the byte order mark Excel writes), or
    None when it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def import_csv(session: Session, text: str, actor: User | None) -> list[bulk_intake.Registered]:
    """Register every row or none; (id, reference) of each, in file order. The caller commits;
    on error nothing has been written. Large files go to ``import_jobs`` (a background task)."""
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
    # Validated: now written in batches through the bulk intake, settings and calendar read once.
    ctx = bulk_intake.IntakeContext.read(session)
    created: list[bulk_intake.Registered] = []
    clean = [c for _, c in rows]
    try:
        for start in range(0, len(clean), bulk_intake.BATCH):
            created += bulk_intake.register_many(session, clean[start:start + bulk_intake.BATCH], actor, ctx)
    except Exception as exc:  # noqa: BLE001 - the driver's own error from COPY is not SQLAlchemy's
        if not bulk_intake.lost_race(exc):
            raise
        # Someone registered one of the file's references at the same moment (PostgreSQL): the
        # caller rolls back, as for any refusal, and the file can be sent again.
        raise Conflict("import refused: one of the file's references was registered by someone else at the same "
                       "moment; nothing was imported", refusals=[Refusal(
                           "file", "registered_meanwhile", "Import refused: one of the file's references was "
                           "registered by someone else at the same moment; nothing was imported. Import the file "
                           "again to see which")]) from None
    return created
