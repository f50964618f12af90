"""``celery -A tests.support.deadlines_slow_worker worker``: the real worker, except that each outbox
delivery stalls after it is claimed, so a test can kill the worker mid-delivery.

DEADLINES_TEST_MARKER names a file that gets one line per delivery begun;
DEADLINES_TEST_STALL is how long it stalls (seconds). Test-only: not read by sfoflow itself.
"""
import os
import time

from sfoflow import notify
from sfoflow.notify.senders import OutboxSender


class StallingOutbox(OutboxSender):
    def send(self, session, message):
        with open(os.environ["DEADLINES_TEST_MARKER"], "a", encoding="utf-8") as fh:
            fh.write(f"{message.notification_id}\n")
        time.sleep(float(os.environ.get("DEADLINES_TEST_STALL", "120")))
        super().send(session, message)


notify.use_sender(StallingOutbox())

from sfoflow.worker import celery, flask_app  # noqa: E402,F401
