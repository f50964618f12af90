"""The delivery policy for a recorded notification: lease, retry and give up.

A notification moves ``pending -> sending -> delivered``, or back to ``pending`` after a failed
try, or to ``failed`` once ``max_attempts`` tries have failed. ``sending`` carries a lease: a
worker killed mid-delivery leaves the row ``sending`` until the lease runs out, and then any
worker (sent again by the sweep) may claim it. Pure: the service turns these into SQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

PENDING = "pending"
SENDING = "sending"
DELIVERED = "delivered"
FAILED = "failed"
STATUSES = (PENDING, SENDING, DELIVERED, FAILED)


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 5
    backoff_seconds: int = 60  # doubles with each failed try
    lease_seconds: int = 300  # longer than any single send may take

    def backoff(self, attempts: int) -> timedelta:
        """Wait after the ``attempts``-th failed try: 1, 2, 4, 8 ... times the base, capped at a day."""
        return timedelta(seconds=min(self.backoff_seconds * 2 ** max(attempts - 1, 0), 86400))

    def after_failure(self, attempts: int, now: datetime) -> tuple[str, datetime | None]:
        """(new status, next attempt time) after the ``attempts``-th try failed."""
        if attempts >= self.max_attempts:
            return FAILED, None
        return PENDING, now + self.backoff(attempts)
