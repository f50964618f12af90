"""Reviews in a given state, made through the services (the same path the web and API take),
and the intake payload they start from."""
from __future__ import annotations

from sfoflow.db import transaction
from sfoflow.schemas.reviews import review_create_schema
from sfoflow.services import lifecycle, reviews, users
from sfoflow.workflows import lifecycle as lc
from tests.support import clock


def register(session, actor, **overrides):
    """Register a review as ``actor`` (central team). Whatever the sampler decides is kept."""
    data = review_create_schema(clock.today()).load(review_payload(**overrides))
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


def review_payload(**overrides) -> dict:
    data = {"reference": "SFO/2023/0001", "region": "london", "offence_category": "homicide",
            "received_on": "2023-04-27", "provider": "N07", "is_high_profile": False,
            "parallel_reviews": [{"type": "domestic_homicide_review", "status": "in_progress"}],
            "local_team_email": "sfo.london@example.org"}
    if "region" in overrides and "provider" not in overrides:
        data["provider"] = None  # N07 is London's provider; another region has its own (the default)
    data.update(overrides)
    return data
