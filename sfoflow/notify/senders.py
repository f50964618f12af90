"""Senders: the outbox in the database (embedded default) and SMTP."""
from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy.orm import Session

from ..models.notifications import OutboxMessage


@dataclass(frozen=True)
class Message:
    notification_id: int
    dedupe_key: str
    to: str
    subject: str
    body: str


class Sender(Protocol):
    name: str
    # True when ``send`` only writes to ``session``: the write commits with "delivered" or not
    # at all, so a message is delivered exactly once. False for anything outside the database
    # (SMTP, an HTTP API): a crash after sending and before commit means it is sent again.
    transactional: bool

    def send(self, session: Session, message: Message) -> None: ...


class OutboxSender:
    name = "outbox"
    transactional = True

    def send(self, session: Session, message: Message) -> None:
        # outbox.notification_id is unique: a second delivery of the same notification fails
        # here and its transaction rolls back, so the outbox never holds a duplicate.
        session.add(OutboxMessage(notification_id=message.notification_id, recipient=message.to,
                                  subject=message.subject, body=message.body))
        session.flush()


@dataclass
class SmtpSender:
    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "sfoflow@localhost"
    starttls: bool = True
    timeout: float = 30.0

    name = "smtp"
    transactional = False

    def build(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        # A Message-ID fixed by the notification: if a crash makes us send twice (SMTP is at
        # least once), mail systems and clients can recognise the second copy.
        domain = self.sender.rpartition("@")[2] or "sfoflow.invalid"
        digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:20]
        email["Message-ID"] = f"<sfoflow.{message.notification_id}.{digest}@{domain}>"
        email.set_content(message.body)
        return email

    def send(self, session: Session, message: Message) -> None:
        from .attachments import attach, for_notification  # files kept beside the notification (the QA report)

        email = attach(self.build(message), for_notification(session, message.notification_id))
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(email)
