"""What a service needs from outside its transaction: the settings and the task dispatcher.

They travel with the database session the service is given. Whoever opens the session (the app
factory for a web request, the worker for a task, a command) builds its ``Database`` with
``session_info(settings, dispatcher)``, so every session it hands out carries both; a service
reads them with ``settings_of`` and ``dispatcher_of``, never from the web framework's globals.
A session opened without them (a unit test, a script) has no dispatcher: nothing is sent to a
worker, and the periodic sweep hands over whatever was recorded.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from .dispatch import Dispatcher, NoDispatcher

SETTINGS = "sfoflow.settings"
DISPATCHER = "sfoflow.dispatcher"
_NOWHERE = NoDispatcher()


def session_info(settings, dispatcher: Dispatcher | None) -> dict:
    """The ``info`` every session of a Database should start with."""
    return {SETTINGS: settings, DISPATCHER: dispatcher or _NOWHERE}


def settings_of(session: Session):
    """The process's Settings (sfoflow.config), or None for a session opened without them."""
    return session.info.get(SETTINGS)


def dispatcher_of(session: Session) -> Dispatcher:
    return session.info.get(DISPATCHER) or _NOWHERE


CLOCK = "sfoflow.clock"


def now_of(session: Session):
    """The time a service records for what it does now: the wall clock (aware UTC), unless the
    session carries another clock (the demo loader replays a past year with its own)."""
    clock = session.info.get(CLOCK)
    if clock is not None:
        return clock()
    from ..models.base import utcnow

    return utcnow()
