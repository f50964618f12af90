"""Run side effects (sending Celery tasks) only once the transaction that caused them commits.

A task sent before commit could run against data that is then rolled back, or not yet
visible; one sent after a rollback would act on nothing. The database stays the source of
truth: the periodic sweep re-derives anything a lost message would have done.

A hook belongs to the transaction (or savepoint) open when it was added: rolling back a
savepoint drops only the hooks added inside it; rolling back the whole transaction drops all.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)
_KEY = "sfoflow_after_commit"

Message = tuple[str, tuple]  # (task name, arguments)


class Dispatcher(Protocol):
    """Hands messages to the workers. The Celery one lives in ``sfoflow.tasks``; services know
    tasks only by name, so they import nothing of Celery or of the task modules."""

    def send(self, messages: Sequence[Message]) -> tuple[int, str | None]:
        """Send in order over one connection, failing fast: (how many went, the error that
        stopped the rest, or None)."""


class NoDispatcher:
    """No broker (a unit test, a script): nothing is sent; recorded work waits for the sweep."""

    def send(self, messages: Sequence[Message]) -> tuple[int, str | None]:
        return 0, "no broker for this session" if messages else None


def after_commit(session: Session, fn, *args, **kwargs) -> None:
    """Call ``fn(*args, **kwargs)`` after the session's outermost transaction commits."""
    if not session.in_transaction():
        session.connection()  # begin now, so the hook has a transaction to belong to
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append((owner, fn, args, kwargs))


def pending(session: Session) -> int:
    """How many hooks wait for the next commit."""
    return len(session.info.get(_KEY, []))


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    # SQLAlchemy fires after_commit when a savepoint is released too: wait for the outermost.
    if session.get_nested_transaction() is not None:
        return
    hooks = session.info.pop(_KEY, [])
    for _owner, fn, args, kwargs in hooks:
        try:
            fn(*args, **kwargs)
        except Exception:  # a broker outage must not undo committed work
            log.exception("after-commit hook %s failed; the sweep will catch up", getattr(fn, "__name__", fn))


@event.listens_for(Session, "after_soft_rollback")
def _discard_savepoint(session: Session, previous_transaction: SessionTransaction) -> None:
    # A rolled-back savepoint takes its own hooks with it; the outer transaction's stay.
    hooks = session.info.get(_KEY)
    if hooks and previous_transaction.nested:
        session.info[_KEY] = [h for h in hooks if not _within(h[0], previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _discard(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (rollback or close): nothing is sent.
    # After a commit the hooks have already been run and removed by ``_run``.
    if transaction.parent is None:
        session.info.pop(_KEY, None)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
