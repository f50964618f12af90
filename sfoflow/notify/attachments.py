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
