"""Issue 15: the bulk allocation page respects capacity. Its suggestions count the picks already
made on the page (8 reviews never pre-select one inspector of capacity 6 eight times), and
allocating beyond capacity asks for confirmation and a reason, recorded with the allocation."""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from sfoflow.models import Review
from sfoflow.models.allocation import Allocation
from tests.support import clock
from tests.support.core import make_person, make_review
from tests.support.web import post_form, text

SELECT_RE = re.compile(r'<select[^>]*id="inspector-(\d+)"[^>]*>(.*?)</select>', re.S)
CHOSEN_RE = re.compile(r'<option value="(\d+)" selected>')


def preselected(body: str) -> dict[int, int | None]:
    """review id -> the inspector the page pre-selects (None: no one)."""
    out = {}
    for rid, options in SELECT_RE.findall(body):
        chosen = CHOSEN_RE.search(options)
        out[int(rid)] = int(chosen.group(1)) if chosen else None
    return out


def test_suggestions_spread_and_going_over_capacity_asks_for_a_reason(signed_in, session):
    client, _central = signed_in("central_team")
    amber, _ = make_person(session, "inspector", name="Amber Ash", capacity=6)
    basil, _ = make_person(session, "inspector", name="Basil Birch", capacity=6)
    for _ in range(5):  # Basil already holds 5 of 6
        make_review(session, state="in_qa", inspector=basil, due_on=clock.today() + timedelta(days=20))
    due = clock.today() + timedelta(days=21)
    reviews = [make_review(session, state="selected_for_hmip", route="hmip", due_on=due + timedelta(days=i),
                           reference=f"UX/2023/{i:04d}") for i in range(8)]

    page = client.get("/allocate")
    assert page.status_code == 200
    picks = preselected(page.get_data(as_text=True))
    assert set(picks) == {r.id for r in reviews}
    spread = Counter(picks.values())
    # 6 spare for Amber, 1 for Basil: the suggestions fill both and leave the eighth to a person
    assert spread == {amber.id: 6, basil.id: 1, None: 1}

    # All eight to Amber: 8 of 6. Refused until confirmed with a reason; nothing is written.
    form = {"review": [str(r.id) for r in reviews]}
    form.update({f"inspector-{r.id}": str(amber.id) for r in reviews})
    form.update({f"version-{r.id}": str(r.version) for r in reviews})
    resp = post_form(client, "/allocate", "/allocate", form)
    assert resp.status_code == 422
    words = text(resp)
    assert "Amber Ash would hold 8 open QAs, over their capacity of 6" in words
    assert "Allocate beyond capacity?" in words and 'href="#confirm_over_capacity"' in resp.get_data(as_text=True)
    assert session.scalars(select(Allocation)).all() == []

    resp = post_form(client, "/allocate", "/allocate", {**form, "confirm_over_capacity": "yes"})
    assert resp.status_code == 400
    assert "Enter the reason for allocating beyond the inspector's capacity" in text(resp)

    reason = "Basil is on leave and these are due together"
    resp = post_form(client, "/allocate", "/allocate",
                     {**form, "confirm_over_capacity": "yes", "over_capacity_reason": reason})
    assert resp.status_code == 302, text(resp)
    session.expire_all()
    assert {r.inspector_id for r in session.scalars(select(Review).where(Review.id.in_([r.id for r in reviews])))} \
        == {amber.id}
    assert {a.reason for a in session.scalars(select(Allocation))} == {f"Over capacity: {reason}"}


def test_within_capacity_no_confirmation_is_asked(signed_in, session):
    client, _central = signed_in("central_team")
    amber, _ = make_person(session, "inspector", name="Amber Ash", capacity=6)
    review = make_review(session, state="selected_for_hmip", route="hmip",
                         due_on=clock.today() + timedelta(days=21))
    resp = post_form(client, "/allocate", "/allocate", {
        "review": str(review.id), f"inspector-{review.id}": str(amber.id), f"version-{review.id}": str(review.version)})
    assert resp.status_code == 302, text(resp)
    assert session.scalar(select(Allocation.reason)) is None
