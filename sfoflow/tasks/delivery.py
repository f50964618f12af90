"""Deliver one recorded notification (see sfoflow.notify.delivery for the guarantees)."""
from __future__ import annotations

from celery import shared_task
from flask import current_app

from .. import notify
from ..notify import delivery
from ..services import settings
from . import session_scope


@shared_task(name="sfoflow.notifications.deliver")
def deliver(notification_id: int) -> str:
    # No Celery retry with a countdown: a failed try leaves the row pending with its next
    # attempt time, and the periodic sweep hands it to a worker again when that time comes.
    with session_scope() as session:
        policy = delivery.policy_from(settings.all_settings(session))
        session.commit()
        outcome = delivery.deliver(session, notification_id, notify.sender_for(current_app.config["SFOFLOW"]), policy)
    return outcome.result
