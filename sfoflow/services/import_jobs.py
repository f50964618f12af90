"""Large CSV imports in the background: a job row, its progress, and each step the task takes.

The task (``sfoflow.tasks.imports``) runs the steps, each in its own short transaction:

1. ``claim``: the job is being checked (a finished job is left alone: the task is idempotent);
2. ``check``: every row validated and every reference looked up, with ``rows_checked`` kept up
   to date; any problem and the job is ``refused`` with the list and nothing is written (the
   same all-or-nothing answer as a small import);
3. ``write_batch``, for each batch of ``bulk_intake.BATCH`` rows: the reviews registered and
   sampled, and ``rows_written`` moved on, in one transaction. The region locks last only as
   long as one batch, so intake by others is never held up for more than a moment. A task that
   is stopped and delivered again resumes after the last batch written;
4. ``finish``.
"""
from __future__ import annotations

import csv
import io

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import ImportJob, Review, User
from ..models.base import utcnow
from . import bulk_intake, imports
from .context import dispatcher_of
from .dispatch import after_commit
from .errors import NotFound, Refusal
from .imports import FIELD_SIZE_LIMIT

TASK = "sfoflow.imports.run"
# Files with more data rows than this are imported in the background.
BACKGROUND_FROM_ROWS = 500
MAX_ERRORS_KEPT = 1000
LABELS = {"queued": "Waiting to start", "checking": "Checking rows", "writing": "Importing",
          "done": "Imported", "refused": "Refused: nothing was imported", "failed": "Stopped"}
FINISHED = ("done", "refused", "failed")


def count_rows(text: str) -> int:
    """Data rows in the file (blank lines not counted), read as ``imports.parse_csv`` reads it. A
    file the csv module cannot read to the end counts the rows before the fault: the check that
    follows names the row that cannot be read."""
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    n = 0
    try:
        next(reader, None)
        for row in reader:
            n += any(cell.strip() for cell in row)
    except csv.Error:
        pass
    return n


def wants_background(text: str) -> bool:
    return count_rows(text) > BACKGROUND_FROM_ROWS


def create(session: Session, text: str, filename: str, actor: User | None, *, send: bool = True) -> ImportJob:
    """Store the file as a job and (``send``) send the task after commit. The caller commits."""
    job = ImportJob(status="queued", filename=(filename or "")[:255], content=text, total_rows=count_rows(text),
                    rows_checked=0, rows_written=0, created_by_id=actor.id if actor else None)
    session.add(job)
    session.flush()
    if send:
        after_commit(session, dispatcher_of(session).send, [(TASK, (job.id,))])
    return job


def get(session: Session, job_id: int) -> ImportJob:
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("there is no such import", refusals=[Refusal(None, "not_found", "There is no such import")])
    return job


def view(job: ImportJob) -> dict:
    total = max(job.total_rows, job.rows_checked, job.rows_written)
    return {
        "id": job.id, "status": job.status, "status_label": LABELS[job.status], "finished": job.status in FINISHED,
        "filename": job.filename, "total_rows": total, "rows_checked": job.rows_checked,
        "rows_written": job.rows_written, "message": job.message, "errors": job.errors or [],
        "created_at": job.created_at, "finished_at": job.finished_at,
    }


# --- the task's steps, each in the caller's transaction ---------------------------------------------

def claim(session: Session, job_id: int) -> ImportJob | None:
    """The job to run, locked and marked as being checked; None if it is finished or gone."""
    job = session.scalar(select(ImportJob).where(ImportJob.id == job_id).with_for_update())
    if job is None or job.status in FINISHED:
        return None
    if job.status == "queued":
        job.status = "checking"
    return job


def set_checked(session: Session, job_id: int, n: int) -> None:
    session.execute(update(ImportJob).where(ImportJob.id == job_id).values(rows_checked=n, updated_at=utcnow()))


def check(session: Session, text: str, *, already_written: int = 0, progress=None) -> tuple[list[dict], list[dict]]:
    """Every row validated, and every reference not yet written by this job looked up:
    (clean rows in file order, problems). ``progress(n)`` is told the rows checked so far."""
    rows, errors = imports.parse_csv(text, progress=progress)
    todo = [(n, c) for n, c in rows[already_written:]]
    refs = [c["reference"] for _, c in todo]
    existing: set[str] = set()
    for start in range(0, len(refs), 1000):
        existing.update(session.scalars(select(Review.reference).where(Review.reference.in_(refs[start:start + 1000]))))
    errors += [{"row": n, "field": "reference", "reason": f"{c['reference']!r} is already registered"}
               for n, c in todo if c["reference"] in existing]
    if not rows and not errors:
        errors.append({"row": 1, "field": "", "reason": "the file has no rows"})
    return [c for _, c in rows], sorted(errors, key=lambda e: (e["row"], e["field"]))


def checked(session: Session, job_id: int, n_rows: int, errors: list[dict]) -> None:
    """Record the check: refused with the problems (nothing written), or ready to write."""
    job = session.get(ImportJob, job_id)
    job.rows_checked = n_rows
    job.total_rows = n_rows if not errors else max(job.total_rows, n_rows)
    if errors:
        job.status = "refused"
        job.errors = errors[:MAX_ERRORS_KEPT]
        job.message = f"Import refused: {len(errors)} problem{'s' if len(errors) != 1 else ''}; nothing was imported"
        job.finished_at = utcnow()
        job.content = ""  # the problems are the record; the file is the sender's to correct
    else:
        job.status = "writing"


def write_batch(session: Session, job_id: int, rows: list[dict], actor: User | None,
                ctx: bulk_intake.IntakeContext) -> None:
    """Register one batch and move the job's progress on, together."""
    bulk_intake.register_many(session, rows, actor, ctx)
    session.execute(update(ImportJob).where(ImportJob.id == job_id)
                    .values(rows_written=ImportJob.rows_written + len(rows), updated_at=utcnow()))


def finish(session: Session, job_id: int) -> None:
    job = session.get(ImportJob, job_id)
    job.status = "done"
    job.message = f"Imported {job.rows_written:,} review{'s' if job.rows_written != 1 else ''}"
    job.finished_at = utcnow()
    job.content = ""  # the reviews are the record now; the file need not be kept


def fail(session: Session, job_id: int, message: str) -> None:
    job = session.get(ImportJob, job_id)
    job.status = "failed"
    written = job.rows_written
    job.message = (f"{message}. {written} review{'s were' if written != 1 else ' was'} imported before it stopped."
                   if written else f"{message}. Nothing was imported.")
    job.finished_at = utcnow()
