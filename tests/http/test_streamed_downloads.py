"""A streamed download (the open QA CSV, read from the database as it is sent) gives its database
connection back when it ends. Flask runs the request's teardown before the stream starts and again
when it ends; the session closed at the first must be found and closed at the second, or every
download keeps a connection out of the pool until the garbage collector finds it (found by the
scale benchmark: a burst of downloads exhausted the pool and the next request waited)."""
from __future__ import annotations

from datetime import date

from tests.support.core import auth, make_person, make_review


def test_every_streamed_csv_gives_its_connection_back(app, client, session, signed_in):
    for n in range(3):
        make_review(session, reference=f"STREAM/{n}", state="selected_for_hmip", due_on=date(2023, 6, 1 + n))
    session.commit()
    _manager, token = make_person(session, "manager")
    browser, _user = signed_in("manager")
    pool = app.extensions["sfoflow_db"].engine.pool  # the application's own, not the tests' engine
    before = pool.checkedout()
    for _ in range(4):  # more than one, so a leak cannot hide behind a connection reused by chance
        answer = client.get("/api/v1/open-qa?format=csv", headers=auth(token))
        assert "STREAM/2" in answer.get_data(as_text=True)
        answer.close()
        assert pool.checkedout() == before
        page = browser.get("/open-qa.csv")
        assert "STREAM/2" in page.get_data(as_text=True)
        page.close()
        assert pool.checkedout() == before
