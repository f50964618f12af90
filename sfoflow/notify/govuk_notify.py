"""The seam for GOV.UK Notify, which government services use to send email. Not wired in.

To use Notify instead of SMTP, implement ``send`` and return it from ``sfoflow.notify.sender_for``:

* create one email template in Notify with ``((subject))`` as its subject and ``((body))`` as
  its body, so the wording stays here in ``sfoflow.deadlines.messages``;
* POST https://api.notifications.service.gov.uk/v2/notifications/email with
  ``{"email_address": to, "template_id": ..., "personalisation": {"subject": ..., "body": ...},
  "reference": dedupe_key}`` and a JWT (HS256, ``iss`` = service id, ``iat`` = now) signed with
  the API key's secret (or use the ``notifications-python-client`` package);
* Notify keeps ``reference``, so after a crash between sending and recording "delivered" the
  duplicate can be found (``GET /v2/notifications?reference=...``) before sending again. That
  would make this path exactly once, unlike SMTP.

It is a separate class, not a dependency: sfoflow runs without Notify or network access.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from .senders import Message


@dataclass
class NotifySender:
    api_key: str
    template_id: str

    name = "govuk_notify"
    transactional = False

    def send(self, session: Session, message: Message) -> None:
        raise NotImplementedError("GOV.UK Notify delivery is not wired in; see sfoflow.notify.govuk_notify")
