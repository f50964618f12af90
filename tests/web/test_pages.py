"""The web pages through Flask's test client: sign-in, roles, CSRF, errors, the review pages and forms.

CSRF stays on: every POST here carries the token the page gave, as a browser would.
"""
from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sfoflow.models import AuditEvent, HealthCheck, Review
from sfoflow.services import settings as settings_svc
from sfoflow.workflows import lifecycle as lc
from tests.support import clock
from tests.support.reviews import allocate, register, select_for_hmip
from tests.support.web import PASSWORD, post_form, sign_in, text, token
from tests.support.worker import wait_for

# --- sign-in, sign-out, redirects ----------------------------------------------------------------

def test_sign_in_page_is_accessible_govuk_page(client):
    resp = client.get("/sign-in")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<title>Sign in – sfoflow</title>" in body
    assert 'href="#main-content"' in body and 'id="main-content"' in body  # skip link and its target
    assert '<label class="govuk-label" for="email">' in body and 'for="password"' in body
    assert "govuk-frontend.min.css" in body


def test_anonymous_person_is_sent_to_sign_in(client):
    resp = client.get("/reviews?region=london")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/sign-in?next=")


def test_blank_sign_in_names_both_fields(client):
    page = client.get("/sign-in")
    resp = client.post("/sign-in", data={"email": "", "password": "", "csrf_token": token(page)})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "<title>Error: Sign in – sfoflow</title>" in body
    assert '<a href="#email">Enter your email address</a>' in body
    assert '<a href="#password">Enter your password</a>' in body


@pytest.mark.parametrize("wrong", ["password", "email"])
def test_wrong_password_or_unknown_email_gives_the_same_answer(client, make_user, wrong):
    user, _ = make_user(lc.MANAGER)
    page = client.get("/sign-in")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token(page)}
    data[wrong] = "nobody@example.org" if wrong == "email" else "not-the-password"
    resp = client.post("/sign-in", data=data)
    assert resp.status_code == 400
    assert '<a href="#email">The email address or password is not right</a>' in resp.get_data(as_text=True)
    assert client.get("/reviews").status_code == 302  # still signed out


def test_inactive_user_cannot_sign_in(client, make_user, session):
    user, _ = make_user(lc.INSPECTOR)
    user.is_active = False
    session.commit()
    assert sign_in(client, user).status_code == 400


def test_sign_in_then_sign_out(client, make_user):
    user, _ = make_user(lc.MANAGER, name="Maya Manager")
    resp = sign_in(client, user)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    page = client.get("/reviews")
    assert "You are signed in as Maya Manager." in text(page)
    resp = client.post("/sign-out", data={"csrf_token": token(page)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/sign-in"
    assert "You have signed out." in text(client.get("/sign-in"))
    assert client.get("/reviews").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example", "/%0d%0a//evil.example"])
def test_next_never_leaves_the_site(client, make_user, target):
    user, _ = make_user(lc.MANAGER)
    resp = sign_in(client, user, next_url=target)  # "%0d%0a" arrives decoded: a CR LF before "//"
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location == "/", location


def test_next_to_a_page_on_this_site_is_followed(client, make_user):
    user, _ = make_user(lc.MANAGER)
    resp = sign_in(client, user, next_url="/reviews?region=london")
    assert resp.headers["Location"] == "/reviews?region=london"


# --- CSRF ---------------------------------------------------------------------------------------

def test_post_without_csrf_token_is_refused(client, make_user):
    user, _ = make_user(lc.MANAGER)
    resp = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 400
    assert "The form had expired" in text(resp)
    assert client.get("/reviews").status_code == 302  # not signed in


def test_action_without_csrf_token_changes_nothing(signed_in, make_user, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    review = register(session, central)
    resp = client.post(f"/reviews/{review.id}/actions/withdraw", data={"version": review.version, "reason": "x"})
    assert resp.status_code == 400
    session.refresh(review)
    assert review.state != lc.WITHDRAWN


# --- the header and navigation by role ------------------------------------------------------------

NAV_RE = re.compile(r'class="govuk-service-navigation__link" href="([^"]+)"')

EXPECTED_NAV = {  # what each role must find in the navigation, and what it must not
    lc.CENTRAL_TEAM: ({"/reviews", "/reviews/new", "/reviews/import"}, {"/admin/status"}),
    lc.INSPECTOR: ({"/reviews"}, {"/reviews/new", "/reviews/import", "/admin/status"}),
    lc.MANAGER: ({"/reviews"}, {"/reviews/new", "/reviews/import", "/admin/status"}),
    lc.ADMIN: ({"/reviews", "/admin/status"}, {"/reviews/new", "/reviews/import"}),
}
ROLE_LABELS = {lc.CENTRAL_TEAM: "Central team (HMPPS SFO team)", lc.INSPECTOR: "Inspector (HMIP)",
               lc.MANAGER: "Manager (HMIP)", lc.ADMIN: "Admin"}


@pytest.mark.parametrize("role", sorted(EXPECTED_NAV))
def test_header_shows_who_and_role_and_the_role_navigation(signed_in, role):
    client, user = signed_in(role, name=f"Pat {role}")
    resp = client.get("/reviews")
    assert f"Signed in as Pat {role} ({user.email}) – {ROLE_LABELS[role]}" in text(resp)
    links = set(NAV_RE.findall(resp.get_data(as_text=True)))
    must, must_not = EXPECTED_NAV[role]
    assert must <= links and not (must_not & links), links


@pytest.mark.parametrize("role,url,status", [
    (lc.INSPECTOR, "/reviews/new", 403), (lc.MANAGER, "/reviews/import", 403), (lc.CENTRAL_TEAM, "/admin/status", 403),
    (lc.ADMIN, "/reviews/new", 403), (lc.CENTRAL_TEAM, "/reviews/new", 200), (lc.ADMIN, "/admin/status", 200),
])
def test_pages_are_open_only_to_their_roles(signed_in, role, url, status):
    client, _ = signed_in(role)
    resp = client.get(url)
    assert resp.status_code == status
    if status == 403:
        assert "You do not have access to this page" in text(resp)


# --- error pages --------------------------------------------------------------------------------

def test_404_page_and_json_404_for_the_api(signed_in):
    client, _ = signed_in(lc.MANAGER)
    resp = client.get("/no-such-page")
    assert resp.status_code == 404 and "Page not found" in text(resp)
    assert "<title>Page not found – sfoflow</title>" in resp.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json["error"]["status"] == 404


def test_405_page(signed_in):
    client, _ = signed_in(lc.MANAGER)
    resp = client.get("/sign-out")
    assert resp.status_code == 405 and "That action is not allowed here" in text(resp)


def test_unknown_review_is_a_404_page(signed_in):
    client, _ = signed_in(lc.MANAGER)
    resp = client.get("/reviews/999999")
    assert resp.status_code == 404 and "Page not found" in text(resp)


# --- review list ----------------------------------------------------------------------------------

def test_inspector_sees_only_the_reviews_allocated_to_them(signed_in, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    client, mine = signed_in(lc.INSPECTOR)
    other, _ = make_user(lc.INSPECTOR)
    a = allocate(session, register(session, central, reference="MINE-1"), central, mine)
    b = allocate(session, register(session, central, reference="THEIRS-1"), central, other)
    register(session, central, reference="NOBODYS-1")
    page = text(client.get("/reviews"))
    assert "MINE-1" in page and "THEIRS-1" not in page and "NOBODYS-1" not in page
    assert "Showing 1 to 1 of 1 review" in page
    assert client.get(f"/reviews/{a.id}").status_code == 200
    assert client.get(f"/reviews/{b.id}").status_code == 404  # not "forbidden": not even its existence


def test_list_shows_due_date_deadline_and_markers(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    # Received 27 April 2023: due 22 May 2023 (domain.md). Long past, so an open HMIP QA is overdue.
    review = select_for_hmip(session, register(session, central, reference="OLD-1", is_high_profile=True))
    register(session, central, reference="NEW-1", received_on=clock.today().isoformat(), parallel_reviews=[])
    resp = client.get("/reviews")
    body, page = resp.get_data(as_text=True), text(resp)
    row = re.search(r'<tr class="govuk-table__row" data-reference="OLD-1">(.*?)</tr>', body, re.S).group(1)
    assert "22 May 2023" in row and "27 April 2023" in row
    assert "High profile" in row and "Parallel review" in row
    assert re.search(r"govuk-tag--red\">\s*\d+ working days overdue", row)
    assert "Selected for HMIP" in html.unescape(row)
    assert "Showing 1 to 2 of 2 reviews" in page and "1 overdue" in page
    new_row = re.search(r'data-reference="NEW-1">(.*?)</tr>', body, re.S).group(1)
    assert "High profile" not in new_row and "Parallel review" not in new_row
    assert review.id


def test_list_filters(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    register(session, central, reference="LON-1", region="london")
    register(session, central, reference="WAL-1", region="wales", offence_category="arson_endangering_life")
    register(session, central, reference="WAL-2", region="wales", is_high_profile=True)

    def refs(query):
        return set(re.findall(r'data-reference="([^"]+)"', client.get("/reviews?" + query).get_data(as_text=True)))

    assert refs("region=wales") == {"WAL-1", "WAL-2"}
    assert refs("region=wales&high_profile=false") == {"WAL-1"}
    assert refs("high_profile=true") == {"WAL-2"}
    assert refs("q=lon") == {"LON-1"}
    assert refs("offence_category=arson_endangering_life") == {"WAL-1"}
    assert refs("region=&q=") == {"LON-1", "WAL-1", "WAL-2"}  # blank filters mean "any"


def test_bad_filter_is_named_and_ignored(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    register(session, central, reference="LON-1")
    resp = client.get("/reviews?region=atlantis")
    assert resp.status_code == 400
    assert "There is no region called \u201catlantis\u201d. Enter one of: East Midlands" in text(resp)
    assert 'data-reference="LON-1"' in resp.get_data(as_text=True)


def test_pagination(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    settings_svc.set_value(session, "page_size_default", 2)
    session.commit()
    for n in range(5):  # received on successive days: due dates in this order
        register(session, central, reference=f"P-{n}", received_on=(date(2023, 3, 1) + timedelta(days=n)).isoformat())
    first = client.get("/reviews?region=london")
    body = first.get_data(as_text=True)
    assert re.findall(r'data-reference="([^"]+)"', body) == ["P-0", "P-1"]
    assert "Showing 1 to 2 of 5 reviews" in text(first)
    assert 'href="/reviews?region=london&amp;page=3"' in body  # last page, keeping the filter
    last = client.get("/reviews?region=london&page=3")
    assert re.findall(r'data-reference="([^"]+)"', last.get_data(as_text=True)) == ["P-4"]


# --- review page, actions, audit trail --------------------------------------------------------------

def test_review_page_shows_summary_actions_and_audit(signed_in, make_user, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    inspector, _ = make_user(lc.INSPECTOR, name="Ivy Inspector")
    gone, _ = make_user(lc.INSPECTOR, name="Gone Inspector")
    gone.is_active = False
    session.commit()
    review = select_for_hmip(session, register(session, central))
    resp = client.get(f"/reviews/{review.id}")
    page, body = text(resp), resp.get_data(as_text=True)
    for expected in ("Review SFO/2023/0001", "London", "Homicide", "N07", "27 April 2023", "22 May 2023",
                     "sfo.london@example.org", "Domestic homicide review", "Selected for HMIP"):
        assert expected in page, expected
    assert 'id="action-allocate"' in body and 'id="action-withdraw"' in body
    select_html = re.search(r'<select[^>]*id="inspector_id-allocate".*?</select>', body, re.S).group(0)
    assert "Ivy Inspector" in select_html and "Gone Inspector" not in select_html
    assert '<label class="govuk-label" for="inspector_id-allocate">' in body
    audit = re.search(r'<table class="govuk-table sfo-table" id="audit">.*?</table>', body, re.S).group(0)
    assert "Registered" in audit and central.email in audit


def test_allocate_button_changes_state_and_audit(signed_in, make_user, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    inspector, _ = make_user(lc.INSPECTOR, name="Ivy Inspector")
    review = select_for_hmip(session, register(session, central))
    url = f"/reviews/{review.id}"
    resp = post_form(client, url, f"{url}/actions/allocate", {"version": review.version, "inspector_id": inspector.id})
    assert resp.status_code == 302
    session.refresh(review)
    assert review.state == lc.ALLOCATED and review.inspector_id == inspector.id
    page = text(client.get(url))
    assert "Allocate: done. Review SFO/2023/0001 is now allocated." in page
    assert "Ivy Inspector" in page
    event = session.scalars(select(AuditEvent).where(AuditEvent.review_id == review.id)
                            .order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.from_state, event.to_state, event.actor_id) == (
        "allocate", lc.SELECTED_FOR_HMIP, lc.ALLOCATED, central.id)
    assert "Allocate to Ivy Inspector" in page


def test_refusal_lists_reasons_and_changes_nothing(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    review = select_for_hmip(session, register(session, central))
    url = f"/reviews/{review.id}"
    resp = post_form(client, url, f"{url}/actions/allocate", {"version": review.version})
    assert resp.status_code == 422
    assert '<a href="#inspector_id-allocate">Select an inspector</a>' in resp.get_data(as_text=True)
    resp = post_form(client, url, f"{url}/actions/withdraw", {"version": review.version, "reason": "  "})
    assert resp.status_code == 422
    assert '<a href="#reason-withdraw">Enter the reason to withdraw</a>' in resp.get_data(as_text=True)
    session.refresh(review)
    assert review.state == lc.SELECTED_FOR_HMIP


def test_stale_form_is_refused_and_shows_latest(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    review = select_for_hmip(session, register(session, central))
    stale = review.version - 1
    resp = post_form(client, f"/reviews/{review.id}", f"/reviews/{review.id}/actions/withdraw",
                     {"version": stale, "reason": "duplicate"})
    assert resp.status_code == 409
    assert "Someone else changed this review while you were working" in text(resp)
    assert f'name="version" value="{review.version}"' in resp.get_data(as_text=True)
    session.refresh(review)
    assert review.state == lc.SELECTED_FOR_HMIP


def test_inspector_starts_their_review(signed_in, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    client, inspector = signed_in(lc.INSPECTOR)
    review = allocate(session, register(session, central), central, inspector)
    url = f"/reviews/{review.id}"
    assert 'id="action-allocate"' not in client.get(url).get_data(as_text=True)
    resp = post_form(client, url, f"{url}/actions/start", {"version": review.version})
    assert resp.status_code == 302
    session.refresh(review)
    assert review.state == lc.IN_QA


def test_admin_may_look_but_has_no_actions(signed_in, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    client, _ = signed_in(lc.ADMIN)
    review = register(session, central)
    resp = client.get(f"/reviews/{review.id}")
    assert 'id="no-actions"' in resp.get_data(as_text=True)
    resp = post_form(client, f"/reviews/{review.id}", f"/reviews/{review.id}/actions/withdraw",
                     {"version": review.version, "reason": "no"})
    assert resp.status_code == 403
    assert "Cannot withdraw: the Admin role may not &#39;Withdraw&#39;" in resp.get_data(as_text=True)


# --- central team edits, manager extensions -----------------------------------------------------------

def test_central_team_sets_high_profile_with_reason(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    review = register(session, central)
    url = f"/reviews/{review.id}"
    resp = post_form(client, url, f"{url}/high-profile", {"version": review.version, "is_high_profile": "true"})
    assert resp.status_code == 422
    assert '<a href="#hp-reason">Enter the reason for the change</a>' in resp.get_data(as_text=True)
    resp = post_form(client, url, f"{url}/high-profile",
                     {"version": review.version, "is_high_profile": "true", "reason": "national press"})
    assert resp.status_code == 302
    session.refresh(review)
    assert review.is_high_profile is True
    page = text(client.get(url))
    assert "High-profile flag changed" in page and "national press" in page and "high profile no → yes" in page


def test_central_team_replaces_parallel_reviews(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    review = register(session, central)
    url = f"/reviews/{review.id}"
    resp = post_form(client, url, f"{url}/parallel-reviews", {
        "version": review.version, "reason": "police told us",
        "parallel-domestic_homicide_review-status": "completed",
        "parallel-mappa_serious_case_review-status": "planned",
        "parallel-mappa_serious_case_review-notes": "panel in June"})
    assert resp.status_code == 302, text(resp)
    session.refresh(review)
    assert sorted((p.type, p.status, p.notes) for p in review.parallel_reviews) == [
        ("domestic_homicide_review", "completed", None), ("mappa_serious_case_review", "planned", "panel in June")]


def test_notes_without_a_status_are_refused(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    review = register(session, central)
    url = f"/reviews/{review.id}"
    resp = post_form(client, url, f"{url}/parallel-reviews", {
        "version": review.version, "reason": "x", "parallel-other-notes": "something"})
    assert resp.status_code == 422
    assert 'href="#pr-parallel-other-status"' in resp.get_data(as_text=True)


def test_manager_grants_an_extension(signed_in, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    client, manager = signed_in(lc.MANAGER)
    review = select_for_hmip(session, register(session, central))
    url = f"/reviews/{review.id}"
    # Saturday 27 May 2023 is not a working day; Tuesday 30 May 2023 is (29 May was a bank holiday).
    resp = post_form(client, url, f"{url}/extensions", {"version": review.version, "reason": "illness",
                                                        "new_due_on-day": "27", "new_due_on-month": "5",
                                                        "new_due_on-year": "2023"})
    assert resp.status_code == 422
    assert '<a href="#ext-new_due_on-day">New due date: must be a working day</a>' in resp.get_data(as_text=True)
    resp = post_form(client, url, f"{url}/extensions", {"version": review.version, "reason": "illness",
                                                        "new_due_on-day": "30", "new_due_on-month": "5",
                                                        "new_due_on-year": "2023"})
    assert resp.status_code == 302
    session.refresh(review)
    assert review.due_on == date(2023, 5, 30) and review.original_due_on == date(2023, 5, 22)
    page = text(client.get(url))
    assert "Original due date 22 May 2023" in page and "Extension granted" in page


def test_extension_date_must_be_a_real_date(signed_in, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    client, _ = signed_in(lc.MANAGER)
    review = select_for_hmip(session, register(session, central))
    url = f"/reviews/{review.id}"
    resp = post_form(client, url, f"{url}/extensions", {"version": review.version, "reason": "illness",
                                                        "new_due_on-day": "31", "new_due_on-month": "2",
                                                        "new_due_on-year": "2023"})
    assert resp.status_code == 422
    assert "The new due date must be a real date" in text(resp)


def test_only_central_team_edits_and_only_managers_extend(signed_in, make_user, session):
    central, _ = make_user(lc.CENTRAL_TEAM)
    client, _ = signed_in(lc.MANAGER)
    review = register(session, central)
    resp = post_form(client, f"/reviews/{review.id}", f"/reviews/{review.id}/high-profile",
                     {"version": review.version, "is_high_profile": "true", "reason": "x"})
    assert resp.status_code == 403
    assert 'id="form-high-profile"' not in client.get(f"/reviews/{review.id}").get_data(as_text=True)


# --- register and import ----------------------------------------------------------------------------

def test_register_a_review_through_the_form(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    resp = post_form(client, "/reviews/new", "/reviews/new", {
        "reference": "SFO/2023/0099", "region": "london", "offence_category": "homicide",
        "received_on-day": "27", "received_on-month": "4", "received_on-year": "2023",
        "local_team_email": "sfo.london@example.org", "is_high_profile": "false",
        "parallel-safeguarding_adults_review-status": "in_progress"})
    assert resp.status_code == 302, text(resp)
    review = session.scalar(select(Review).where(Review.reference == "SFO/2023/0099"))
    assert resp.headers["Location"] == f"/reviews/{review.id}"
    assert review.due_on == date(2023, 5, 22) and review.provider == "N07" and review.created_by_id == central.id
    assert [(p.type, p.status) for p in review.parallel_reviews] == [("safeguarding_adults_review", "in_progress")]
    page = text(client.get(resp.headers["Location"]))
    assert "Review SFO/2023/0099 registered. It is due on 22 May 2023." in page


def test_register_form_names_every_problem(signed_in):
    client, _ = signed_in(lc.CENTRAL_TEAM)
    resp = post_form(client, "/reviews/new", "/reviews/new", {"reference": "bad ref!", "local_team_email": "nope"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    links = re.findall(r'<li>\s*<a href="#([^"]+)">', body)
    assert links == ["reference", "region", "offence_category", "received_on-day", "local_team_email"]
    assert "Select the region" in body and "Enter the date the review was received" in body
    assert 'value="bad ref!"' in body  # what was typed is kept


def test_register_refuses_a_future_date_and_a_duplicate(signed_in, session):
    client, central = signed_in(lc.CENTRAL_TEAM)
    register(session, central, reference="DUP-1")
    tomorrow = clock.today() + timedelta(days=2)
    resp = post_form(client, "/reviews/new", "/reviews/new", {
        "reference": "DUP-1", "region": "london", "offence_category": "homicide",
        "received_on-day": str(tomorrow.day), "received_on-month": str(tomorrow.month),
        "received_on-year": str(tomorrow.year), "local_team_email": "a@example.org"})
    assert resp.status_code == 422
    assert 'href="#received_on-day">Date received: must not be in the future' in resp.get_data(as_text=True)
    resp = post_form(client, "/reviews/new", "/reviews/new", {
        "reference": "DUP-1", "region": "london", "offence_category": "homicide",
        "received_on-day": "2", "received_on-month": "5", "received_on-year": "2023",
        "local_team_email": "a@example.org"})
    assert resp.status_code == 409 or resp.status_code == 422
    assert "Reference: DUP-1 is already registered" in resp.get_data(as_text=True)


CSV_OK = ("reference,region,offence_category,received_on,local_team_email\n"
          "CSV-1,london,homicide,2023-04-27,a@example.org\n"
          "CSV-2,N03,attempted_murder,2023-04-29,b@example.org\n")


def test_import_csv(signed_in, session):
    client, _ = signed_in(lc.CENTRAL_TEAM)
    resp = post_form(client, "/reviews/import", "/reviews/import", {"file": (io.BytesIO(CSV_OK.encode()), "r.csv")})
    assert resp.status_code == 302
    due = dict(session.execute(select(Review.reference, Review.due_on)).all())
    assert due == {"CSV-1": date(2023, 5, 22), "CSV-2": date(2023, 5, 24)}  # domain.md's two examples
    assert "Imported 2 reviews: CSV-1, CSV-2." in text(client.get("/reviews"))


def test_import_csv_lists_each_bad_row_and_imports_nothing(signed_in, session):
    client, _ = signed_in(lc.CENTRAL_TEAM)
    bad = CSV_OK + "CSV-3,atlantis,homicide,2023-13-01,c@example.org\n"
    resp = post_form(client, "/reviews/import", "/reviews/import", {"file": (io.BytesIO(bad.encode()), "r.csv")})
    assert resp.status_code == 422
    rows = re.findall(r'<tr class="govuk-table__row">\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]*)</td>',
                      resp.get_data(as_text=True))
    assert ("4", "region") in rows and ("4", "received_on") in rows
    assert session.scalar(select(Review.id)) is None


def test_import_without_a_file(signed_in):
    client, _ = signed_in(lc.CENTRAL_TEAM)
    resp = post_form(client, "/reviews/import", "/reviews/import", {})
    assert resp.status_code == 422
    assert '<a href="#file">Select a CSV file to import</a>' in resp.get_data(as_text=True)


# --- system status ------------------------------------------------------------------------------

def _queue(app):
    celery = app.extensions["celery"]
    conn = celery.connection_for_read()
    return conn, conn.SimpleQueue(celery.conf.task_default_queue)


def test_status_page_sends_a_test_task_and_shows_who_ran_it(signed_in, session, app):
    client, admin = signed_in(lc.ADMIN, name="Ada Admin")
    conn, queue = _queue(app)
    queue.clear()  # earlier tests' messages (this run's throwaway broker)
    page = client.get("/admin/status")
    assert re.search(r'id="check-database">.*?OK', page.get_data(as_text=True), re.S)
    assert re.search(r'id="check-migrations">.*?OK', page.get_data(as_text=True), re.S)
    resp = client.post("/admin/status/checks", data={"csrf_token": token(page)})
    assert resp.status_code == 302
    check = session.scalar(select(HealthCheck))
    assert check.requested_by_id == admin.id and check.completed_at is None
    assert "Waiting for a worker" in text(client.get("/admin/status"))

    # The message really went to the broker, after the commit, for this check.
    def sent_or_done():
        """The message is on the queue, or a worker (if one runs in this test session) already did it."""
        try:
            message = queue.get(block=False)
        except queue.Empty:
            message = None
        if message is not None:
            message.ack()
            if (message.headers["task"], message.decode()[0]) == ("sfoflow.health.ping", [check.id]):
                return "queued"
        session.expire_all()
        return "done" if session.get(HealthCheck, check.id).completed_at else None

    try:
        outcome = wait_for(sent_or_done, 15)
    finally:
        queue.close()
        conn.release()
    assert outcome, "the task was never sent"
    if outcome == "queued":  # no worker here: run the task's code in this process
        app.extensions["celery"].tasks["sfoflow.health.ping"].apply(args=[check.id])
    page = text(client.get("/admin/status"))
    assert re.search(r"Done by \S+ .* at \d+ \w+ \d{4} at \d+:\d\d[ap]m", page), page


def test_unexpected_error_is_the_500_page_or_json_for_the_api(app):
    """With TESTING on Flask re-raises; switch that off to see what a person would get."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        for path, is_api in (("/reviews", False), ("/api/v1/reviews", True)):
            with app.test_request_context(path):
                try:
                    raise RuntimeError("boom")
                except RuntimeError as exc:
                    resp = app.handle_exception(exc)
            assert resp.status_code == 500
            if is_api:
                assert resp.json["error"]["status"] == 500
            else:
                assert "Sorry, there is a problem with the service" in resp.get_data(as_text=True)
                assert "boom" not in resp.get_data(as_text=True)  # nothing internal is shown
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None


# --- `sfoflow assets` ----------------------------------------------------------------------------

def _fake_package(root, version="6.3.0", lock_version="6.3.0"):
    """A node_modules tree shaped like govuk-frontend's (the real one comes from npm)."""
    dist = root / "node_modules" / "govuk-frontend" / "dist" / "govuk"
    (dist / "assets" / "fonts").mkdir(parents=True)
    (dist / "assets" / "fonts" / "bold.woff2").write_bytes(b"font")
    (dist / "govuk-frontend.min.css").write_text("@font-face{src:url(/assets/fonts/bold.woff2)}")
    (dist / "govuk-frontend.min.js").write_text("export{initAll}")
    (root / "node_modules" / "govuk-frontend" / "package.json").write_text(f'{{"version": "{version}"}}')
    (root / "package-lock.json").write_text(
        f'{{"packages": {{"node_modules/govuk-frontend": {{"version": "{lock_version}"}}}}}}')


def test_assets_are_copied_with_font_urls_pointing_beside_the_css(tmp_path):
    from sfoflow.commands import assets

    _fake_package(tmp_path)
    target = tmp_path / "static" / "govuk"
    assert assets.needs_install(tmp_path) is False
    assert assets.ensure_assets(tmp_path, target, echo=lambda _m: None) == "6.3.0"
    assert (target / "govuk-frontend.min.css").read_text() == "@font-face{src:url(assets/fonts/bold.woff2)}"
    assert (target / "assets" / "fonts" / "bold.woff2").read_bytes() == b"font"
    assert (target / "VERSION").read_text().strip() == "6.3.0"


def test_assets_install_when_missing_or_stale_and_say_so_without_npm(tmp_path, monkeypatch):
    from sfoflow.commands import assets

    assert assets.needs_install(tmp_path) is True  # no node_modules at all
    _fake_package(tmp_path, version="6.2.0", lock_version="6.3.0")
    assert assets.needs_install(tmp_path) is True  # the lock file asks for another version
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm on this PATH
    with pytest.raises(assets.AssetsError, match="npm is not installed"):
        assets.ensure_assets(tmp_path, tmp_path / "static", echo=lambda _m: None)


def test_pages_render_without_the_assets(signed_in, app, tmp_path, monkeypatch):
    """No npm, no copied assets: the pages still work, unstyled."""
    monkeypatch.setattr(app, "static_folder", str(tmp_path))  # an empty static folder
    client, _ = signed_in(lc.MANAGER)
    resp = client.get("/reviews")
    assert resp.status_code == 200 and "Reviews" in text(resp)
    assert client.get("/static/govuk/govuk-frontend.min.css").status_code == 404


def test_withdraw_asks_are_you_sure_first(signed_in, session):
    """Issue 15: withdrawing cannot be undone, so the page asks first; only "Yes" withdraws."""
    client, central = signed_in(lc.CENTRAL_TEAM)
    review = select_for_hmip(session, register(session, central))
    url = f"/reviews/{review.id}"
    asked = post_form(client, url, f"{url}/actions/withdraw", {"version": review.version, "reason": "Sent twice"})
    assert asked.status_code == 200 and "Are you sure you want to withdraw this review?" in text(asked)
    session.refresh(review)
    assert review.state == lc.SELECTED_FOR_HMIP
    done = post_form(client, url, f"{url}/actions/withdraw",
                     {"version": review.version, "reason": "Sent twice", "confirm": "yes"})
    assert done.status_code == 302
    session.refresh(review)
    assert review.state == lc.WITHDRAWN
