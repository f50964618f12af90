"""Offence variation at intake: a purposive addition when a category reaches its threshold with
none in the HMIP sample, recorded with its reason, reported apart, replayable.

The random decisions are derived here from the documented algorithm (HMAC-SHA256 and the cell
rule, re-implemented below), never read back from the code under test.
"""
from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import select, update

from sfoflow.db import transaction
from sfoflow.models.sampling import SampleDecision
from sfoflow.services import reviews
from sfoflow.services import sampling as svc
from sfoflow.services import settings as settings_svc

KEY = b"test-sampling-key-variation"
REGIONS = ["london", "wales", "north_east", "north_west", "south_west"]


def hmac_uniform(key: bytes, ref: str, year: int) -> float:
    top64 = int(hmac.new(key, f"{year}:{ref.strip()}".encode(), hashlib.sha256).hexdigest()[:16], 16)
    return (top64 >> 11) / 2.0**53


class CellModel:
    def __init__(self, key: bytes, k: int = 5):
        self.key, self.k, self.n, self.has = key, k, Counter(), defaultdict(bool)

    def peek(self, ref: str, region: str, year: int) -> bool:
        j = self.n[region] % self.k
        return hmac_uniform(self.key, ref, year) < (0.0 if self.has[region] else 1.0 / (self.k - j))

    def take(self, ref: str, region: str, year: int) -> bool:
        selected = self.peek(ref, region, year)
        j = self.n[region] % self.k
        self.n[region] += 1
        self.has[region] = (self.has[region] or selected) and j != self.k - 1
        return selected

    def find(self, region: str, year: int, selected: bool, prefix: str) -> str:
        return next(f"{prefix}-{i}" for i in range(10_000) if self.peek(f"{prefix}-{i}", region, year) is selected)


@pytest.fixture
def keyed(session):
    session.info["sampling_key"] = KEY
    with transaction(session):
        settings_svc.set_value(session, "offence_variation_threshold", 3)
    return session


def register(session, ref, region, offence):
    data = {"reference": ref, "region": region, "offence_category": offence, "received_on": date(2023, 5, 2),
            "provider": None, "is_high_profile": False, "parallel_reviews": [], "local_team_email": "sfo@example.org"}
    with transaction(session):
        return reviews.register(session, data, None)


def test_third_unsampled_arson_review_is_added_with_its_reason_and_reported_apart(keyed):
    session = keyed
    model = CellModel(KEY)
    made = []
    for i in range(4):  # four arson reviews, none drawn at random, in different regions
        region = REGIONS[i]
        ref = model.find(region, 2023, False, f"ARS{i}")
        model.take(ref, region, 2023)
        made.append(register(session, ref, region, "arson_endangering_life"))
    session.expire_all()
    rows = {d.review_id: d for d in session.scalars(select(SampleDecision))}
    assert [rows[r.id].selected for r in made] == [False] * 4
    assert [rows[r.id].purposive for r in made] == [False, False, True, False]
    added = rows[made[2].id]
    assert added.purposive_rule == "offence_variation" and added.purposive_by_id is None
    assert added.purposive_reason == ("Offence variation: 3 arson endangering life reviews received this year "
                                      "and none in the HMIP sample, so this one is added (threshold 3).")
    assert [r.state for r in made] == ["routed_to_hmpps", "routed_to_hmpps", "selected_for_hmip", "routed_to_hmpps"]

    b = svc.balance(session, 2023)
    arson = next(line for line in b["by_offence"] if line["code"] == "arson_endangering_life")
    assert (arson["intake"], arson["selected"], arson["purposive"]) == (4, 0, 1)  # random figures untouched
    assert b["total"]["selected"] == 0
    assert [(p["reference"], p["rule"]) for p in b["purposive"]] == [(made[2].reference, "offence_variation")]

    assert svc.replay(session, 2023, KEY).differences == []
    with transaction(session):  # a record changed by hand is found by the replay
        session.execute(update(SampleDecision).where(SampleDecision.review_id == made[3].id)
                        .values(purposive=True, purposive_rule="offence_variation", purposive_reason="x"))
    assert any("stored an offence variation addition, replay gives none" in d
               for d in svc.replay(session, 2023, KEY).differences)


def test_a_random_selection_in_the_category_means_no_addition(keyed):
    session = keyed
    model = CellModel(KEY)
    plan = [False, True, False, False, False]
    for i, want in enumerate(plan):
        region = REGIONS[i]
        ref = model.find(region, 2023, want, f"HOM{i}")
        model.take(ref, region, 2023)
        register(session, ref, region, "homicide")
    session.expire_all()
    assert not any(d.purposive for d in session.scalars(select(SampleDecision)))
    assert svc.replay(session, 2023, KEY).differences == []


def test_the_threshold_is_a_setting_and_zero_switches_it_off(keyed):
    session = keyed
    with transaction(session):
        settings_svc.set_value(session, "offence_variation_threshold", 0)
    model = CellModel(KEY)
    for i in range(4):
        region = REGIONS[i]
        ref = model.find(region, 2023, False, f"KID{i}")
        model.take(ref, region, 2023)
        register(session, ref, region, "kidnapping_abduction")
    session.expire_all()
    rows = list(session.scalars(select(SampleDecision)))
    assert not any(d.purposive for d in rows)
    assert {d.variation_threshold for d in rows} == {0}
