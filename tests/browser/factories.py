"""Reviews in a given state, made through the services (the same path the web and API take)."""
from __future__ import annotations


from datetime import date

from sfoflow.db import transaction
from sfoflow.schemas.reviews import review_create_schema
from sfoflow.services import lifecycle, reviews, users
from sfoflow.workflows import lifecycle as lc
from tests.conftest import review_payload
from tests.worker import wait_for  # noqa: F401  (re-exported for the page tests)


def register(session, actor, **overrides):
    """Register a review as ``actor`` (central team). Whatever the sampler decides is kept."""
    data = review_create_schema(date.today()).load(review_payload(**overrides))
    with transaction(session):
        return reviews.register(session, data, actor)


def select_for_hmip(session, review, manager=None):
    """Bring a review to 'selected for HMIP' whatever the sampler decided at intake: the system's
    ``sample`` if it is still received, a manager's ``add_to_sample`` if it went to HMPPS."""
    with transaction(session):
        if review.state == lc.RECEIVED:
            lifecycle.apply_action(session, review, "sample", None, version=review.version,
                                   data={"route": lc.SELECTED_FOR_HMIP})
        elif review.state == lc.ROUTED_TO_HMPPS:
            manager = manager or users.create_user(session, email=f"sampler.{review.id}@example.org",
                                                   role=lc.MANAGER, name="Setup Manager")
            lifecycle.apply_action(session, review, "add_to_sample", manager, version=review.version,
                                   data={"reason": "test setup"})
    assert review.state == lc.SELECTED_FOR_HMIP, review.state
    return review


def allocate(session, review, central, inspector, manager=None):
    select_for_hmip(session, review, manager)
    with transaction(session):
        lifecycle.apply_action(session, review, "allocate", central, version=review.version,
                               data={"inspector_id": inspector.id})
    assert review.state == lc.ALLOCATED and review.inspector_id == inspector.id
    return review
