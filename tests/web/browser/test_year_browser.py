"""The year in review in a real browser: an inspector records themes and a learning point on a QA
(saved with the draft); a manager opens the year, writes a section's narrative and publishes; the
published PDF's text has the figures and no review reference."""
from __future__ import annotations

import io

import pypdf
import pytest
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from sfoflow.db import transaction
from sfoflow.models.year import YearPublication
from sfoflow.services import learning, lifecycle
from tests.support.browser import click, find, go, sign_in, submit
from tests.support.reviews import allocate, register
from tests.support.year import build_year

pytestmark = pytest.mark.browser
PASSWORD = "password-123"


def test_inspector_records_learning_manager_publishes_the_year(browser, session, make_user):
    central, _ = make_user("central_team", name="Cara Central")
    inspector, _ = make_user("inspector", name="Ivy Inspector")
    manager, _ = make_user("manager", name="Max Manager")
    review = register(session, central, reference="SFO/2024/0909", region="wales",
                      local_team_email="sfo.wales@example.org")
    allocate(session, review, central, inspector, manager)
    with transaction(session):
        lifecycle.apply_action(session, review, "start", inspector, version=review.version)

    sign_in(browser, inspector)
    go(browser, f"/reviews/{review.id}/qa")
    click(browser, find(browser, "#learning-theme-risk_assessment"))
    click(browser, find(browser, "#learning-theme-mappa"))
    text = find(browser, "#learning_points-text-1")
    click(browser, text)
    text.send_keys("MAPPA level should have been reviewed after the arrest.")
    Select(find(browser, "#learning_points-level-1")).select_by_visible_text("National")
    Select(find(browser, "#learning_points-plan-1")).select_by_visible_text("Yes")
    submit(browser, find(browser, "#save-draft"))
    assert "Draft saved" in find(browser, "#flash-success").text
    assert find(browser, "#learning-theme-risk_assessment").is_selected()
    assert find(browser, "#learning-theme-mappa").is_selected()
    assert find(browser, "#learning_points-text-1").get_attribute("value") == \
        "MAPPA level should have been reviewed after the arrest."
    session.expire_all()
    saved = learning.view(session, review, inspector)
    assert [t["label"] for t in saved["themes"]] == ["Risk assessment", "MAPPA"]
    assert [(p["level"], p["in_action_plan"]) for p in saved["learning_points"]] == [("national", True)]

    build_year(session)  # 60 QA'd reviews in April 2023 - March 2024 (tests/support/year.py)
    sign_in(browser, manager)
    go(browser, "/years/2023")
    assert find(browser, "h1").text == "April 2023 to March 2024"
    assert find(browser, "#chart-ratings-caption") is not None
    narrative = find(browser, "#narrative-ratings")
    click(browser, narrative)
    narrative.send_keys("Most reviews were rated Good; analysis of reviewing was the weakest area.")
    submit(browser, find(browser, "#save-narrative-ratings"))
    assert "Narrative saved" in find(browser, "#flash-success").text
    submit(browser, find(browser, "#publish-summary"))
    assert "Published as version 1" in find(browser, "#flash-success").text
    assert "Most reviews were rated Good" in find(browser, "article").text

    pub = session.scalar(select(YearPublication).where(YearPublication.year == 2023))
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pub.pdf)).pages)
    assert "Most reviews were rated Good" in pdf_text
    assert "Large majority" in pdf_text and "Requires improvement" in pdf_text and "37" in pdf_text
    assert "SFO/" not in pdf_text and "Leakwood" not in pdf_text
