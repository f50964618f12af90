"""Dates as the report writes them: 27 April 2023 (the GOV.UK style)."""
from __future__ import annotations

from datetime import date


def long_date(iso: str | date | None) -> str:
    if not iso:
        return ""
    d = date.fromisoformat(iso) if isinstance(iso, str) else iso
    return f"{d.day} {d:%B %Y}"
