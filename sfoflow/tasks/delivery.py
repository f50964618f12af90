"""Deliver recorded notifications (see sfoflow.notify.delivery for the guarantees)."""
from __future__ import annotations

from celery import shared_task
from flask import current_app

from .. import notify
from ..notify import delivery
from ..services import settings
from . import session_scope


def _deliver(ids: list[int]) -> list[str]:
    # No Celery retry with a countdown: a failed try leaves the row pending with its next
    # attempt time, and the periodic sweep hands it to a worker again when that time comes.
    with session_scope() as session:
        policy = delivery.policy_from(settings.all_settings(session))
        session.commit()
        sender = notify.sender_for(current_app.config["SFOFLOW"])
        return [delivery.deliver(session, nid, sender, policy).result for nid in ids]


@shared_task(name="sfoflow.notifications.deliver")
def deliver(notification_id: int) -> str:
    """One notification (an allocation notice, sent the moment the allocation commits)."""
    return _deliver([notification_id])[0]


@shared_task(name="sfoflow.notifications.deliver_many")
def deliver_many(notification_ids: list[int]) -> list[str]:
    """A batch handed over by the sweep. Each is claimed and delivered on its own, so a worker
    killed half-way leaves the rest pending, and the sweep hands them over again."""
    return _deliver(list(notification_ids))
