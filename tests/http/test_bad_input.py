"""Issue 14 item 8: no input gives a server error. Each class of bad input the outside probe
found (ids and page numbers beyond the integer column, NUL bytes, lone surrogates, deeply nested
JSON, a CSV with carriage-return line endings or a field over 131,072 characters, the
notifications page 2) answers a 4xx naming the field, and writes nothing. The same on SQLite and
PostgreSQL (run with SFOFLOW_DATABASE_URL=postgresql+psycopg://...).

TESTING is on, so a server error would surface here as the exception itself.
"""
from __future__ import annotations

import io
from datetime import date

import pytest

from sfoflow.models import Absence, AuditEvent, Notification, Review
from sfoflow.workflows import lifecycle as lc
from tests.support.core import auth, count_rows, make_person, make_review
from tests.support.reviews import review_payload
from tests.support.web import post_form, text

BEYOND = 2**31  # one more than PostgreSQL's integer column holds
HEADER = "reference,region,offence_category,received_on,local_team_email\r"


@pytest.fixture
def central(session):
    return make_person(session, lc.CENTRAL_TEAM)[1]


def _fields(resp) -> dict:
    return resp.json["error"].get("fields") or {}


# --- ids and page numbers beyond the integer column ----------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/reviews/2147483648", "/api/v1/reviews/99999999999999999999",
                                 "/api/v1/reviews/2147483648/assessment"])
def test_an_id_beyond_the_column_is_not_found(client, central, url):
    assert client.get(url, headers=auth(central)).status_code == 404


@pytest.mark.parametrize("query,field", [
    (f"page={BEYOND}", "page"), (f"inspector_id={BEYOND}", "inspector_id"), (f"per_page={-BEYOND - 1}", "per_page"),
])
def test_a_query_number_beyond_the_column_names_the_field(client, central, query, field):
    resp = client.get(f"/api/v1/reviews?{query}", headers=auth(central))
    assert resp.status_code == 422 and field in _fields(resp), resp.json


def test_a_body_number_beyond_the_column_names_the_field_and_writes_nothing(client, session, central):
    review = make_review(session, state=lc.RECEIVED)
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/withdraw", headers=auth(central),
                       json={"version": BEYOND, "reason": "registered twice"})
    assert resp.status_code == 422 and "version" in _fields(resp)
    assert count_rows(session, AuditEvent) == 0


# --- NUL bytes, control characters and lone surrogates ------------------------------------------------

@pytest.mark.parametrize("bad", ["SFO/\x00/1", "ok\ud800", "bell\x07"])
def test_unprintable_text_in_a_review_is_refused_naming_the_field(client, session, central, bad):
    resp = client.post("/api/v1/reviews", headers=auth(central), json=review_payload(reference="SFO/X/1", provider=bad))
    assert resp.status_code == 422 and "provider" in _fields(resp), resp.json
    assert count_rows(session, Review) == 0


def test_a_lone_surrogate_in_a_nested_field_is_named_in_full(client, session, central):
    payload = review_payload(parallel_reviews=[{"type": "domestic_homicide_review", "status": "in_progress",
                                                "notes": "x\udfff"}])
    resp = client.post("/api/v1/reviews", headers=auth(central), json=payload)
    assert resp.status_code == 422 and "parallel_reviews.0.notes" in _fields(resp), resp.json
    assert count_rows(session, Review) == 0


def test_a_lone_surrogate_sent_as_a_json_escape_is_refused(client, session, central):
    body = ('{"reference": "SFO/X/2", "region": "london", "offence_category": "homicide", '
            '"received_on": "2023-04-27", "local_team_email": "a@example.org", "provider": "\\ud800"}')
    resp = client.post("/api/v1/reviews", headers={**auth(central), "Content-Type": "application/json"}, data=body)
    assert resp.status_code == 422 and "provider" in _fields(resp)
    assert count_rows(session, Review) == 0


def test_a_nul_byte_in_a_query_names_the_field(client, central):
    resp = client.get("/api/v1/reviews?q=a%00b", headers=auth(central))
    assert resp.status_code == 422 and "q" in _fields(resp)


def test_tabs_and_line_breaks_are_ordinary_text(client, session, central):
    review = make_review(session, state=lc.RECEIVED)
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/withdraw", headers=auth(central),
                       json={"version": review.version, "reason": "registered twice:\r\n\tsee SFO/1"})
    assert resp.status_code == 200, resp.json


def test_a_nul_byte_in_a_form_is_refused_on_the_page(signed_in, session):
    client, _ = signed_in(lc.CENTRAL_TEAM)
    resp = post_form(client, "/reviews/new", "/reviews/new", {
        "reference": "SFO/\x00", "region": "london", "offence_category": "homicide",
        "received_on-day": "27", "received_on-month": "4", "received_on-year": "2023",
        "local_team_email": "a@example.org"})
    assert 400 <= resp.status_code < 500
    assert count_rows(session, Review) == 0


# --- deeply nested JSON ----------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_refused(client, session, central, depth):
    body = "[" * depth + "]" * depth
    resp = client.post("/api/v1/reviews", headers={**auth(central), "Content-Type": "application/json"}, data=body)
    assert resp.status_code == 422 and "_body" in _fields(resp)
    assert count_rows(session, Review) == 0


# --- CSV imports -------------------------------------------------------------------------------------------

def _import(client, token, text_: str):
    return client.post("/api/v1/reviews/import", headers=auth(token),
                       data={"file": (io.BytesIO(text_.encode()), "r.csv")}, content_type="multipart/form-data")


def test_a_csv_with_carriage_return_line_endings_imports(client, session, central):
    csv_text = (HEADER + "CR-1,london,homicide,2023-04-27,a@example.org\r"
                + "CR-2,wales,homicide,2023-04-28,b@example.org\r")
    resp = _import(client, central, csv_text)
    assert resp.status_code == 201, resp.json
    assert sorted(resp.json["references"]) == ["CR-1", "CR-2"]


def test_a_csv_field_over_the_csv_modules_limit_names_the_field(client, session, central):
    long_reference = "A" * 131_073
    resp = _import(client, central,
                   HEADER.replace("\r", "\n") + f"{long_reference},london,homicide,2023-04-27,a@example.org\n")
    assert resp.status_code == 422
    assert {(e["row"], e["field"]) for e in resp.json["error"]["errors"]} == {(2, "reference")}
    assert count_rows(session, Review) == 0


def test_a_nul_byte_in_a_csv_names_row_and_field(client, session, central):
    resp = _import(client, central, HEADER.replace("\r", "\n") + "NUL-1,london,homicide,2023-04-27,a\x00@example.org\n")
    assert resp.status_code == 422
    assert (2, "local_team_email") in {(e["row"], e["field"]) for e in resp.json["error"]["errors"]}
    assert count_rows(session, Review) == 0


def test_a_csv_that_cannot_be_read_names_the_row(client, session, central):
    unterminated = 'Q-1,london,homicide,2023-04-27,"a@example.org\n' + "x" * 200_000
    resp = _import(client, central, HEADER.replace("\r", "\n") + unterminated)
    assert resp.status_code == 422
    assert count_rows(session, Review) == 0


# --- dates -----------------------------------------------------------------------------------------------------

def test_a_review_received_before_2000_is_refused_with_the_reason(client, session, central):
    resp = client.post("/api/v1/reviews", headers=auth(central), json=review_payload(received_on="1999-12-31"))
    assert resp.status_code == 422 and "2000" in _fields(resp)["received_on"][0]
    assert count_rows(session, Review) == 0


def test_an_absence_longer_than_a_year_is_refused_with_the_reason(client, session):
    _, manager = make_person(session, lc.MANAGER)
    inspector, _ = make_person(session, lc.INSPECTOR)
    url = f"/api/v1/inspectors/{inspector.id}/absences"
    resp = client.post(url, headers=auth(manager), json={"from_date": "2024-01-01", "to_date": "2025-01-31"})
    assert resp.status_code == 422 and "366 days" in _fields(resp)["to_date"][0]
    ok = client.post(url, headers=auth(manager), json={"from_date": "2024-01-01", "to_date": "2024-12-31"})
    assert ok.status_code == 201, ok.json
    assert count_rows(session, Absence) == 1


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_filter_far_outside_the_service_names_the_field(client, central, day):
    resp = client.get(f"/api/v1/reviews?due_before={day}", headers=auth(central))
    assert resp.status_code == 422 and "due_before" in _fields(resp)


def test_an_extension_to_the_year_9999_is_refused(client, session):
    _, manager = make_person(session, lc.MANAGER)
    review = make_review(session, state=lc.RECEIVED)
    resp = client.post(f"/api/v1/reviews/{review.id}/extensions", headers=auth(manager),
                       json={"new_due_on": "9999-12-31", "reason": "long", "version": review.version})
    assert resp.status_code == 422 and "new_due_on" in _fields(resp)
    assert count_rows(session, AuditEvent) == 0


# --- pages -------------------------------------------------------------------------------------------------------

def test_notifications_page_two(signed_in, session):
    client, _ = signed_in(lc.ADMIN)
    inspector, _ = make_person(session, lc.INSPECTOR)
    session.add_all([Notification(kind="allocated", recipient_id=inspector.id, dedupe_key=f"probe-{i}",
                                  key_day=date(2024, 5, 1), recipient_email=inspector.email, subject="s", body="b")
                     for i in range(51)])
    session.commit()
    resp = client.get("/admin/notifications?page=2")
    assert resp.status_code == 200
    assert "page 2 of 2" in text(resp)
    assert client.get(f"/admin/notifications?page={BEYOND}").status_code == 200
    assert client.get(f"/admin/outbox?page={BEYOND}").status_code == 200


def test_page_ids_beyond_the_column_are_not_found(signed_in):
    client, _ = signed_in(lc.CENTRAL_TEAM)
    assert client.get(f"/reviews/{BEYOND}").status_code == 404


def test_a_405_says_which_methods_are_allowed(client, central):
    page = client.delete("/sign-in")
    assert page.status_code == 405 and set(page.headers["Allow"].split(", ")) >= {"GET", "POST"}
    api = client.delete("/api/v1/reviews", headers=auth(central))
    assert api.status_code == 405 and "GET" in api.headers["Allow"]


def test_an_error_never_shows_a_filesystem_path(client, central):
    resp = client.get("/api/v1/framework?version=v99", headers=auth(central))
    assert resp.status_code == 404
    assert "/" not in resp.json["error"]["message"].replace("v99", ""), resp.json


def test_a_lost_allocation_race_is_a_409_on_the_bulk_endpoint_too(client, session, central):
    inspector, _ = make_person(session, lc.INSPECTOR)
    review = make_review(session, state=lc.SELECTED_FOR_HMIP)
    stale = {"review_id": review.id, "inspector_id": inspector.id, "version": review.version + 1}
    bulk = client.post("/api/v1/allocations", headers=auth(central), json={"allocations": [stale]})
    single = client.post(f"/api/v1/reviews/{review.id}/actions/allocate", headers=auth(central),
                         json={"version": review.version + 1, "inspector_id": inspector.id})
    assert (bulk.status_code, single.status_code) == (409, 409), bulk.json
    assert count_rows(session, AuditEvent) == 0


@pytest.mark.parametrize("method,url", [
    ("POST", "/api/v1/inspectors/2147483648/absences"),
    ("POST", "/api/v1/reviews/10000000000000000/high-profile-queries"),
    ("PATCH", "/api/v1/reviews/2147483648/assessment"), ("GET", "/api/v1/reviews/2147483648/suggestion"),
])
def test_an_id_beyond_the_column_is_not_found_whatever_the_method(client, central, method, url):
    assert client.open(url, method=method, headers=auth(central), json={}).status_code == 404
