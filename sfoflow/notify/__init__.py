"""Delivery of recorded notifications: the senders and the claim-send-mark cycle.

A ``Sender`` sends one message. Which one is used:

* ``OutboxSender`` (the embedded default, when ``SFOFLOW_SMTP_HOST`` is unset): the message is
  written to the ``outbox`` table in the same transaction that marks it delivered, so it is
  delivered exactly once; admins read it in the web interface.
* ``SmtpSender`` (``SFOFLOW_SMTP_HOST`` set): smtplib, STARTTLS by default.
* ``NotifySender``: the seam for GOV.UK Notify (documented in ``govuk_notify.py``, not wired in).

Tests may replace the sender with ``use_sender`` (a real sender that, say, sends slowly).
"""
from __future__ import annotations

from .senders import Message, OutboxSender, Sender, SmtpSender  # noqa: F401

_override: Sender | None = None


def use_sender(sender: Sender | None) -> None:
    """Make every delivery in this process use ``sender`` (None: back to the configured one)."""
    global _override
    _override = sender


def sender_for(settings) -> Sender:
    """The sender for these application settings (see sfoflow.config.Settings)."""
    if _override is not None:
        return _override
    if settings.smtp_host:
        return SmtpSender(host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
                          password=settings.smtp_password, sender=settings.smtp_from,
                          starttls=settings.smtp_starttls)
    return OutboxSender()
