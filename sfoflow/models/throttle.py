from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ThrottleCounter(Base):
    """A sign-in throttle's count for one key (account or address) in its current window, when the
    counters live in the database (no Redis): see ``sfoflow.http.throttle``."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch (the limits library's clock)
