"""The year in review pages through the test client: the year (with its charts and tables),
the year to date, choosing sections and publishing, the published page and its downloads, the
themes admins manage, and the central team's amendment outcomes."""
from __future__ import annotations

from sfoflow.db import transaction
from sfoflow.models.year import LearningEntry
from sfoflow.services import learning, lifecycle
from tests.support import clock
from tests.support.reviews import allocate, register
from tests.support.web import post_form, text
from tests.support.year import build_year


def test_year_page_sections_publish_and_downloads(signed_in, session):
    build_year(session)
    client, _ = signed_in("manager", name="Mona Manager")
    page = client.get("/years/2023")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.count("<svg role=\"img\"") == 3  # ratings, timeliness, themes: each beside its table
    assert 'id="ratings-national"' in body and "Large majority" in body
    assert "National learning from SFO/LEAK/0000" in body  # staff page: the free text, marked never published
    post_form(client, "/years/2023", "/years/2023/narratives/ratings", {"text": "First draft."})
    post_form(client, "/years/2023", "/years/2023/narratives/ratings", {"text": "Second draft."})
    page = client.get("/years/2023")
    assert 'id="history-ratings"' in page.get_data(as_text=True) and "First draft." in text(page)
    resp = post_form(client, "/years/2023", "/years/2023/sections", {"sections": ["ratings", "themes"]})
    assert resp.status_code == 302
    resp = post_form(client, "/years/2023", "/years/2023/publish", {})
    assert resp.headers["Location"].endswith("/years/2023/published/1")
    published = client.get("/years/2023/published/1")
    words = text(published)
    assert "Ratings" in words and "Emerging themes" in words and "Timeliness" not in words
    assert "SFO/LEAK" not in words and "National learning from" not in words
    assert client.get("/years/2023/published/1.pdf").data.startswith(b"%PDF")
    csv = client.get("/years/2023/published/1.csv").get_data(as_text=True)
    assert "SFO/LEAK" not in csv and csv.count("\r\n") == 62
    assert "Year to date" in text(client.get("/years/to-date"))


def test_inspector_may_not_open_the_year(signed_in):
    client, _ = signed_in("inspector")
    assert client.get("/years/2023").status_code == 403


def test_admin_adds_and_retires_a_theme(signed_in, session):
    client, _ = signed_in("admin")
    resp = post_form(client, "/admin/themes", "/admin/themes", {"label": "Substance misuse"})
    assert resp.status_code == 302
    resp = post_form(client, "/admin/themes", "/admin/themes", {"label": "  "})
    assert resp.status_code == 422 and "Enter the theme" in text(resp)
    post_form(client, "/admin/themes", "/admin/themes/mappa/retire", {})
    themes = {t.key: t for t in learning.all_themes(session)}
    assert themes["substance_misuse"].retired_at is None and themes["mappa"].retired_at is not None


def test_central_team_records_an_amendment_outcome(signed_in, session, make_user):
    client, central = signed_in("central_team")
    inspector, _ = make_user("inspector")
    review = register(session, central, reference="SFO/2024/0202")
    allocate(session, review, central, inspector)
    with transaction(session):
        lifecycle.apply_action(session, review, "start", inspector, version=review.version)
        learning.save(session, review, inspector, {"amendments": [{"text": "Name the missed referral"}]})
    page = client.get("/learning/amendments")
    assert "Name the missed referral" in text(page)
    entry = session.query(LearningEntry).one()
    resp = post_form(client, "/learning/amendments", f"/learning/amendments/{entry.id}",
                     {"outcome": "amended", "outcome_on": "2024-02-01"})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(LearningEntry, entry.id).outcome == "amended"
    assert "Amended on 1 February 2024" in text(client.get("/learning/amendments"))


def test_year_to_date_counts_this_years_reviews_so_far(signed_in, session):
    from tests.support.year import add_qa

    for i in range(6):
        add_qa(session, 700 + i, received_on=clock.today(), region="wales", rating="good", on_time=True)
    session.commit()
    client, _ = signed_in("manager")
    words = text(client.get("/years/to-date"))
    assert "Reviews quality assured by HMIP (n) 6" in words
    assert "Rated Good or Outstanding overall 100%" in words
    assert "Sent within 15 working days of receipt (against the original due date) 100%" in words
