"""Run side effects (sending Celery tasks) only once the transaction that caused them commits.

A task sent before commit could run against data that is then rolled back, or not yet
visible; one sent after a rollback would act on nothing. The database stays the source of
truth: the periodic sweep re-derives anything a lost message would have done.
"""
from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_KEY = "sfoflow_after_commit"


def after_commit(session: Session, fn, *args, **kwargs) -> None:
    session.info.setdefault(_KEY, []).append((fn, args, kwargs))


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    pending = session.info.pop(_KEY, [])
    for fn, args, kwargs in pending:
        try:
            fn(*args, **kwargs)
        except Exception:  # a broker outage must not undo committed work
            log.exception("after-commit hook %s failed; the sweep will catch up", getattr(fn, "__name__", fn))


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_KEY, None)
