"""Who may do what with one review, decided here once.

The services check these before they change anything; the pages show a link or a button only
where the matching permission is true. Role decorators on the API and the pages remain as the
coarse gate (a whole page or endpoint); this is the fine one (this review, now, this person).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Review, User
from ..workflows import lifecycle as lc
from .lifecycle import allowed_actions, is_owner, role_of

QA_READERS = frozenset({lc.MANAGER, lc.CENTRAL_TEAM})  # besides the allocated inspector
# The central team's edits (high-profile flag, parallel reviews) stop when a review is closed;
# an extension moves the HMIP deadline, so it applies while HMIP owes the QA.
CASE_EDIT_STATES = lc.OPEN_STATES
EXTENSION_STATES = lc.HMIP_OPEN_STATES


@dataclass(frozen=True)
class Permissions:
    actions: tuple[str, ...]  # lifecycle actions open to this person now (before data and checks)
    read_qa: bool
    start_qa: bool  # the allocated inspector, before the QA starts
    edit_qa: bool  # the allocated inspector, while the review is in QA
    sign_off: bool  # a manager, while the QA awaits sign-off
    raise_high_profile_query: bool  # the allocated inspector, while the review is open
    decide_high_profile_query: bool  # the central team
    edit_case: bool  # the central team: high-profile flag and parallel reviews
    grant_extension: bool  # a manager, while HMIP owes the QA


def blinded(review: Review, actor: User | None) -> bool:
    """A rater in an open benchmarking exercise on this review may not read its QA until the reveal."""
    if actor is None or getattr(actor, "role", None) not in (lc.INSPECTOR, lc.CENTRAL_TEAM) \
            or getattr(review, "id", None) is None or getattr(actor, "id", None) is None:
        return False
    from sqlalchemy import inspect as sa_inspect

    from .benchmarking import is_blind_rater

    state = sa_inspect(review, raiseerr=False)  # None for an object that is not a mapped Review
    session = state.session if state is not None else None
    return session is not None and is_blind_rater(session, review.id, actor.id)


def permissions(review: Review, actor: User | None) -> Permissions:
    role = role_of(actor)
    owner = role == lc.INSPECTOR and is_owner(review, actor)
    hmpps_owner = role == lc.CENTRAL_TEAM and is_owner(review, actor)  # the HMPPS QA officer holding it
    state = review.state
    return Permissions(
        actions=tuple(allowed_actions(review, actor)),
        read_qa=(owner or role in QA_READERS) and not blinded(review, actor),
        start_qa=(owner and state == lc.ALLOCATED) or (hmpps_owner and state == lc.HMPPS_ALLOCATED),
        edit_qa=(owner and state == lc.IN_QA) or (hmpps_owner and state == lc.HMPPS_IN_QA),
        sign_off=role == lc.MANAGER and state == lc.AWAITING_SIGN_OFF,
        raise_high_profile_query=owner and state in lc.OPEN_STATES,
        decide_high_profile_query=role == lc.CENTRAL_TEAM,
        edit_case=role == lc.CENTRAL_TEAM and state in CASE_EDIT_STATES,
        grant_extension=role == lc.MANAGER and state in EXTENSION_STATES,
    )
