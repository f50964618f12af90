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


def run_job(session: Session, job_id: int) -> str:
    """Run (or resume) one import job; each step in its own transaction. Returns its status."""
    with transaction(session):
        job = import_jobs.claim(session, job_id)
        if job is None:
            return "finished"
        text, actor_id, written = job.content, job.created_by_id, job.rows_written

    def progress(n: int) -> None:
        with transaction(session):
            import_jobs.set_checked(session, job_id, n)

    try:
        rows, errors = import_jobs.check(session, text, already_written=written, progress=progress)
        with transaction(session):
            import_jobs.checked(session, job_id, len(rows), errors)
        if errors:
            return "refused"
        actor = session.get(User, actor_id) if actor_id else None
        ctx = bulk_intake.IntakeContext.read(session)
        session.commit()  # end the reads' transaction: each batch below is its own
        for start in range(written, len(rows), bulk_intake.BATCH):
            with transaction(session):
                import_jobs.write_batch(session, job_id, rows[start:start + bulk_intake.BATCH], actor, ctx)
        with transaction(session):
            import_jobs.finish(session, job_id)
        return "done"
    except ServiceError as exc:  # e.g. a reference registered by someone else meanwhile
        with transaction(session):
            import_jobs.fail(session, job_id, exc.message[:1].upper() + exc.message[1:])
        return "failed"
    except Exception:
        log.exception("import %s stopped", job_id)
        with transaction(session):
            import_jobs.fail(session, job_id, "The import stopped because of an error in sfoflow")
        raise


@shared_task(name=import_jobs.TASK)
def run(job_id: int) -> str:
    with session_scope() as session:
        return run_job(session, job_id)
