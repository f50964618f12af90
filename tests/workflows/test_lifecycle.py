"""The pure lifecycle core: decide() for every (state, action, role), against a table written
by hand from domain.md's diagram (tests/support/lifecycle_table.py), not derived from ACTIONS.

    received --sample--> selected_for_hmip --allocate--> allocated --start--> in_qa --submit-->
        |                                   ^ reallocate |              ^    return       |
        +--sample--> routed_to_hmpps        +------------+              +-----------------+
    --submit--> awaiting_sign_off --approve--> feedback_sent
    any open state --withdraw (reason)--> withdrawn

Who: the sampler (system) samples at intake; the central team allocates; managers reallocate,
return, approve and grant extensions; the allocated inspector starts and submits.
"""
from __future__ import annotations

import itertools

import pytest

from sfoflow.workflows import lifecycle as lc
from tests import support
from tests.support.lifecycle_table import (
    ACTIONS,
    ACTORS,
    FINAL,
    FULL_DATA,
    LEGAL,
    OPEN,
    REQUIRED,
    STATES,
    expected_allowed_now,
    permitted,
)


def test_the_table_covers_the_core():
    """A state or action added to the core must be added to this table first."""
    assert sorted(lc.STATES) == sorted(STATES)
    assert sorted(lc.ACTIONS) == sorted(ACTIONS)
    assert sorted(lc.FINAL_STATES) == FINAL


@pytest.mark.parametrize("state,action,actor", list(itertools.product(STATES, ACTIONS, ACTORS)))
def test_decide_every_state_action_role(state, action, actor):
    role, is_owner = ACTORS[actor]
    decision = lc.decide(state, action, role, FULL_DATA, is_owner=is_owner, problems={})
    assert decision.from_state == state
    assert set(decision.allowed_now) == expected_allowed_now(state, actor)
    if permitted(state, action, actor):
        _, target = LEGAL[(state, action)]
        assert decision.allowed, decision.reasons
        assert decision.to_state == ("selected_for_hmip" if target == "by route" else target)
        assert decision.reasons == ()
    else:
        assert not decision.allowed
        assert decision.to_state is None
        assert decision.reasons and all(r.strip() for r in decision.reasons)
        if (state, action) not in LEGAL:
            assert decision.refused_for == "state"
            assert "not possible from state" in decision.message
        elif role == "inspector" and "owner" in LEGAL[(state, action)][0]:
            assert decision.refused_for == "owner"
            assert "allocated inspector" in decision.message
        elif role == "central_team" and "hmpps_officer" in LEGAL[(state, action)][0]:
            assert decision.refused_for == "owner"
            assert "HMPPS QA officer it is allocated to" in decision.message
        else:
            assert decision.refused_for == "role"
            assert "may not" in decision.message


@pytest.mark.parametrize("route", ["selected_for_hmip", "routed_to_hmpps"])
def test_sample_goes_where_the_route_says(route):
    assert lc.decide("received", "sample", "system", {"route": route}).to_state == route


def test_sample_refuses_a_route_that_is_not_a_target():
    decision = lc.decide("received", "sample", "system", {"route": "allocated"})
    assert not decision.allowed and decision.refused_for == "data"
    assert "route must be one of" in decision.message


def test_unknown_action_is_refused_with_what_is_allowed():
    decision = lc.decide("received", "delete", "manager", FULL_DATA)
    assert not decision.allowed and decision.refused_for == "unknown"
    assert "unknown action 'delete'" in decision.message
    assert set(decision.allowed_now) == {"add_to_sample", "withdraw"}


@pytest.mark.parametrize("state,action", sorted(k for k in LEGAL))
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_required_data_missing_or_blank_is_refused(state, action, blank):
    who, _ = LEGAL[(state, action)]
    actor = sorted(who)[0]
    role, is_owner = ACTORS[actor]
    for name in REQUIRED[action]:
        data = {**FULL_DATA, name: blank}
        decision = lc.decide(state, action, role, data, is_owner=is_owner, problems={})
        assert not decision.allowed and decision.refused_for == "data"
        assert f"{name} is required" in decision.reasons
    # and nothing more is required than the table says
    only = {k: FULL_DATA[k] for k in REQUIRED[action]}
    assert lc.decide(state, action, role, only, is_owner=is_owner, problems={}).allowed


def test_submit_sends_when_sign_off_is_off():
    on = lc.decide("in_qa", "submit", "inspector", {}, sign_off_required=True, problems={})
    off = lc.decide("in_qa", "submit", "inspector", {}, sign_off_required=False, problems={})
    assert (on.to_state, off.to_state) == ("awaiting_sign_off", "feedback_sent")


@pytest.mark.parametrize("state,action,check", [
    ("in_qa", "submit", "assessment_complete"), ("awaiting_sign_off", "approve", "assessment_complete"),
    ("selected_for_hmip", "allocate", "inspector_eligible"), ("allocated", "reallocate", "inspector_eligible"),
])
def test_a_failing_check_refuses_with_its_problems(state, action, check):
    who, _ = LEGAL[(state, action)]
    role, is_owner = ACTORS[sorted(who)[0]]
    decision = lc.decide(state, action, role, FULL_DATA, is_owner=is_owner,
                         problems={check: ["standard 2 has no rating"]})
    assert not decision.allowed and decision.refused_for == "data"
    assert decision.reasons == ("standard 2 has no rating",)


def test_every_open_state_can_be_withdrawn_and_final_states_cannot_move():
    for state in OPEN:
        assert "withdraw" in lc.actions_for(state, "manager")
    for state in FINAL:
        for role in ("system", "central_team", "inspector", "manager", "admin"):
            assert lc.actions_for(state, role) == ()


def test_admin_takes_no_lifecycle_action():
    assert all(lc.actions_for(state, "admin") == () for state in STATES)


# --- docs/lifecycle.md carries the diagram --------------------------------------------------

def test_docs_diagram_is_what_sfoflow_lifecycle_prints():

    from click.testing import CliRunner

    from sfoflow.cli import cli

    printed = CliRunner().invoke(cli, ["lifecycle"]).output
    doc = (support.REPO / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    blocks = doc.split("```mermaid\n")
    assert len(blocks) == 2, "docs/lifecycle.md must hold exactly one mermaid block"
    assert blocks[1].split("```")[0] == printed, (
        "docs/lifecycle.md's diagram differs from `sfoflow lifecycle`; regenerate it")


def test_diagram_draws_every_legal_transition():
    drawn = {tuple(line.split(": ")[0].split(" --> ")) + (line.split(": ")[1].split(" ")[0],)
             for line in lc.mermaid().splitlines() if ": " in line}
    expected = set()
    for (state, action), (_who, target) in LEGAL.items():
        targets = ["selected_for_hmip", "routed_to_hmpps"] if target == "by route" else [target]
        if action == "submit":
            targets.append("feedback_sent")  # when sign-off is off
        expected |= {(state.strip(), t, action) for t in targets}
    assert {(a.strip(), b, c) for a, b, c in drawn} == expected


def test_a_refusal_names_the_action_as_a_person_reads_it():
    decision = lc.decide(lc.RECEIVED, "start", lc.INSPECTOR, {}, is_owner=True)
    assert not decision.allowed
    (refusal,) = decision.refusals
    assert (refusal.field, refusal.code) == (None, "wrong_state")
    assert refusal.message.startswith("Cannot start QA: ")  # "QA" kept, not "start qa"
