"""Every list endpoint and list page runs the same number of SQL statements at 20 reviews as at
200 (meant for PostgreSQL; runs on SQLite too). The data is made by the bulk import (so every
review has its sample decision and audit events), then some reviews are allocated and sent."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from sfoflow.db import transaction
from sfoflow.models import ParallelReview, Review
from sfoflow.services import imports
from tests.support import clock
from tests.support.core import auth, make_person
from tests.support.queries import counting

REGIONS = ["london", "wales", "north_west", "south_west"]


def _grow(session, start: int, stop: int, inspectors) -> None:
    today = clock.today()
    text = "reference,region,offence_category,received_on,local_team_email,parallel_reviews\n" + "".join(
        f"SFO/Q/{i:05d},{REGIONS[i % 4]},homicide,{today - timedelta(days=i % 300)},a@example.org,"
        f"{'other:planned' if i % 3 == 0 else ''}\n" for i in range(start, stop))
    with transaction(session):
        imports.import_csv(session, text, None)
        for i in range(start, stop):
            values = None
            if i % 4 == 1:
                values = {"state": "in_qa", "inspector_id": inspectors[i % 2].id}
            elif i % 4 == 2:
                values = {"state": "feedback_sent", "inspector_id": inspectors[i % 2].id,
                          "sent_at": clock.now() - timedelta(days=i % 200)}
            if values:
                session.execute(update(Review).where(Review.reference == f"SFO/Q/{i:05d}")
                                .values(**values).execution_options(synchronize_session=False))


API = ["/api/v1/reviews", "/api/v1/open-qa", "/api/v1/open-qa?region=wales", "/api/v1/open-qa?format=csv",
       "/api/v1/workload",
       "/api/v1/timeliness", "/api/v1/sample/balance", "/api/v1/notifications", "/api/v1/outbox"]
PAGES = ["/reviews", "/open-qa", "/open-qa.csv", "/workload", "/timeliness", "/sample/balance"]


def test_list_endpoints_and_pages_run_the_same_queries_at_20_and_200_reviews(client, session, database, signed_in):
    inspectors = [make_person(session, "inspector")[0] for _ in range(2)]
    _manager, token = make_person(session, "manager")
    _admin, admin_token = make_person(session, "admin")
    inspector_token = make_person(session, "inspector")[1]
    browser, _user = signed_in("manager")

    def measure() -> dict[str, int]:
        out = {}
        for url in API:
            who = admin_token if url.endswith(("/notifications", "/outbox")) else token
            client.get(url, headers=auth(who)).get_data()  # warm the process's caches first
            with counting(database.engine) as statements:  # a streamed body queries as it is read
                resp = client.get(url, headers=auth(who))
                body = resp.get_data(as_text=True)
            assert resp.status_code == 200, (url, body[:300])
            out[url] = len(statements)
        with counting(database.engine) as statements:
            assert client.get("/api/v1/tasks", headers=auth(inspector_token)).status_code == 200
        out["/api/v1/tasks"] = len(statements)
        for url in PAGES:
            browser.get(url).get_data()
            with counting(database.engine) as statements:
                resp = browser.get(url)
                resp.get_data()
            assert resp.status_code == 200, url
            out[url] = len(statements)
        return out

    _grow(session, 0, 20, inspectors)
    small = measure()
    _grow(session, 20, 200, inspectors)
    assert session.query(ParallelReview).count() == 67
    large = measure()
    assert small == large
