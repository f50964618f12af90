"""Delivering recorded notifications: exactly once into the outbox, at least once over SMTP,
retried with backoff, given up loudly, and safe when a worker's lease runs out."""
from __future__ import annotations

import socket
import socketserver
import threading
from datetime import UTC, date, timedelta
from email import message_from_bytes

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from sfoflow.deadlines.delivery import Policy
from sfoflow.models.notifications import Notification, OutboxMessage
from sfoflow.notify import OutboxSender, SmtpSender, delivery
from sfoflow.notify.govuk_notify import NotifySender
from sfoflow.notify.senders import Message
from tests.support import clock
from tests.support.deadlines import allocate, selected_review, staff

POLICY = Policy(max_attempts=3, backoff_seconds=60, lease_seconds=120)


@pytest.fixture
def notice(session):
    """One recorded allocation notice, pending."""
    people = staff(session, inspectors=1, managers=1)
    review = selected_review(session, due_on=date(2023, 5, 22))
    allocate(session, review, people["inspectors"][0], people["central"][0], on=date(2023, 5, 2))
    return session.scalars(select(Notification)).one()


def row(session, nid) -> Notification:
    session.expire_all()
    return session.get(Notification, nid)


def outbox_count(session, nid=None) -> int:
    query = select(func.count()).select_from(OutboxMessage)
    if nid is not None:
        query = query.where(OutboxMessage.notification_id == nid)
    return session.scalar(query)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on return: connections are refused


# --- the outbox: exactly once ---------------------------------------------------------------------

def test_the_outbox_receives_a_notification_once(session, notice):
    outcome = delivery.deliver(session, notice.id, OutboxSender(), POLICY)
    assert outcome.result == "delivered"
    n = row(session, notice.id)
    assert (n.status, n.attempts, n.lease_until) == ("delivered", 1, None) and n.delivered_at is not None
    message = session.scalars(select(OutboxMessage)).one()
    assert (message.recipient, message.subject, message.body) == (n.recipient_email, n.subject, n.body)
    # asked again (a redelivered message, a second worker): nothing more
    assert delivery.deliver(session, notice.id, OutboxSender(), POLICY).result == "skipped"
    assert outbox_count(session) == 1


def test_a_worker_whose_lease_ran_out_cannot_deliver_over_the_one_that_took_over(session, notice):
    now = clock.now()
    first = delivery.claim(session, notice.id, POLICY, now)  # worker A claims, then stalls
    assert first == 1 and row(session, notice.id).status == "sending"
    assert delivery.claim(session, notice.id, POLICY, now + timedelta(seconds=60)) is None  # lease still held
    # A's lease runs out; worker B claims and delivers
    later = now + timedelta(seconds=POLICY.lease_seconds + 1)
    assert delivery.deliver(session, notice.id, OutboxSender(), POLICY, now=later).result == "delivered"
    # A wakes up and tries to finish with its old token: refused, nothing duplicated
    session.add(OutboxMessage(notification_id=notice.id, recipient="x", subject="x", body="x"))
    with pytest.raises(IntegrityError):  # one outbox row per notification
        session.flush()
    session.rollback()
    marked = session.execute(update(Notification).where(Notification.id == notice.id,
                                                         Notification.status == "sending",
                                                         Notification.attempts == first)
                             .values(status="delivered")).rowcount
    session.rollback()
    assert marked == 0 and outbox_count(session) == 1 and row(session, notice.id).attempts == 2


def test_an_expired_lease_is_offered_to_workers_again(session, notice):
    now = clock.now()
    delivery.claim(session, notice.id, POLICY, now)
    assert notice.id not in delivery.dispatchable(session, POLICY, now + timedelta(seconds=30))
    assert notice.id in delivery.dispatchable(session, POLICY, now + timedelta(seconds=POLICY.lease_seconds + 1))


# --- failures: backoff, then give up loudly --------------------------------------------------------

def test_failures_back_off_then_give_up_and_say_so(session, notice, caplog):
    unreachable = SmtpSender(host="127.0.0.1", port=closed_port(), starttls=False, timeout=2)
    t0 = clock.now()
    first = delivery.deliver(session, notice.id, unreachable, POLICY, now=t0)
    n = row(session, notice.id)
    assert first.result == "retry" and n.status == "pending" and n.attempts == 1
    assert "ConnectionRefusedError" in n.last_error
    assert timedelta(seconds=55) < n.next_attempt_at.replace(tzinfo=UTC) - t0 < timedelta(seconds=65)
    # not before its time
    assert delivery.deliver(session, notice.id, unreachable, POLICY, now=t0 + timedelta(seconds=10)).result == "skipped"
    second = delivery.deliver(session, notice.id, unreachable, POLICY, now=t0 + timedelta(seconds=61))
    n = row(session, notice.id)
    assert second.result == "retry" and n.attempts == 2
    assert n.next_attempt_at.replace(tzinfo=UTC) - t0 > timedelta(seconds=61 + 115)  # doubled
    with caplog.at_level("ERROR"):
        third = delivery.deliver(session, notice.id, unreachable, POLICY, now=t0 + timedelta(hours=1))
    n = row(session, notice.id)
    assert third.result == "failed" and n.status == "failed" and n.attempts == 3
    assert any("giving up" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)
    assert notice.id not in delivery.dispatchable(session, POLICY, t0 + timedelta(days=1))
    # an admin asks for one more try
    assert delivery.retry_failed(session, notice.id)
    session.commit()
    assert delivery.deliver(session, notice.id, OutboxSender(), POLICY).result == "delivered"
    assert row(session, notice.id).attempts == 4 and outbox_count(session) == 1


# --- SMTP, against a small real SMTP server on this machine -----------------------------------------------

class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode().strip().split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                self.wfile.write(b"354 go ahead\r\n")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    data += self.rfile.readline()
                self.server.received.append(data[:-5])
                self.wfile.write(b"250 queued\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_smtp_sends_plain_text_with_a_stable_message_id(session, notice, smtp_server):
    sender = SmtpSender(host="127.0.0.1", port=smtp_server.server_address[1], starttls=False,
                        sender="sfoflow@hmiprobation.example")
    assert delivery.deliver(session, notice.id, sender, POLICY).result == "delivered"
    (raw,) = smtp_server.received
    email = message_from_bytes(raw)
    n = row(session, notice.id)
    assert email["To"] == n.recipient_email and email["Subject"] == n.subject
    assert email["From"] == "sfoflow@hmiprobation.example"
    assert email.get_content_type() == "text/plain"
    assert "Monday 22 May 2023" in email.get_payload(decode=True).decode()
    # a resend after a crash carries the same Message-ID, so it can be recognised
    again = sender.build(Message(n.id, n.dedupe_key, n.recipient_email, n.subject, n.body))
    assert again["Message-ID"] == email["Message-ID"]
    assert outbox_count(session) == 0  # SMTP mode writes no outbox


def test_the_sender_follows_the_smtp_setting(settings):
    from dataclasses import replace

    from sfoflow import notify

    assert isinstance(notify.sender_for(replace(settings, smtp_host="")), OutboxSender)
    smtp = notify.sender_for(replace(settings, smtp_host="mail.example.org", smtp_port=2525))
    assert isinstance(smtp, SmtpSender) and (smtp.host, smtp.port) == ("mail.example.org", 2525)


def test_notify_is_a_seam_not_a_dependency(session):
    with pytest.raises(NotImplementedError):
        NotifySender(api_key="k", template_id="t").send(session, Message(1, "k", "a@b", "s", "b"))
