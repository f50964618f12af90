"""What was recorded and delivered: notifications (admins, managers) and the outbox (admins)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import db_session
from ..db import transaction
from ..notify import attachments, delivery
from ..schemas import deadlines as s
from ..services import notifications, settings
from ..services.errors import Conflict
from ..workflows import lifecycle as lc
from .auth import require
from .openapi import doc

bp = Blueprint("notifications", __name__)


def _per_page(session, asked):
    return min(asked or settings.get(session, "page_size_default"), settings.get(session, "page_size_max"))


@bp.get("/notifications")
@require(lc.ADMIN, lc.MANAGER)
@doc("Notifications recorded (reminders, escalations, alerts, digests, allocation notices), newest first, "
     "with their delivery status; failed ones are those that gave up", query=s.NotificationFilter,
     response=s.NotificationPage, tags=["notifications"])
def list_notifications():
    session = db_session()
    f = s.NotificationFilter().load(request.args.to_dict())
    per_page = _per_page(session, f["per_page"])
    items, total, counts = notifications.page(session, f, per_page=per_page)
    return jsonify({"items": [notifications.notification_view(n) for n in items], "page": f["page"],
                    "per_page": per_page, "total": total, "counts": counts})


@bp.post("/notifications/<int:notification_id>/retry")
@require(lc.ADMIN)
@doc("Give a failed notification one more try (the next sweep sends it)", response=s.NotificationOut,
     tags=["notifications"])
def retry_notification(notification_id: int):
    from ..models.notifications import Notification

    session = db_session()
    with transaction(session):
        if not delivery.retry_failed(session, notification_id):
            raise Conflict(f"notification {notification_id} is not a failed notification")
    session.expire_all()
    return jsonify(notifications.notification_view(session.get(Notification, notification_id)))


@bp.get("/outbox")
@require(lc.ADMIN)
@doc("The embedded outbox: emails as sent when SMTP is not configured, newest first", query=s.PageQuery,
     response=s.OutboxPage, tags=["notifications"])
def outbox():
    session = db_session()
    f = s.PageQuery().load(request.args.to_dict())
    per_page = _per_page(session, f["per_page"])
    items, total = notifications.outbox_page(session, page_no=f["page"], per_page=per_page)
    files = attachments.summaries(session, [m.notification_id for m in items])  # e.g. the QA report PDF
    return jsonify({"items": [{"id": m.id, "notification_id": m.notification_id, "recipient": m.recipient,
                               "subject": m.subject, "body": m.body, "sent_at": m.sent_at,
                               "attachments": files.get(m.notification_id, [])} for m in items],
                    "page": f["page"], "per_page": per_page, "total": total})
