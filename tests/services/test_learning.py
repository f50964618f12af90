"""Learning on a QA: themes seeded from config (the list issue 9 names), retire-not-delete, and
the optional rule that a QA is not submitted without a theme."""
from __future__ import annotations

import pytest

from sfoflow.assessment.framework import load_framework
from sfoflow.db import transaction
from sfoflow.services import assessment, learning, lifecycle, settings
from sfoflow.services.errors import ServiceError
from tests.support.assessment import complete_payload
from tests.support.reviews import allocate, register

# Issue 9: "risk assessment, risk management planning, domestic abuse enquiries, safeguarding children,
# safeguarding adults, professional curiosity, management oversight, MAPPA, recall and alternatives to
# recall, partnership working, workload and staffing, victim engagement, diversity".
SEEDED = ["Risk assessment", "Risk management planning", "Domestic abuse enquiries", "Safeguarding children",
          "Safeguarding adults", "Professional curiosity", "Management oversight", "MAPPA",
          "Recall and alternatives to recall", "Partnership working", "Workload and staffing", "Victim engagement",
          "Diversity"]


def test_themes_are_seeded_once_from_config(session):
    learning.ensure_themes(session)
    learning.ensure_themes(session)
    session.commit()
    assert [t.label for t in learning.all_themes(session)] == SEEDED


@pytest.fixture
def in_qa(session, make_user):
    central, _ = make_user("central_team")
    inspector, _ = make_user("inspector")
    review = register(session, central, reference="SFO/2024/0303")
    allocate(session, review, central, inspector)
    with transaction(session):
        lifecycle.apply_action(session, review, "start", inspector, version=review.version)
    with transaction(session):
        a = assessment.get(session, review)
        assessment.save_draft(session, review, inspector, complete_payload(load_framework("v1"), a.version))
    return review, inspector


def test_a_retired_theme_stays_on_past_qas(session, make_user, in_qa):
    review, inspector = in_qa
    admin, _ = make_user("admin")
    with transaction(session):
        learning.save(session, review, inspector, {"themes": ["mappa"]})
    with transaction(session):
        learning.retire_theme(session, admin, "mappa")
    with transaction(session):  # saved again with it: kept
        out = learning.save(session, review, inspector, {"themes": ["mappa", "diversity"]})
    assert [(t["label"], t["retired"]) for t in out["themes"]] == [("MAPPA", True), ("Diversity", False)]


def test_submit_needs_a_theme_when_the_setting_says_so(session, in_qa):
    review, inspector = in_qa
    with transaction(session):
        settings.set_value(session, "learning_themes_required", True)
    with pytest.raises(ServiceError) as refused:
        with transaction(session):
            lifecycle.apply_action(session, review, "submit", inspector, version=review.version)
    assert "Select at least one theme in the Learning section" in [r.message for r in refused.value.refusals]
    session.rollback()
    with transaction(session):
        learning.save(session, review, inspector, {"themes": ["risk_assessment"]})
    with transaction(session):
        lifecycle.apply_action(session, review, "submit", inspector, version=review.version)
    assert review.state == "awaiting_sign_off"
