"""Registering a review through the API: every bad field is refused with a JSON error naming the
field and the reason, and nothing is written."""
from __future__ import annotations

from datetime import timedelta

import pytest

from sfoflow.models import AuditEvent, ParallelReview, Review
from tests.support import clock
from tests.support.core import auth, count_rows, make_person
from tests.support.reviews import review_payload

URL = "/api/v1/reviews"


def _without(name):
    body = review_payload()
    del body[name]
    return body


# A year ahead, not tomorrow: this list is built when the tests are collected, and a run that
# passes midnight before this case runs must still find the date in the future.
NEXT_YEAR = (clock.today() + timedelta(days=366)).isoformat()

# (case, body, status, field, words in the reason)
BAD = [
    ("reference missing", _without("reference"), 422, "reference", "Enter a value"),
    ("reference blank", review_payload(reference="   "), 422, "reference", "Enter between 1 and 64 characters"),
    ("reference too long", review_payload(reference="S" * 65), 422, "reference", "Enter between 1 and 64 characters"),
    ("reference bad characters", review_payload(reference="SFO 2023 #1"), 422, "reference",
     "letters, digits and / _ . - only"),
    ("reference not a string", review_payload(reference=12), 422, "reference", "Enter text"),
    ("region unknown", review_payload(region="atlantis"), 422, "region",
     "There is no region called \u201catlantis\u201d"),
    ("region missing", _without("region"), 422, "region", "Enter a value"),
    ("offence category unknown", review_payload(offence_category="burglary"), 422, "offence_category",
     "There is no offence category called \u201cburglary\u201d"),
    ("offence category missing", _without("offence_category"), 422, "offence_category", "Enter a value"),
    ("received_on missing", _without("received_on"), 422, "received_on", "Enter a value"),
    ("received_on not a date", review_payload(received_on="27/04/2023"), 422, "received_on", "Enter a real date"),
    ("received_on impossible date", review_payload(received_on="2023-02-30"), 422, "received_on",
     "Enter a real date"),
    ("received_on in the future", review_payload(received_on=NEXT_YEAR), 422, "received_on",
     "must not be in the future"),
    ("provider not a code", review_payload(provider="P" * 65), 422, "provider", "unknown provider"),
    ("is_high_profile not boolean", review_payload(is_high_profile="maybe"), 422, "is_high_profile",
     "Enter yes or no"),
    ("parallel review type unknown", review_payload(parallel_reviews=[{"type": "inquest", "status": "planned"}]),
     422, "parallel_reviews.0.type", "There is no kind of parallel review called \u201cinquest\u201d"),
    ("parallel review status unknown",
     review_payload(parallel_reviews=[{"type": "other", "status": "planned"}, {"type": "other", "status": "late"}]),
     422, "parallel_reviews.1.status", "There is no parallel review status called \u201clate\u201d"),
    ("parallel review not an object", review_payload(parallel_reviews=["dhr"]), 422, "parallel_reviews.0._schema",
     "Enter the details as a set of named values"),
    ("parallel reviews not a list", review_payload(parallel_reviews="domestic_homicide_review"), 422,
     "parallel_reviews", "Enter a list of items"),
    ("local_team_email missing", _without("local_team_email"), 422, "local_team_email", "Enter a value"),
    ("local_team_email invalid", review_payload(local_team_email="sfo.london"), 422, "local_team_email",
     "Enter an email address in the correct format"),
    ("local_team_email too long", review_payload(local_team_email="a" * 250 + "@example.org"), 422,
     "local_team_email", "Enter no more than 254 characters"),
    ("unknown field", review_payload(victim_name="X"), 422, "victim_name",
     "Remove this: it is not something sfoflow records"),
]


def _nothing_written(session):
    return (count_rows(session, Review), count_rows(session, AuditEvent), count_rows(session, ParallelReview))


@pytest.mark.parametrize("case,body,status,field,reason", BAD, ids=[b[0] for b in BAD])
def test_bad_field_is_refused_naming_field_and_reason(client, session, case, body, status, field, reason):
    _user, token = make_person(session, "central_team")
    resp = client.post(URL, json=body, headers=auth(token))
    assert resp.status_code == status
    error = resp.json["error"]
    assert error["status"] == status
    assert list(error["fields"]) == [field], error
    assert any(reason in r for r in error["fields"][field]), error
    assert field.split(".")[0] in error["message"]
    assert _nothing_written(session) == (0, 0, 0)


@pytest.mark.parametrize("data,content_type", [
    ("not json at all", "application/json"),
    ("[1, 2]", "application/json"),
    ('"a string"', "application/json"),
    ("null", "application/json"),
    ('{"reference": "SFO/1"}', "text/plain"),
    ("", None),
])
def test_body_that_is_not_a_json_object_is_refused(client, session, data, content_type):
    _user, token = make_person(session, "central_team")
    resp = client.post(URL, data=data, content_type=content_type, headers=auth(token))
    assert resp.status_code == 422
    assert resp.json["error"]["fields"] == {"_body": ["expected a JSON object"]}
    assert _nothing_written(session) == (0, 0, 0)


def test_duplicate_reference_is_refused_and_the_first_stands(client, session):
    _user, token = make_person(session, "central_team")
    assert client.post(URL, json=review_payload(), headers=auth(token)).status_code == 201
    before = _nothing_written(session)
    resp = client.post(URL, json=review_payload(region="wales", received_on="2023-05-02"), headers=auth(token))
    assert resp.status_code == 409
    assert resp.json["error"]["fields"] == {"reference": ["SFO/2023/0001 is already registered"]}
    assert _nothing_written(session) == before
    # surrounding spaces are trimmed, so they do not make a second review either
    resp = client.post(URL, json=review_payload(reference="  SFO/2023/0001 "), headers=auth(token))
    assert resp.status_code == 409
    assert _nothing_written(session) == before
    # nor does a different case: sfo/2023/0001 is the same review (issue 15)
    resp = client.post(URL, json=review_payload(reference="sfo/2023/0001"), headers=auth(token))
    assert resp.status_code == 409
    assert resp.json["error"]["fields"] == {"reference": ["SFO/2023/0001 is already registered"]}
    assert _nothing_written(session) == before


def test_regions_and_categories_are_taken_by_the_names_people_type(client, session):
    """The API, the pages and a file all read "North West", "north  west" and a region's provider
    code (N07 is London) as the region, and "Homicide" as the category (config/regions.json)."""
    _user, token = make_person(session, "central_team")
    cases = [("North West", "Homicide", "north_west", "homicide"),
             ("north  west", "HOMICIDE", "north_west", "homicide"), ("N07", "homicide", "london", "homicide")]
    for n, (region, offence, region_code, offence_code) in enumerate(cases):
        resp = client.post(URL, json=review_payload(reference=f"NAMES/{n}", region=region, offence_category=offence,
                                                    provider=None), headers=auth(token))
        assert resp.status_code == 201, resp.json
        assert (resp.json["region"]["code"], resp.json["offence_category"]["code"]) == (region_code, offence_code)


@pytest.mark.parametrize("received,due", [
    ("2023-04-27", "2023-05-22"),  # Thursday; 1 May and the coronation bank holiday (8 May) skipped
    ("2023-04-29", "2023-05-24"),  # Saturday: treated as received Tuesday 2 May
])
def test_good_intake_fixes_the_due_date_and_is_audited(client, session, received, due):
    user, token = make_person(session, "central_team")
    resp = client.post(URL, json=review_payload(received_on=received, provider=None, is_high_profile=True),
                       headers=auth(token))
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert (body["received_on"], body["due_on"], body["original_due_on"]) == (received, due, due)
    assert body["provider"] == "N07"  # London's provider code when none is given
    assert body["is_high_profile"] is True
    assert [(p["type"], p["status"]) for p in body["parallel_reviews"]] == [("domestic_homicide_review",
                                                                            "in_progress")]
    first = body["audit"][0]
    assert (first["action"], first["actor"], first["to_state"]) == ("register", user.email, "received")
    assert first["details"]["due_on"] == due
