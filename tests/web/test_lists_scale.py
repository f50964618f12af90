"""Issue 15: lists that scale. The review list sorts by its columns, searches reference, provider,
inspector, region and offence, shows what its filters keep of everything, and past its last page
shows the last page (never "Showing 501 to 489 of 489")."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sfoflow.services import settings
from tests.support.core import make_person, make_review
from tests.support.web import text

ROW_RE = re.compile(r'<tr class="govuk-table__row" data-reference="([^"]+)"')


def refs(resp) -> list[str]:
    return ROW_RE.findall(resp.get_data(as_text=True))


def test_sort_search_counts_and_the_last_page(signed_in, session):
    client, _ = signed_in("manager")
    amber, _ = make_person(session, "inspector", name="Amber Ash")
    for n in range(7):
        make_review(session, reference=f"LIST/{n}", state="feedback_sent", received_on=date(2023, 5, 1 + n),
                    due_on=date(2023, 6, 20 - n), region="wales" if n % 2 else "london",
                    provider="N03" if n % 2 else "N07", inspector=amber if n == 3 else None)
    settings.set_value(session, "page_size_default", 3)
    session.commit()

    by_due = refs(client.get("/reviews?sort=due_on"))
    by_due_desc = refs(client.get("/reviews?sort=due_on&direction=desc"))
    by_received = refs(client.get("/reviews?sort=received_on"))
    assert by_received == [f"LIST/{n}" for n in range(7)][: len(by_received)]
    assert by_due == list(reversed([f"LIST/{n}" for n in range(7)]))[: len(by_due)]
    assert by_due_desc[0] == "LIST/0"
    page = client.get("/reviews?sort=received_on").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and 'id="sort-received_on"' in page

    assert refs(client.get("/reviews?q=amber")) == ["LIST/3"]  # an inspector's name
    assert set(refs(client.get("/reviews?q=Wales"))) == {"LIST/1", "LIST/3", "LIST/5"}  # a region's name
    assert set(refs(client.get("/reviews?q=n03"))) == {"LIST/1", "LIST/3", "LIST/5"}  # a provider
    words = text(client.get("/reviews?q=wales"))
    assert "of 3 reviews matching your filters (of 7 in all)" in words
    # filters that each narrow, together: London's four (n = 0, 2, 4, 6), all sent, so none overdue
    assert "of 4 reviews matching your filters (of 7 in all)" in text(client.get(
        "/reviews?overdue=false&q=n07&region=london"))
    assert "of 7 reviews." in text(client.get("/reviews")) and "in all" not in text(client.get("/reviews"))

    far = client.get("/reviews?page=99")
    assert far.status_code == 200
    words = text(far)
    shown = re.search(r"Showing (\d+) to (\d+) of (\d+)", words)
    assert shown, words
    first, last, total = (int(g) for g in shown.groups())
    assert first <= last <= total == 7


def test_the_api_never_pages_past_the_end(client, session):
    _user, token = make_person(session, "manager")
    for n in range(3):
        make_review(session, reference=f"API/{n}", due_on=date(2023, 6, 1) + timedelta(days=n))
    body = client.get("/api/v1/reviews?page=50&per_page=2", headers={"Authorization": f"Bearer {token}"}).json
    assert body["page"] == 2 and [i["reference"] for i in body["items"]] == ["API/2"]
    body = client.get("/api/v1/reviews?sort=reference&direction=desc",
                      headers={"Authorization": f"Bearer {token}"}).json
    assert [i["reference"] for i in body["items"]] == ["API/2", "API/1", "API/0"]
