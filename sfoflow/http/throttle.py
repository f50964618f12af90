"""Throttling of sign-in and API token guesses (the ``limits`` library).

Failed attempts are counted per account (the email typed) and per client address in fixed
windows of ``sign_in_window_minutes``; once either count reaches its limit
(``sign_in_attempts_per_account``, ``sign_in_attempts_per_address``) further attempts are refused
until the window ends, even with the right password, so guessing cannot go on. Invalid bearer
tokens count per client address against the same address limit. Successful sign-ins do not count.

The counters live in Redis when the broker is Redis, otherwise in the database (the table
``throttle_counters``): either way every web process shares them.
"""
from __future__ import annotations

import logging
import math
import time
import uuid
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window_minutes: int


class DatabaseStorage(Storage):
    """The counters in the ``throttle_counters`` table, for when there is no Redis: shared by
    every web process on the database, as Redis would be. One upsert a failed attempt."""

    STORAGE_SCHEME = None  # made directly, never from a URI

    def __init__(self, engine):
        super().__init__()
        self.engine = engine

    def _reading(self):
        # Every API request reads its address's count: one statement, so no BEGIN and ROLLBACK
        # around it (two round trips fewer on every request).
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    @property
    def base_exceptions(self):
        from sqlalchemy.exc import SQLAlchemyError

        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        from sqlalchemy import case, select

        from ..models import ThrottleCounter as T

        now = time.time()
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(T).values(key=key, count=amount, expires_at=now + expiry)
        fresh = stmt.excluded
        stmt = stmt.on_conflict_do_update(index_elements=[T.key], set_={
            "count": case((T.expires_at <= now, fresh.count), else_=T.count + amount),
            "expires_at": case((T.expires_at <= now, fresh.expires_at), else_=T.expires_at)})
        with self.engine.begin() as conn:
            conn.execute(stmt)
            return conn.execute(select(T.count).where(T.key == key)).scalar_one()

    def get(self, key: str) -> int:
        from sqlalchemy import select

        from ..models import ThrottleCounter as T

        with self._reading() as conn:
            return conn.execute(select(T.count).where(T.key == key, T.expires_at > time.time())).scalar() or 0

    def get_expiry(self, key: str) -> float:
        from sqlalchemy import select

        from ..models import ThrottleCounter as T

        with self._reading() as conn:
            return conn.execute(select(T.expires_at).where(T.key == key)).scalar() or time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        from sqlalchemy import delete

        from ..models import ThrottleCounter as T

        with self.engine.begin() as conn:
            return conn.execute(delete(T)).rowcount

    def clear(self, key: str) -> None:
        from sqlalchemy import delete

        from ..models import ThrottleCounter as T

        with self.engine.begin() as conn:
            conn.execute(delete(T).where(T.key == key))


class Throttle:
    def __init__(self, storage_uri: str, *, namespace: str = "sfoflow", engine=None):
        options = {"socket_connect_timeout": 1, "socket_timeout": 1} if storage_uri.startswith("redis") else {}
        self.storage = DatabaseStorage(engine) if storage_uri == "database" else \
            storage_from_string(storage_uri, **options)
        self.limiter = FixedWindowRateLimiter(self.storage)
        self.namespace = namespace
        self._unreachable = False

    def _guarded(self, what, default):
        """The counters are a guard, not a gate: with Redis out of reach sign-in and the API go on
        unthrottled (logged once, and once when the counters answer again) rather than fail."""
        try:
            result = what()
        except Exception as exc:  # noqa: BLE001 - any storage failure
            if not self._unreachable:
                self._unreachable = True
                log.warning("sign-in throttling is off: its counters cannot be reached (%s)", type(exc).__name__)
            return default
        if self._unreachable:
            self._unreachable = False
            log.warning("sign-in throttling is on again: its counters answer")
        return result

    @classmethod
    def for_settings(cls, settings, engine=None) -> Throttle:
        """Redis when the broker is Redis; otherwise the database (``engine``), else memory."""
        redis = settings.broker_url.startswith(("redis://", "rediss://"))
        uri = settings.broker_url if redis else "database" if engine is not None else "memory://"
        # Each test application counts apart, so one run's wrong passwords never lock out the next.
        namespace = f"sfoflow-test-{uuid.uuid4().hex[:8]}" if settings.env == "test" else "sfoflow"
        return cls(uri, namespace=namespace, engine=engine)

    def _item(self, amount: int, limits: Limits):
        return RateLimitItemPerMinute(max(1, amount), max(1, limits.window_minutes))

    def _checks(self, limits: Limits, *, account: str | None, address: str | None):
        if account:
            yield self._item(limits.per_account, limits), ("account", account.strip().lower())
        if address:
            yield self._item(limits.per_address, limits), ("address", address)

    def blocked_for(self, limits: Limits, *, account: str | None = None, address: str | None = None) -> int:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        return self._guarded(lambda: self._blocked_for(limits, account=account, address=address), 0)

    def failed(self, limits: Limits, *, account: str | None = None, address: str | None = None) -> bool:
        """Count a failed attempt; True when this one used up a limit (the moment to audit)."""
        return self._guarded(lambda: self._failed(limits, account=account, address=address), False)

    def forget_account(self, limits: Limits, account: str) -> None:
        """A successful sign-in clears the account's failures (not the address's)."""
        self._guarded(lambda: self._forget_account(limits, account), None)

    def _blocked_for(self, limits: Limits, *, account: str | None, address: str | None) -> int:
        wait = 0
        for item, key in self._checks(limits, account=account, address=address):
            if not self.limiter.test(item, self.namespace, *key):
                reset, _remaining = self.limiter.get_window_stats(item, self.namespace, *key)
                wait = max(wait, math.ceil(reset - time.time()), 1)
        return wait

    def _failed(self, limits: Limits, *, account: str | None, address: str | None) -> bool:
        used_up = False
        for item, key in self._checks(limits, account=account, address=address):
            self.limiter.hit(item, self.namespace, *key)
            used_up |= not self.limiter.test(item, self.namespace, *key)
        return used_up

    def _forget_account(self, limits: Limits, account: str) -> None:
        for item, key in self._checks(limits, account=account, address=None):
            self.limiter.clear(item, self.namespace, *key)


    def reset(self) -> None:
        """Forget every count (the tests start each test afresh)."""
        self._guarded(self.storage.reset, None)


def limits_from(settings_get) -> Limits:
    """The limits in force, read through ``settings_get(key)`` (admins may change them)."""
    return Limits(per_account=int(settings_get("sign_in_attempts_per_account")),
                  per_address=int(settings_get("sign_in_attempts_per_address")),
                  window_minutes=int(settings_get("sign_in_window_minutes")))


def minutes_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
