"""Timeliness counted in SQL: the London day a report was sent, in summer (BST) and winter (GMT),
on SQLite (a table of cutoffs) and PostgreSQL (the time zone in SQL)."""
from __future__ import annotations

from datetime import UTC, date, datetime

from tests.support.core import auth, make_person, make_review


def test_the_london_day_decides_on_time_in_summer_and_winter(client, session):
    inspector, _ = make_person(session, "inspector")
    _m, token = make_person(session, "manager")
    cases = [  # (due, sent at UTC, on time?)
        (date(2023, 5, 22), datetime(2023, 5, 22, 22, 59, tzinfo=UTC), True),    # 23:59 BST, the due day
        (date(2023, 5, 22), datetime(2023, 5, 22, 23, 0, tzinfo=UTC), False),    # 00:00 BST, the next day
        (date(2023, 12, 18), datetime(2023, 12, 18, 23, 59, tzinfo=UTC), True),  # 23:59 GMT, the due day
        (date(2023, 12, 18), datetime(2023, 12, 19, 0, 0, tzinfo=UTC), False),   # 00:00 GMT, the next day
    ]
    for due, sent_at, _on_time in cases:
        make_review(session, state="feedback_sent", inspector=inspector, due_on=due, sent_at=sent_at)
    body = client.get("/api/v1/timeliness?from=2023-04-01&to=2024-03-31", headers=auth(token)).json
    months = {m["month"]: (m["on_time"], m["late"]) for m in body["by_month"]}
    assert months == {"2023-05": (1, 1), "2023-12": (1, 1)}
    assert (body["overall"]["on_time"], body["overall"]["late"], body["overall"]["due"]) == (2, 2, 4)
