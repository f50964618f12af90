"""The sampler wired into intake: decisions, records, guarantee, replay, balance, purposive, access.

Expected decisions are derived here from the documented algorithm (HMAC-SHA256 encoding and
the cell rule, re-implemented in ``CellModel``), never read back from the code under test.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import random
import subprocess
import time
from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import select, update

from sfoflow import reference
from sfoflow.db import transaction
from sfoflow.models import Review
from sfoflow.models.sampling import SampleDecision, SamplerState
from sfoflow.sampling.design import ALGORITHM_VERSION
from sfoflow.services import imports, lifecycle, reviews
from sfoflow.services import sampling as svc
from sfoflow.services import settings as settings_svc
from sfoflow.services.errors import Conflict
from tests import support
from tests.support.cli import sfoflow
from tests.support.core import make_review
from tests.support.reviews import review_payload

ROOT = support.REPO
KEY = b"test-sampling-key-0123456789"
ADMIN_ONLY = {"arrival_order", "run_number", "run_position", "uniform", "threshold"}


# --- an independent model of the documented design -----------------------------------------------

def hmac_uniform(key: bytes, ref: str, year: int) -> float:
    message = (str(year) + ":" + ref.strip()).encode("utf-8")
    top64 = int(hmac.new(key, message, hashlib.sha256).hexdigest()[:16], 16)
    return (top64 >> 11) / 2.0**53


class CellModel:
    """Runs of k per region and year; threshold 1/(k-j) until the run has its selection."""

    def __init__(self, key: bytes, k: int = 5):
        self.key, self.k = key, k
        self.n: Counter = Counter()
        self.has: defaultdict = defaultdict(bool)

    def peek(self, ref: str, region: str, year: int) -> dict:
        k, cell = self.k, (region, year)
        j = self.n[cell] % k
        threshold = 0.0 if self.has[cell] else 1.0 / (k - j)
        u = hmac_uniform(self.key, ref, year)
        return {"arrival_order": self.n[cell] + 1, "run_number": self.n[cell] // k + 1, "run_position": j,
                "uniform": u, "threshold": threshold, "selected": u < threshold}

    def take(self, ref: str, region: str, year: int) -> dict:
        d = self.peek(ref, region, year)
        cell = (region, year)
        self.n[cell] += 1
        self.has[cell] = (self.has[cell] or d["selected"]) and d["run_position"] != self.k - 1
        return d


def find_reference(model: CellModel, region: str, year: int, selected: bool, prefix: str) -> str:
    """The first reference ``prefix-i`` whose decision, in the model's current state, is ``selected``."""
    for i in range(10_000):
        ref = f"{prefix}-{i}"
        if model.peek(ref, region, year)["selected"] is selected:
            return ref
    raise AssertionError("no such reference")


# --- arranging -----------------------------------------------------------------------------------

@pytest.fixture
def keyed(session):
    session.info["sampling_key"] = KEY
    return session


def register(session, ref: str, region: str = "london", offence: str = "homicide",
             received_on: date = date(2023, 4, 27), actor=None) -> Review:
    data = {"reference": ref, "region": region, "offence_category": offence, "received_on": received_on,
            "provider": None, "is_high_profile": False, "parallel_reviews": [],
            "local_team_email": "sfo@example.org"}
    with transaction(session):
        return reviews.register(session, data, actor)


def decisions(session, year: int | None = None) -> list[SampleDecision]:
    session.expire_all()
    query = select(SampleDecision).order_by(SampleDecision.id)
    if year is not None:
        query = query.where(SampleDecision.sampling_year == year)
    return list(session.scalars(query))


REGION_WEIGHTS = [80, 64, 55, 48, 42, 38, 34, 30, 28, 25, 20, 16]  # 480 in all


def intake_stream(n: int = 480, seed: int = 7) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    codes = list(reference.regions())
    regions = [codes[i] for i, w in enumerate(REGION_WEIGHTS) for _ in range(round(n * w / 480))]
    rng.shuffle(regions)
    offences = list(reference.offence_categories())
    return [(f"SFO/24/{i:04d}", region, rng.choice(offences)) for i, region in enumerate(regions)]


# --- intake --------------------------------------------------------------------------------------

def test_intake_decides_at_once_both_routes(api, settings):
    """Through the API: the response already shows the route; the first arrival of a region's
    year is selected exactly when its uniform is below 1/5."""
    central, central_user = api("central_team")
    key = settings.sampling_key.encode()
    model = CellModel(key)
    for want in (True, False):
        region = "wales" if want else "london"
        ref = find_reference(model, region, 2023, want, "API")
        resp = central.post("/api/v1/reviews", json=review_payload(reference=ref, region=region,
                                                                  provider=None))
        assert resp.status_code == 201, resp.json
        body = resp.json
        assert body["state"] == ("selected_for_hmip" if want else "routed_to_hmpps")
        assert body["route"] == ("hmip" if want else "hmpps")
        assert body["due_on"] == "2023-05-22"
        actions = [(e["action"], e["actor"], e["from_state"], e["to_state"]) for e in body["audit"]]
        assert actions == [("register", central_user.email, None, "received"),
                           ("sample", "system", "received", body["state"])]
        details = body["audit"][1]["details"]
        assert details["route"] == body["state"] and details["sampling_year"] == 2023
        assert details["algorithm_version"] == ALGORITHM_VERSION and details["k"] == 5
        assert not ADMIN_ONLY & set(details), "the audit trail is visible to all; it must not reveal the run"


def test_decision_records_follow_the_design(keyed):
    model = CellModel(KEY)
    refs = [f"SFO/REC/{i:03d}" for i in range(23)]
    offences = ["homicide", "arson_endangering_life"]
    for i, ref in enumerate(refs):
        register(keyed, ref, "north_east", offences[i % 2])
    rows = decisions(keyed)
    assert len(rows) == 23
    by_review = {r.review_id: r for r in rows}
    for i, ref in enumerate(refs):
        review = keyed.scalar(select(Review).where(Review.reference == ref))
        row = by_review[review.id]
        expected = model.take(ref, "north_east", 2023)
        got = {name: getattr(row, name) for name in expected}
        assert got == expected, ref
        assert (row.region, row.offence_category, row.sampling_year, row.k) == \
            ("north_east", offences[i % 2], 2023, 5)
        assert row.algorithm_version == ALGORITHM_VERSION and row.purposive is False
        assert review.state == ("selected_for_hmip" if expected["selected"] else "routed_to_hmpps")
        assert review.route == ("hmip" if expected["selected"] else "hmpps")
    state = keyed.scalar(select(SamplerState))
    assert (state.region, state.sampling_year, state.k, state.arrivals) == ("north_east", 2023, 5, 23)
    # 23 = four complete runs and three arrivals of the fifth
    assert state.run_has_selection == any(by_review[r].selected for r in by_review
                                          if by_review[r].arrival_order > 20)


def test_guarantee_after_a_year_of_480_reviews(keyed):
    rows = intake_stream()
    started = time.perf_counter()
    for ref, region, offence in rows:
        register(keyed, ref, region, offence, date(2024, 6, 3))
    seconds = time.perf_counter() - started
    print(f"\n480 intakes with sampling: {seconds:.2f}s ({seconds / 480 * 1000:.1f} ms each)")
    assert seconds < 120  # demo data registers ~480 reviews through this path

    reviews_by_id = {r.id: r for r in keyed.scalars(select(Review))}
    intake = Counter(region for _, region, _ in rows)
    arrivals = defaultdict(list)  # region -> selected flags in arrival order
    for d in sorted(decisions(keyed), key=lambda d: (d.region, d.arrival_order)):
        arrivals[d.region].append(d.selected)
        # the review's route agrees with its decision
        assert reviews_by_id[d.review_id].route == ("hmip" if d.selected else "hmpps")
    assert set(arrivals) == set(intake)
    for region, flags in arrivals.items():
        n, k = len(flags), 5
        assert n == intake[region]
        assert n // k <= sum(flags) <= -(-n // k), region
        for start in range(0, n - n % k, k):  # every complete run has exactly one selection
            assert sum(flags[start:start + k]) == 1, (region, start)
        for m in range(1, n + 1):  # and at every moment the region is within one of m/k
            assert abs(sum(flags[:m]) - m / k) < 1
    assert sum(n // 5 for n in intake.values()) <= sum(sum(f) for f in arrivals.values()) <= \
        sum(-(-n // 5) for n in intake.values())


def test_import_decides_in_file_order(keyed):
    lines = ["reference,region,offence_category,received_on,local_team_email"]
    lines += [f"SFO/IMP/{i:02d},wales,homicide,2023-05-02,sfo@example.org" for i in range(12)]
    with transaction(keyed):
        imports.import_csv(keyed, "\n".join(lines) + "\n", None)
    model = CellModel(KEY)
    got = {d.review.reference: (d.arrival_order, d.selected) for d in decisions(keyed)}
    for i in range(12):
        ref = f"SFO/IMP/{i:02d}"
        expected = model.take(ref, "wales", 2023)
        assert got[ref] == (expected["arrival_order"], expected["selected"])


def test_intake_refused_and_nothing_written_when_the_rate_setting_is_broken(keyed):
    with transaction(keyed):
        settings_svc.set_value(keyed, "sample_rate_k", 0)
    with pytest.raises(Conflict, match="the sample rate setting is not valid"):
        register(keyed, "SFO/BAD/1")
    keyed.rollback()
    assert keyed.scalar(select(Review).where(Review.reference == "SFO/BAD/1")) is None
    assert decisions(keyed) == [] and keyed.scalar(select(SamplerState)) is None


# --- rate and year -------------------------------------------------------------------------------

def test_k_comes_from_settings_and_a_change_applies_from_the_next_run(keyed):
    """A change of rate takes effect from the next review that starts a run in its region (the
    run in progress finishes at the old rate, keeping its one selection); nothing decided before
    is rewritten."""
    with transaction(keyed):
        settings_svc.set_value(keyed, "sample_rate_k", 2)
    model2 = CellModel(KEY, k=2)
    for i in range(7):
        register(keyed, f"SFO/K2/{i}", "london")
    before = {d.review.reference: (d.k, d.selected, d.uniform, d.threshold) for d in decisions(keyed)}
    # the setting changes mid-run (7 arrivals at k=2: the 8th ends the 4th run)
    with transaction(keyed):
        settings_svc.set_value(keyed, "sample_rate_k", 3)
    for i in range(7, 11):
        register(keyed, f"SFO/K2/{i}", "london")
    register(keyed, "SFO/K2/wales", "wales")
    register(keyed, "SFO/K3/next", "london", received_on=date(2024, 4, 2))
    rows = {d.review.reference: d for d in decisions(keyed)}
    assert {ref: (d.k, d.selected, d.uniform, d.threshold) for ref, d in rows.items() if ref in before} == before
    model3 = CellModel(KEY, k=3)  # the new rate counts its runs afresh from arrival 9
    for i in range(11):
        d = rows[f"SFO/K2/{i}"]
        if i < 8:
            expected, k, position = model2.take(f"SFO/K2/{i}", "london", 2023), 2, i % 2
        else:
            expected, k, position = model3.take(f"SFO/K2/{i}", "london", 2023), 3, (i - 8) % 3
        assert (d.k, d.run_position) == (k, position), i
        assert d.selected == expected["selected"] and d.threshold == expected["threshold"]
    london = [rows[f"SFO/K2/{i}"] for i in range(11)]
    assert all(sum(d.selected for d in london[j:j + 2]) == 1 for j in range(0, 8, 2))
    assert sum(d.selected for d in london[8:11]) == 1
    assert rows["SFO/K2/wales"].k == 3
    assert rows["SFO/K3/next"].k == 3 and rows["SFO/K3/next"].threshold == pytest.approx(1 / 3)
    assert {(s.region, s.sampling_year): (s.k, s.run_start) for s in keyed.scalars(select(SamplerState))} == \
        {("london", 2023): (3, 8), ("wales", 2023): (3, 0), ("london", 2024): (3, 0)}
    assert svc.replay(keyed, 2023, KEY).differences == []


def test_sampling_year_boundary_restarts_runs(keyed):
    model = CellModel(KEY)
    days = [date(2024, 3, 27), date(2024, 3, 28), date(2024, 3, 31), date(2024, 4, 1), date(2024, 4, 2)]
    for i, day in enumerate(days):
        register(keyed, f"SFO/YB/{i}", "kent_surrey_sussex", received_on=day)
    got = {d.review.reference: d for d in decisions(keyed)}
    for i, day in enumerate(days):
        year = 2023 if day < date(2024, 4, 1) else 2024
        expected = model.take(f"SFO/YB/{i}", "kent_surrey_sussex", year)
        d = got[f"SFO/YB/{i}"]
        assert d.sampling_year == year
        assert (d.arrival_order, d.run_position, d.uniform, d.selected) == \
            (expected["arrival_order"], expected["run_position"], expected["uniform"], expected["selected"])
    assert [got[f"SFO/YB/{i}"].arrival_order for i in range(5)] == [1, 2, 3, 1, 2]
    # with a calendar sampling year, January starts a new year
    with transaction(keyed):
        settings_svc.set_value(keyed, "sampling_year_start_month", 1)
    register(keyed, "SFO/YB/jan", "kent_surrey_sussex", received_on=date(2025, 1, 2))
    jan = next(d for d in decisions(keyed) if d.review.reference == "SFO/YB/jan")
    assert (jan.sampling_year, jan.arrival_order) == (2025, 1)
    assert jan.uniform == hmac_uniform(KEY, "SFO/YB/jan", 2025)


# --- replay --------------------------------------------------------------------------------------

def test_replay_reproduces_every_decision_byte_for_byte(keyed):
    rows = intake_stream(90, seed=3)
    for ref, region, offence in rows:
        register(keyed, ref, region, offence, date(2023, 9, 1))
    result = svc.replay(keyed, 2023, KEY)
    assert result.differences == []
    assert result.checked == 90
    assert json.dumps(result.stored).encode() == json.dumps(result.replayed).encode()
    # and the stored records are what the documented design gives for this intake order
    model = CellModel(KEY)
    expected = {ref: model.take(ref, region, 2023) for ref, region, _ in rows}
    for record in result.stored:
        assert {k: record[k] for k in expected[record["reference"]]} == expected[record["reference"]]


def test_replay_with_another_key_reports_differences(keyed):
    for i in range(10):
        register(keyed, f"SFO/KEY/{i}", "london")
    other = b"another-key"
    result = svc.replay(keyed, 2023, other)
    uniform_diffs = [d for d in result.differences if ": uniform stored" in d]
    assert len(uniform_diffs) == 10
    # the other key would have selected differently (checked independently)
    other_model = CellModel(other)
    other_selected = {f"SFO/KEY/{i}" for i in range(10)
                      if other_model.take(f"SFO/KEY/{i}", "london", 2023)["selected"]}
    stored_selected = {d.review.reference for d in decisions(keyed) if d.selected}
    assert other_selected != stored_selected
    assert any(": selected stored" in d for d in result.differences)


def test_replay_finds_tampering_gaps_and_unsampled_reviews(keyed):
    for i in range(6):
        register(keyed, f"SFO/TAMP/{i}", "wales")
    assert svc.replay(keyed, 2023, KEY).differences == []
    rows = sorted(decisions(keyed), key=lambda d: d.arrival_order)
    flipped = rows[1]
    with transaction(keyed):
        keyed.execute(update(SampleDecision).where(SampleDecision.id == flipped.id)
                      .values(selected=not flipped.selected))
    diffs = svc.replay(keyed, 2023, KEY).differences
    assert any("SFO/TAMP/1" in d and "selected stored" in d for d in diffs)
    assert any("SFO/TAMP/1" in d and "route is" in d for d in diffs)
    with transaction(keyed):  # put it back, then lose a decision and add an unsampled review
        keyed.execute(update(SampleDecision).where(SampleDecision.id == flipped.id)
                      .values(selected=flipped.selected))
        keyed.delete(keyed.get(SampleDecision, rows[3].id))
    make_review(keyed, reference="SFO/LEGACY/1", received_on=date(2023, 6, 1), region="wales")
    diffs = svc.replay(keyed, 2023, KEY).differences
    assert any("arrival orders are not 1..5" in d for d in diffs)
    assert any("SFO/TAMP/3: received in sampling year 2023 but has no sample decision" in d for d in diffs)
    assert any("SFO/LEGACY/1: received in sampling year 2023 but has no sample decision" in d for d in diffs)
    assert any("stored state" in d for d in diffs)


def test_withdrawn_reviews_stay_counted_in_the_arrival_order(keyed, make_user):
    central, _ = make_user("central_team")
    for i in range(3):
        register(keyed, f"SFO/WD/{i}", "north_west")
    second = keyed.scalar(select(Review).where(Review.reference == "SFO/WD/1"))
    with transaction(keyed):
        lifecycle.apply_action(keyed, second, "withdraw", central, version=second.version,
                               data={"reason": "registered twice"})
    for i in range(3, 7):
        register(keyed, f"SFO/WD/{i}", "north_west")
    got = {d.review.reference: d.arrival_order for d in decisions(keyed)}
    assert got == {f"SFO/WD/{i}": i + 1 for i in range(7)}
    assert svc.replay(keyed, 2023, KEY).differences == []
    assert svc.balance(keyed, 2023)["total"]["intake"] == 7


# --- CLI -----------------------------------------------------------------------------------------

def _run(args, env, **kw):
    return subprocess.run(sfoflow(*args), env=env, capture_output=True, text=True, timeout=120, **kw)


def test_cli_replay_ok_and_with_another_key(api, test_env, settings):
    central, _ = api("central_team")
    for i in range(8):
        resp = central.post("/api/v1/reviews", json=review_payload(reference=f"SFO/CLI/{i}", provider=None))
        assert resp.status_code == 201
    env = {**test_env, "SFOFLOW_SAMPLING_KEY": settings.sampling_key}
    ok = _run(["sample", "replay", "--year", "2023"], env)
    assert ok.returncode == 0, ok.stderr
    assert "replayed 8 decision(s) in 1 region(s)" in ok.stdout and "no differences" in ok.stdout
    bad = _run(["sample", "replay", "--year", "2023"], {**env, "SFOFLOW_SAMPLING_KEY": "not-the-key"})
    assert bad.returncode == 1
    assert "difference(s)" in bad.stderr and "uniform stored" in bad.stderr


def test_cli_simulate_prints_selected_without_a_database(tmp_path):
    rows = intake_stream(60, seed=11)
    path = tmp_path / "intake.csv"
    path.write_text("reference,region,offence_category\n" + "".join(f"{r},{g},{o}\n" for r, g, o in rows))
    env = {**os.environ, "SFOFLOW_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nowhere",
           "SFOFLOW_INSTANCE_DIR": str(tmp_path / "no-instance")}
    out = _run(["sample", "simulate", "--intake", str(path), "--seed", "42"], env)
    assert out.returncode == 0, out.stderr
    model = CellModel(hashlib.sha256(b"sfoflow-simulation-seed:42").digest())
    expected = [r for r, g, _ in rows if model.take(r, g, 2025)["selected"]]
    assert out.stdout.split() == expected
    assert not (tmp_path / "no-instance").exists()


def test_cli_simulate_reports_a_bad_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("reference,region\nA,wales\n")
    out = _run(["sample", "simulate", "--intake", str(path), "--seed", "1"], dict(os.environ))
    assert out.returncode != 0 and "missing column(s) offence_category" in out.stderr


# --- purposive additions -------------------------------------------------------------------------

def test_manager_adds_a_review_on_purpose(api, settings, session):
    central, _ = api("central_team")
    manager, manager_user = api("manager")
    model = CellModel(settings.sampling_key.encode())
    refs = [f"SFO/P/{i}" for i in range(6)]
    for ref in refs:
        assert central.post("/api/v1/reviews", json=review_payload(reference=ref, provider=None)).status_code == 201
    expected = {ref: model.take(ref, "london", 2023)["selected"] for ref in refs}
    routed = [r for r in refs if not expected[r]][0]
    review = session.scalar(select(Review).where(Review.reference == routed))
    url = f"/api/v1/reviews/{review.id}/actions/add_to_sample"
    assert manager.post(url, json={"version": review.version}).status_code == 422  # a reason is required
    assert central.post(url, json={"version": review.version, "reason": "x"}).status_code == 403
    resp = manager.post(url, json={"version": review.version, "reason": "multi-agency learning panel"})
    assert resp.status_code == 200, resp.json
    assert resp.json["state"] == "selected_for_hmip" and resp.json["route"] == "hmip"
    assert resp.json["audit"][-1]["details"]["purposive"] is True

    d = central.get(f"/api/v1/reviews/{review.id}/sample-decision").json
    assert d["purposive"] is True and d["selected"] is False and d["in_hmip_sample"] is True
    assert d["purposive_reason"] == "multi-agency learning panel" and d["purposive_by"] == manager_user.email

    b = central.get("/api/v1/sample/balance?year=2023").json
    london = next(line for line in b["by_region"] if line["code"] == "london")
    # the random figures are unchanged by the addition
    assert (london["intake"], london["selected"]) == (6, sum(expected.values()))
    assert london["purposive"] == 1 and b["total"]["purposive"] == 1
    assert [(p["reference"], p["reason"], p["added_by"]) for p in b["purposive"]] == \
        [(routed, "multi-agency learning panel", manager_user.email)]
    # the random draw still replays exactly
    assert svc.replay(session, 2023, settings.sampling_key.encode()).differences == []


def test_purposive_addition_of_a_review_that_never_went_through_the_draw(api, session):
    manager, _ = api("manager")
    legacy = make_review(session, reference="SFO/OLD/1", state="received", received_on=date(2023, 5, 2))
    resp = manager.post(f"/api/v1/reviews/{legacy.id}/actions/add_to_sample",
                        json={"version": legacy.version, "reason": "high public interest"})
    assert resp.status_code == 200, resp.json
    row = decisions(session)[0]
    assert (row.purposive, row.arrival_order, row.selected, row.sampling_year) == (True, None, None, 2023)
    b = svc.balance(session, 2023)
    assert b["total"]["intake"] == 0 and b["total"]["purposive"] == 1 and len(b["purposive"]) == 1


# --- balance -------------------------------------------------------------------------------------

def test_balance_figures_match_an_independent_count(api, session, settings):
    central, _ = api("central_team")
    with transaction(session):  # the random draw alone: offence variation additions are tested apart
        settings_svc.set_value(session, "offence_variation_threshold", 0)
    rows = intake_stream(70, seed=5)
    for ref, region, offence in rows:
        resp = central.post("/api/v1/reviews", json=review_payload(reference=ref, region=region, provider=None,
                                                                  offence_category=offence))
        assert resp.status_code == 201
    # counted from the reviews' states, not from the sampler's tables
    states = {r.reference: r.state for r in session.scalars(select(Review))}
    intake_r, sel_r, intake_o, sel_o = Counter(), Counter(), Counter(), Counter()
    for ref, region, offence in rows:
        picked = states[ref] == "selected_for_hmip"
        intake_r[region] += 1
        intake_o[offence] += 1
        sel_r[region] += picked
        sel_o[offence] += picked
    b = central.get("/api/v1/sample/balance?year=2023").json
    assert b["sampling_year"] == 2023 and b["from"] == "2023-04-01" and b["k"] == 5
    assert [line["code"] for line in b["by_region"]] == list(reference.regions())
    assert [line["code"] for line in b["by_offence"]] == list(reference.offence_categories())
    for lines, intake, sel in ((b["by_region"], intake_r, sel_r), (b["by_offence"], intake_o, sel_o)):
        for line in lines:
            code = line["code"]
            assert (line["intake"], line["selected"]) == (intake[code], sel[code]), code
            assert line["expected"] == round(intake[code] / 5, 2)
            assert line["difference"] == round(sel[code] - intake[code] / 5, 2)
    assert b["total"]["intake"] == 70 and b["total"]["selected"] == sum(sel_r.values())
    warned = {w["offence_category"] for w in b["warnings"]}
    assert warned == {o for o in intake_o if intake_o[o] >= 5 and sel_o[o] == 0}


def test_warning_for_an_offence_category_with_five_or_more_and_none_selected(keyed):
    model = CellModel(KEY)
    regions = list(reference.regions())
    # five arson reviews, none selected; five homicide reviews, one selected; four rape, none selected
    plan = [("arson_endangering_life", False)] * 5 + [("homicide", True)] + [("homicide", False)] * 4 + \
           [("rape_serious_sexual", False)] * 4
    for i, (offence, want) in enumerate(plan):
        region = regions[i % len(regions)]
        ref = find_reference(model, region, 2023, want, f"W{i}")
        model.take(ref, region, 2023)
        register(keyed, ref, region, offence)
    b = svc.balance(keyed, 2023)
    assert [(w["offence_category"], w["intake"]) for w in b["warnings"]] == [("arson_endangering_life", 5)]
    assert "none selected" in b["warnings"][0]["message"]


# --- who sees what -------------------------------------------------------------------------------

def test_run_position_only_for_admins(api, settings):
    central, _ = api("central_team")
    resp = central.post("/api/v1/reviews", json=review_payload(reference="SFO/SEE/1", provider=None))
    central.post("/api/v1/reviews", json=review_payload(reference="SFO/SEE/2", provider=None))
    review_id = resp.json["id"]
    url = f"/api/v1/reviews/{review_id}/sample-decision"
    model = CellModel(settings.sampling_key.encode())
    expected = model.take("SFO/SEE/1", "london", 2023)
    for role in ("central_team", "manager"):
        client, _ = api(role)
        body = client.get(url).json
        assert not ADMIN_ONLY & set(body), role
        assert body["selected"] is expected["selected"] and body["sampling_year"] == 2023
        assert body["algorithm_version"] == ALGORITHM_VERSION
    inspector, _ = api("inspector")
    assert inspector.get(url).status_code == 403
    admin, _ = api("admin")
    body = admin.get(url).json
    assert {k: body[k] for k in expected} == expected

    export = admin.get("/api/v1/sample/decisions?year=2023").json
    assert [d["reference"] for d in export["decisions"]] == ["SFO/SEE/1", "SFO/SEE/2"]
    assert export["decisions"][0]["run_position"] == 0 and export["decisions"][1]["arrival_order"] == 2
    assert central.get("/api/v1/sample/decisions?year=2023").status_code == 403

    resp = admin.get("/api/v1/sample/decisions?year=2023&format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["reference"] for r in rows] == ["SFO/SEE/1", "SFO/SEE/2"]
    assert float(rows[0]["uniform"]) == expected["uniform"]  # every bit kept
    assert rows[0]["selected"] == str(expected["selected"])


def test_sample_decision_of_an_unsampled_review_is_not_found(api, session):
    central, _ = api("central_team")
    legacy = make_review(session, reference="SFO/OLD/2")
    resp = central.get(f"/api/v1/reviews/{legacy.id}/sample-decision")
    assert resp.status_code == 404 and "no sample decision" in resp.json["error"]["message"]


@pytest.mark.parametrize("query, field", [("year=abc", "year"), ("year=1999", "year"), ("format=xml", "format"),
                                          ("colour=red", "colour")])
def test_query_errors_name_the_field(api, query, field):
    admin, _ = api("admin")
    resp = admin.get(f"/api/v1/sample/decisions?{query}")
    assert resp.status_code == 422 and field in resp.json["error"]["fields"]


def test_default_year_is_the_current_sampling_year(api, session, today):
    year = today.year if today.month >= 4 else today.year - 1
    central, _ = api("central_team")
    assert central.get("/api/v1/sample/balance").json["sampling_year"] == year


# --- the web page --------------------------------------------------------------------------------

def _sign_in(client, user):
    from tests.support.web import sign_in

    client.delete_cookie("session")  # whoever was signed in before
    assert sign_in(client, user).status_code == 302


def test_balance_page(client, keyed, make_user):
    model = CellModel(KEY)
    for region in list(reference.regions())[:5]:  # the fifth of a run in one region would be selected
        ref = find_reference(model, region, 2023, False, f"WEB-{region}")
        model.take(ref, region, 2023)
        register(keyed, ref, region, "arson_endangering_life")
    user, _ = make_user("central_team")
    _sign_in(client, user)
    page = client.get("/sample/balance?year=2023")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="by-region"' in html and 'id="by-offence"' in html
    assert "Arson endangering life: 5 reviews in the random draw and none selected." in html
    assert 'id="export-csv"' not in html  # the export is for admins
    assert 'href="/sample/balance"' in html  # in the navigation

    admin, _ = make_user("admin")
    _sign_in(client, admin)
    assert 'id="export-csv"' in client.get("/sample/balance?year=2023").get_data(as_text=True)
    csv_resp = client.get("/sample/decisions.csv?year=2023")
    assert csv_resp.status_code == 200 and csv_resp.get_data(as_text=True).count("\r\n") == 6

    inspector, _ = make_user("inspector")
    _sign_in(client, inspector)
    assert client.get("/sample/balance").status_code == 403
    assert 'href="/sample/balance"' not in client.get("/reviews").get_data(as_text=True)


def test_openapi_documents_the_sample_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/reviews/{review_id}/sample-decision", "/api/v1/sample/decisions", "/api/v1/sample/balance"):
        assert "get" in paths[path], path


# --- the pure balance ----------------------------------------------------------------------------

def test_balance_core_counts_only_the_random_draw():
    from sfoflow.sampling.balance import DecisionRow, compute

    rows = ([DecisionRow("wales", "homicide", 5, False)] * 4 + [DecisionRow("wales", "homicide", 5, True)]
            + [DecisionRow("wales", "arson", 5, False, purposive=True)]  # in the draw, then added on purpose
            + [DecisionRow("london", "arson", None, None, purposive=True)]  # never in the draw
            + [DecisionRow("london", "rape", 4, False)] * 3)
    b = compute(rows, regions=["london", "wales", "north_east"], offences=["homicide", "arson"])
    lines = {line.code: line.as_dict() for line in b.by_region}
    assert list(lines) == ["london", "wales", "north_east"]
    assert lines["wales"] == {"code": "wales", "intake": 6, "selected": 1, "expected": 1.2, "difference": -0.2,
                              "purposive": 1}
    assert lines["london"] == {"code": "london", "intake": 3, "selected": 0, "expected": 0.75,
                               "difference": -0.75, "purposive": 1}
    assert lines["north_east"]["intake"] == 0
    offences = {line.code: line for line in b.by_offence}
    assert list(offences) == ["homicide", "arson", "rape"]  # an unlisted code is still shown
    assert (offences["arson"].intake, offences["arson"].purposive) == (1, 2)
    assert (b.total.intake, b.total.selected, b.total.purposive) == (9, 1, 2)
    assert b.warnings == []  # homicide has one selected; rape has 3 (< 5)
    more = compute(rows + [DecisionRow("london", "rape", 4, False)] * 2)
    assert [(w["offence_category"], w["intake"]) for w in more.warnings] == [("rape", 5)]
