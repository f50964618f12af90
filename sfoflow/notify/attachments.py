"""Files sent with a notification (the QA report PDF), stored in ``notification_attachments``.

Delivery passes only the notification id around, so a sender that can carry files looks them
up here; the outbox keeps them where they are (listed with the message).
"""
from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.assessment import NotificationAttachment


def for_notification(session: Session, notification_id: int) -> list[NotificationAttachment]:
    return list(session.scalars(select(NotificationAttachment)
                                .where(NotificationAttachment.notification_id == notification_id)
                                .order_by(NotificationAttachment.id)))


def attach(email: EmailMessage, attachments: list[NotificationAttachment]) -> EmailMessage:
    for item in attachments:
        maintype, _, subtype = item.content_type.partition("/")
        email.add_attachment(item.content, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=item.filename)
    return email


def summaries(session: Session, notification_ids: list[int]) -> dict[int, list[dict]]:
    """For listing the outbox: each notification's files (name, type, size; not the bytes), in
    one query."""
    from sqlalchemy import func

    if not notification_ids:
        return {}
    rows = session.execute(
        select(NotificationAttachment.id, NotificationAttachment.notification_id, NotificationAttachment.filename,
               NotificationAttachment.content_type, func.length(NotificationAttachment.content))
        .where(NotificationAttachment.notification_id.in_(notification_ids))
        .order_by(NotificationAttachment.id))
    out: dict[int, list[dict]] = {}
    for aid, nid, filename, content_type, size in rows:
        out.setdefault(nid, []).append({"id": aid, "filename": filename, "content_type": content_type,
                                        "size": size, "url": f"/api/v1/outbox/attachments/{aid}"})
    return out
