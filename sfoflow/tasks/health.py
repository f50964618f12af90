"""The health task: proves a message went web -> broker -> worker -> database."""
from __future__ import annotations

import socket

from celery import shared_task

from ..db import transaction
from ..models import HealthCheck
from ..models.base import utcnow
from . import session_scope


@shared_task(name="sfoflow.health.ping", bind=True, max_retries=5, default_retry_delay=2)
def ping(self, check_id: int) -> str:
    with session_scope() as session, transaction(session):
        check = session.get(HealthCheck, check_id)
        if check is None:  # the request was rolled back or not yet visible: try again shortly
            raise self.retry()
        if check.completed_at is None:  # idempotent: a redelivered message changes nothing
            check.completed_at = utcnow()
            check.worker = f"{socket.gethostname()} ({self.request.hostname})"
    return "pong"
