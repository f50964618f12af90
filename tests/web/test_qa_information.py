"""The information section page: staff interviewed by role, period, diversity, sharing; a
high-profile mismatch offers a query, which the central team is told of."""
from __future__ import annotations

from sqlalchemy import select

from sfoflow.models.notifications import Notification
from sfoflow.services.lifecycle import apply_action
from tests.support.core import make_person, make_review
from tests.support.web import post_form, text


def test_record_the_section_and_raise_a_query_on_a_mismatch(signed_in, session):
    client, inspector = signed_in("inspector")
    central, _ = make_person(session, "central_team")
    review = make_review(session, state="allocated", inspector=inspector, is_high_profile=False)
    apply_action(session, review, "start", inspector, version=review.version)
    session.commit()
    url = f"/reviews/{review.id}/qa/information"
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "The head of the LDU" in body and "9 things still to record" in body
    assert 'id="high_profile-2" name="high_profile" type="radio" value="no" checked' in page.get_data(as_text=True)

    version = page.get_data(as_text=True).split('name="version" value="')[1].split('"')[0]
    data = {"version": version, "high_profile": "yes", "parallel_reviews": "no",
            "staff-responsible_officers": "interviewed", "staff-oversight_managers": "interviewed",
            "staff-support_officers": "not_involved", "staff-head_of_ldu": "not_interviewed",
            "staff-head_of_ldu-reason": "on long-term leave", "staff-programme_staff": "not_involved",
            "period_start-day": "3", "period_start-month": "6", "period_start-year": "2019",
            "period_end-day": "14", "period_end-month": "2", "period_end-year": "2021",
            "diversity": "omitted", "diversity-note": "no mention of disability", "share_with_victim": "yes"}
    resp = post_form(client, url, url, data)
    assert resp.status_code == 302, text(resp)
    page = client.get(url)
    body = text(page)
    assert "Information section saved." in body and "still to record" not in body
    assert "Your answer on high-profile status differs from the central team's" in body
    assert "Your answer differs" in text(client.get(f"/reviews/{review.id}/qa"))

    resp = post_form(client, url, f"/reviews/{review.id}/qa/high-profile-query", {"reason": "national press"})
    assert resp.status_code == 302
    assert "Your high-profile query is with the central team." in text(client.get(url))
    told = session.scalars(select(Notification).where(Notification.kind == "high_profile_query")).all()
    assert [n.recipient_email for n in told] == [central.email]


def test_a_bad_date_is_shown_beside_its_field(signed_in, session):
    client, inspector = signed_in("inspector")
    review = make_review(session, state="allocated", inspector=inspector)
    apply_action(session, review, "start", inspector, version=review.version)
    session.commit()
    url = f"/reviews/{review.id}/qa/information"
    page = client.get(url)
    version = page.get_data(as_text=True).split('name="version" value="')[1].split('"')[0]
    resp = post_form(client, url, url, {"version": version, "period_start-day": "31", "period_start-month": "2",
                                        "period_start-year": "2021"})
    assert resp.status_code == 422
    assert "The start of the period under review must be a real date" in text(resp)
    assert 'href="#period_start-day"' in resp.get_data(as_text=True)
