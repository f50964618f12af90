"""A large CSV import, in the background: check every row, then write in short batches."""
from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.orm import Session

from ..db import transaction
from ..models import User
from ..services import bulk_intake, import_jobs
from ..services.errors import ServiceError
from . import session_scope

log = logging.getLogger(__name__)
# A batch that meets a registration of one of its references at the same moment (see
# ``bulk_intake.lost_race``) is tried again: the second time it sees the reference and skips it.
BATCH_TRIES = 3


def run_job(session: Session, job_id: int) -> str:
    """Run (or resume) one import job; each step in its own transaction. Returns its status, or
    "finished" (nothing to do) or "elsewhere" (another delivery of the task is writing it)."""
    with transaction(session):
        job = import_jobs.claim(session, job_id)
        if job is None:
            return "finished"
        text, actor_id, done, resuming = job.content, job.created_by_id, job.rows_done, job.status == "writing"

    def progress(n: int) -> None:
        with transaction(session):
            import_jobs.set_checked(session, job_id, n)

    try:
        # A job already writing passed its check: a reference registered since is skipped at its
        # batch (and listed), not a reason to refuse a file that is partly imported.
        rows, errors = import_jobs.check(session, text, already_done=done, look_up=not resuming, progress=progress)
        if resuming and errors:  # the rows read differently now (the reference data changed)
            with transaction(session):
                import_jobs.fail(session, job_id, "The rows left to import no longer pass the check", errors)
            return "failed"
        with transaction(session):
            import_jobs.checked(session, job_id, len(rows), errors)
        if errors:
            return "refused"
        actor = session.get(User, actor_id) if actor_id else None
        ctx = bulk_intake.IntakeContext.read(session)
        session.commit()  # end the reads' transaction: each batch below is its own
        for first, end in bulk_intake.turns(session, len(rows), done):
            if not _write_batch(session, job_id, rows[first:end], actor, ctx, first):
                return "elsewhere"
        with transaction(session):
            import_jobs.finish(session, job_id)
        return "done"
    except ServiceError as exc:  # e.g. a sampling setting that is not valid
        with transaction(session):
            import_jobs.fail(session, job_id, exc.message[:1].upper() + exc.message[1:])
        return "failed"
    except Exception:
        log.exception("import %s stopped", job_id)
        with transaction(session):
            import_jobs.fail(session, job_id, "The import stopped because of an error in sfoflow")
        raise


def _write_batch(session: Session, job_id: int, rows, actor, ctx, first: int) -> bool:
    for attempt in range(1, BATCH_TRIES + 1):
        try:
            with transaction(session):
                return import_jobs.write_batch(session, job_id, rows, actor, ctx, start=first)
        except Exception as exc:  # a database error: SQLAlchemy's, or the driver's own from COPY
            if attempt == BATCH_TRIES or not bulk_intake.lost_race(exc):
                raise
            log.info("import %s: batch from row %s met a registration of one of its references; trying again",
                     job_id, first)
    raise AssertionError("unreachable")


@shared_task(name=import_jobs.TASK)
def run(job_id: int) -> str:
    with session_scope() as session:
        return run_job(session, job_id)
