"""Open QA a page at a time, by (due date, id), with the same filters in the API, the CSV and the
page; the CSV streams every match; a page past the last is the last."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from tests.support.core import auth, make_person, make_review


@pytest.fixture
def many(session, today):
    """23 open QA: due dates repeat (so the id breaks ties), some in Wales; one review closed."""
    ann, _ = make_person(session, "inspector", name="Ann")
    made = []
    for n in range(23):
        made.append(make_review(session, state="in_qa" if n % 2 else "selected_for_hmip",
                                inspector=ann if n % 2 else None, due_on=today + timedelta(days=n // 3 - 2),
                                region="wales" if n % 4 == 0 else "london", parallel=n % 3,
                                reference=f"SFO/P/{n:02d}", commit=False))
    make_review(session, state="feedback_sent", due_on=today, reference="SFO/P/CLOSED", commit=False)
    session.commit()
    # the order a person expects: due date, then the order registered
    return [r.reference for r in sorted(made, key=lambda r: (r.due_on, r.id))], made


def test_the_api_pages_open_qa_by_due_date_then_id(client, session, many):
    order, made = many
    _m, token = make_person(session, "manager")
    seen = []
    for page in (1, 2, 3):
        body = client.get(f"/api/v1/open-qa?per_page=10&page={page}", headers=auth(token)).json
        assert (body["total"], body["page"], body["pages"], body["per_page"]) == (23, page, 3, 10)
        seen += [i["reference"] for i in body["items"]]
    assert seen == order
    counted = {i["reference"]: i["parallel_reviews"]
               for i in client.get("/api/v1/open-qa?per_page=100", headers=auth(token)).json["items"]}
    assert counted == {r.reference: int(r.reference[-2:]) % 3 for r in made}
    # past the last page: the last page, never "Showing 31 to 23 of 23"
    late = client.get("/api/v1/open-qa?per_page=10&page=9", headers=auth(token)).json
    assert late["page"] == 3 and [i["reference"] for i in late["items"]] == order[20:]


def test_filters_apply_to_the_page_the_total_and_the_csv(client, session, many):
    order, made = many
    _m, token = make_person(session, "manager")
    wales = [r for r in order if int(r[-2:]) % 4 == 0]
    body = client.get("/api/v1/open-qa?region=wales&per_page=2&page=2", headers=auth(token)).json
    assert body["total"] == len(wales) == 6 and [i["reference"] for i in body["items"]] == wales[2:4]
    resp = client.get("/api/v1/open-qa?region=wales&format=csv", headers=auth(token))
    assert resp.status_code == 200 and resp.is_streamed
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert [r[0] for r in rows[1:]] == wales  # every match, not one page


def test_the_csv_streams_every_open_qa_in_batches(client, session, many, monkeypatch):
    from sfoflow.services import work

    order, _made = many
    _m, token = make_person(session, "manager")
    real = work.open_qa_csv
    monkeypatch.setattr(work, "open_qa_csv", lambda s, f, today: real(s, f, today, batch=4))  # six fetches
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/open-qa?format=csv", headers=auth(token))
                                       .get_data(as_text=True))))
    assert [r[0] for r in rows[1:]] == order


def test_the_page_shows_one_page_with_links_to_the_others(signed_in, session, many, monkeypatch):
    from sfoflow.services import settings

    order, _made = many
    real = settings.get
    monkeypatch.setattr(settings, "get", lambda s, key: 10 if key == "page_size_default" else real(s, key))
    client, _user = signed_in("manager")
    body = client.get("/open-qa?page=2").get_data(as_text=True)
    shown = [ref for ref in order if f'data-reference="{ref}"' in body]
    assert shown == order[10:20]
    assert "Showing 11 to 20." in body and "/open-qa?page=3" in body
    last = client.get("/open-qa?page=99").get_data(as_text=True)
    assert "Showing 21 to 23." in last


def test_the_review_list_never_shows_a_page_past_the_last(signed_in, session, many):
    client, _user = signed_in("manager")
    body = client.get("/reviews?page=999").get_data(as_text=True)
    assert "of <strong>24</strong> review" in body
    assert "to 24 of" in body and "Showing 1001" not in body


def test_an_unknown_page_number_is_refused_in_the_api(client, session, many):
    _m, token = make_person(session, "manager")
    resp = client.get("/api/v1/open-qa?page=0", headers=auth(token))
    assert resp.status_code in (400, 422) and "page" in resp.get_data(as_text=True)
