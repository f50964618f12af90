"""The lifecycle as the tests expect it, written out by hand from domain.md's diagram (not
derived from sfoflow.workflows.lifecycle): states, actions, who may take each action from which
state, and the data each action needs. test_lifecycle checks the pure core against it and
test_lifecycle_service the services and API.
"""
from __future__ import annotations

STATES = ["received", "selected_for_hmip", "routed_to_hmpps", "allocated", "in_qa", "awaiting_sign_off",
          "feedback_sent", "withdrawn",
          # issue 10: the HMPPS central team's QA of the reviews routed to it (domain.md, "The HMPPS 80%")
          "hmpps_allocated", "hmpps_in_qa", "hmpps_qa_completed"]
OPEN = ["received", "selected_for_hmip", "routed_to_hmpps", "allocated", "in_qa", "awaiting_sign_off",
        "hmpps_allocated", "hmpps_in_qa"]
FINAL = ["feedback_sent", "hmpps_qa_completed", "withdrawn"]
ACTIONS = ["sample", "add_to_sample", "allocate", "reallocate", "start", "submit", "return", "approve",
           "withdraw", "hmpps_allocate", "hmpps_start", "hmpps_complete"]
# An actor is (role, holds the review's QA: the allocated inspector, or the HMPPS QA officer).
ACTORS = {
    "system": ("system", False),
    "central_team": ("central_team", False),
    "hmpps_officer": ("central_team", True),
    "owner": ("inspector", True),
    "other_inspector": ("inspector", False),
    "manager": ("manager", False),
    "admin": ("admin", False),
}

# (from state, action) -> (who may, to state). "owner" is the allocated inspector only.
# Choices the diagram leaves open, taken as the lead wrote them and listed in the report:
#  * managers may allocate too, and the central team may reallocate (both "allocate");
#  * reallocate is also legal from in_qa (an inspector who started and then fell ill), going
#    back to allocated for the new inspector to start;
#  * add_to_sample (not drawn) lets a manager add a review routed to HMPPS, or not yet
#    sampled, to the HMIP sample, with a reason;
#  * withdraw is for the central team and managers;
#  * HMPPS QA (issue 10): any central-team member allocates to an HMPPS QA officer (also to
#    reallocate before the QA starts); only that officer ("hmpps_officer") starts and completes;
#  * add_to_sample stays open from hmpps_allocated and hmpps_in_qa in this table: the service's
#    check "hmpps_qa_not_started" refuses it once the HMPPS QA has started, with the reason.
LEGAL = {
    ("received", "sample"): ({"system"}, "by route"),
    ("received", "add_to_sample"): ({"manager"}, "selected_for_hmip"),
    ("routed_to_hmpps", "add_to_sample"): ({"manager"}, "selected_for_hmip"),
    ("selected_for_hmip", "allocate"): ({"central_team", "manager"}, "allocated"),
    ("allocated", "reallocate"): ({"central_team", "manager"}, "allocated"),
    ("in_qa", "reallocate"): ({"central_team", "manager"}, "allocated"),
    ("allocated", "start"): ({"owner"}, "in_qa"),
    ("in_qa", "submit"): ({"owner"}, "awaiting_sign_off"),
    ("awaiting_sign_off", "return"): ({"manager"}, "in_qa"),
    ("awaiting_sign_off", "approve"): ({"manager"}, "feedback_sent"),
    **{(s, "withdraw"): ({"central_team", "manager"}, "withdrawn") for s in OPEN},
    ("routed_to_hmpps", "hmpps_allocate"): ({"central_team"}, "hmpps_allocated"),
    ("hmpps_allocated", "hmpps_allocate"): ({"central_team"}, "hmpps_allocated"),
    ("hmpps_allocated", "hmpps_start"): ({"hmpps_officer"}, "hmpps_in_qa"),
    ("hmpps_in_qa", "hmpps_complete"): ({"hmpps_officer"}, "hmpps_qa_completed"),
    ("hmpps_allocated", "add_to_sample"): ({"manager"}, "selected_for_hmip"),
    ("hmpps_in_qa", "add_to_sample"): ({"manager"}, "selected_for_hmip"),
}
REQUIRED = {
    "sample": ["route"], "add_to_sample": ["reason"], "allocate": ["inspector_id"],
    "reallocate": ["inspector_id", "reason"], "start": [], "submit": [], "return": ["reason"],
    "approve": [], "withdraw": ["reason"], "hmpps_allocate": ["officer_id"], "hmpps_start": [],
    "hmpps_complete": [],
}
FULL_DATA = {"route": "selected_for_hmip", "reason": "a reason", "inspector_id": 7, "officer_id": 8}


def permitted(state: str, action: str, actor: str) -> bool:
    rule = LEGAL.get((state, action))
    if rule is None:
        return False
    who, _ = rule
    role, is_owner = ACTORS[actor]
    return (actor in who or ("owner" in who and role == "inspector" and is_owner)
            or ("hmpps_officer" in who and role == "central_team" and is_owner)
            or (actor == "hmpps_officer" and "central_team" in who))


def expected_allowed_now(state: str, actor: str) -> set[str]:
    return {a for a in ACTIONS if permitted(state, a, actor)}
