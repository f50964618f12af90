"""Providers as codes: what the central team must fix in reviews recorded before the provider
became a choice from the reference data (migration 0007 maps what it can and lists the rest)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import reference
from ..models import Review


def problem(provider: str | None, region: str) -> str | None:
    """Why a stored provider cannot stand as a code for a review in ``region``; None if it can."""
    code = reference.provider_code(provider)
    if code is None:
        return f"{provider!r} names no provider"
    home = reference.providers()[code]["region"]
    if home != region:
        return f"{code} is the provider for {reference.region_name(home)}, not {reference.region_name(region)}"
    return None


def unmapped(session: Session) -> list[tuple[str, str, str]]:
    """(reference, provider as stored, the problem) for each review whose provider is not its region's code."""
    out = []
    for ref, provider, region in session.execute(select(Review.reference, Review.provider, Review.region)
                                                 .order_by(Review.reference)):
        if provider not in reference.providers() or reference.providers()[provider]["region"] != region:
            why = problem(provider, region) or "written differently from its code"
            out.append((ref, provider, why))
    return out
