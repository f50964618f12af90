"""Large CSV imports in the background: a job row, its progress, and each step the task takes.

The task (``sfoflow.tasks.imports``) runs the steps, each in its own short transaction:

1. ``claim``: the job is being checked (a finished job is left alone: the task is idempotent);
2. ``check``: every row validated and every reference looked up (in any case), with
   ``rows_checked`` kept up to date; any problem and the job is ``refused`` with the list and
   nothing is written (the same all-or-nothing answer as a small import);
3. ``write_batch``, for each batch (``bulk_intake.turns``): the reviews registered and sampled,
   and ``rows_done`` / ``rows_written`` moved on, in one transaction. The region locks last only
   as long as one batch, so intake by others is never held up for more than a moment. A row
   whose reference someone else registered after the check is not written: it is listed in
   ``skipped`` with the reason, and the rest of the file goes on. A task that is stopped and
   delivered again resumes at ``rows_done``; a batch is written only by the task that moves
   ``rows_done`` on from where the batch starts, so two deliveries never write it twice;
4. ``finish``: imported, saying plainly which rows were skipped and why.
"""
from __future__ import annotations

import csv
import io

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import ImportJob, User
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


# A test seam in ``Session.info``: called with (start, rows) as each batch begins, after the file
# was checked and before the batch writes anything ("someone registers it meanwhile" happens there).
BEFORE_WRITE = "sfoflow.import_jobs.before_write"
# Why a checked row was not written (the one way a row is skipped).
REGISTERED_MEANWHILE = "registered by someone else while the import ran"


def view(job: ImportJob) -> dict:
    total = max(job.total_rows, job.rows_checked, job.rows_written)
    return {
        "id": job.id, "status": job.status, "status_label": LABELS[job.status], "finished": job.status in FINISHED,
        "filename": job.filename, "total_rows": total, "rows_checked": job.rows_checked,
        "rows_written": job.rows_written, "rows_skipped": len(job.skipped or []), "skipped": job.skipped or [],
        "message": job.message, "errors": job.errors or [],
        "created_at": job.created_at, "finished_at": job.finished_at,
    }


# --- the task's steps, each in the caller's transaction ---------------------------------------------

def claim(session: Session, job_id: int) -> ImportJob | None:
    """The job to run, locked and marked as being checked; None if it is finished or gone. A job
    already ``writing`` was checked by an earlier delivery: it carries on at ``rows_done``."""
    job = session.scalar(select(ImportJob).where(ImportJob.id == job_id).with_for_update())
    if job is None or job.status in FINISHED:
        return None
    if job.status == "queued":
        job.status = "checking"
    return job


def set_checked(session: Session, job_id: int, n: int) -> None:
    session.execute(update(ImportJob).where(ImportJob.id == job_id).values(rows_checked=n, updated_at=utcnow()))


def check(session: Session, text: str, *, already_done: int = 0, look_up: bool = True,
          progress=None) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Every row validated and (``look_up``) every reference after the first ``already_done``
    rows looked up, in any case: ((row number, clean row) in file order, problems).
    ``progress(n)`` is told the rows checked so far."""
    rows, errors = imports.parse_csv(text, progress=progress)
    if look_up:
        todo = rows[already_done:]
        existing = bulk_intake.taken_references(session, [c["reference"] for _, c in todo])
        errors += [{"row": n, "field": "reference", "reason": f"{c['reference']!r} is already registered"}
                   for n, c in todo if c["reference"].lower() in existing]
    if not rows and not errors:
        errors.append({"row": 1, "field": "", "reason": "the file has no rows"})
    return rows, sorted(errors, key=lambda e: (e["row"], e["field"]))


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


def write_batch(session: Session, job_id: int, rows: list[tuple[int, dict]], actor: User | None,
                ctx: bulk_intake.IntakeContext, *, start: int) -> bool:
    """Register one batch, the checked rows ``start``.. (row number, clean row), and move the job
    on, together. False, writing nothing, if the job is not at ``start`` (another delivery of the
    task has written this batch, or is writing it: its transaction holds the job's row)."""
    hook = session.info.get(BEFORE_WRITE)
    if hook is not None:  # before this transaction's first statement: others can still write
        hook(start, rows)
    moved = session.execute(update(ImportJob).where(
        ImportJob.id == job_id, ImportJob.status == "writing", ImportJob.rows_done == start,
    ).values(rows_done=start + len(rows), updated_at=utcnow()))
    if moved.rowcount != 1:
        return False
    registered, taken = bulk_intake.register_available(session, [c for _, c in rows], actor, ctx)
    job = session.get(ImportJob, job_id, populate_existing=True)
    job.rows_written += len(registered)
    if taken:
        job.skipped = [*(job.skipped or []), *({"row": n, "reference": c["reference"], "reason": REGISTERED_MEANWHILE}
                                               for n, c in rows if c["reference"].lower() in taken)]
    return True


def finish(session: Session, job_id: int) -> None:
    job = session.get(ImportJob, job_id)
    job.status = "done"
    job.message = f"Imported {job.rows_written:,} review{'s' if job.rows_written != 1 else ''}"
    if job.skipped:
        n = len(job.skipped)
        job.message += (f". {n:,} row{'s were' if n != 1 else ' was'} not imported: "
                        f"{'their references were' if n != 1 else 'its reference was'} {REGISTERED_MEANWHILE} "
                        f"({', '.join(s['reference'] for s in job.skipped[:10])}{' and others' if n > 10 else ''})")
    job.finished_at = utcnow()
    job.content = ""  # the reviews are the record now; the file need not be kept


def fail(session: Session, job_id: int, message: str, errors: list[dict] | None = None) -> None:
    job = session.get(ImportJob, job_id)
    job.status = "failed"
    if errors:
        job.errors = errors[:MAX_ERRORS_KEPT]
    written = job.rows_written
    job.message = (f"{message}. {written} review{'s were' if written != 1 else ' was'} imported before it stopped."
                   if written else f"{message}. Nothing was imported.")
    job.finished_at = utcnow()
