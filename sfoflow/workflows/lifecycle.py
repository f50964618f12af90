"""The review lifecycle: states, actions, who may take them and what each needs.

Why a table and not a state-machine library (``transitions``, ``python-statemachine``)?
Those bind state to a model object and fire callbacks; we need something else: a refusal that
says why and lists what is allowed, a role and ownership check, required data, named checks
computed by the caller (e.g. "the assessment is complete"), and a transition that is written
by a service inside a database transaction with an optimistic version check. All of that is a
dozen lines over a table like the one below, which also draws the diagram. A library would add
a dependency and hide the rules behind its callback order.

Pure: no Flask, no SQLAlchemy. ``decide`` answers "may this happen, and to what state?".
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..refusals import Refusal

RECEIVED = "received"
SELECTED_FOR_HMIP = "selected_for_hmip"
ROUTED_TO_HMPPS = "routed_to_hmpps"
ALLOCATED = "allocated"
IN_QA = "in_qa"
AWAITING_SIGN_OFF = "awaiting_sign_off"
FEEDBACK_SENT = "feedback_sent"
WITHDRAWN = "withdrawn"
# The HMPPS SFO central team's QA of the reviews routed to it (the other 80%).
HMPPS_ALLOCATED = "hmpps_allocated"
HMPPS_IN_QA = "hmpps_in_qa"
HMPPS_QA_COMPLETED = "hmpps_qa_completed"

STATES: dict[str, str] = {
    RECEIVED: "Received",
    SELECTED_FOR_HMIP: "Selected for HMIP",
    ROUTED_TO_HMPPS: "Routed to HMPPS",
    ALLOCATED: "Allocated",
    IN_QA: "In QA",
    AWAITING_SIGN_OFF: "Awaiting sign-off",
    FEEDBACK_SENT: "Feedback sent",
    WITHDRAWN: "Withdrawn",
    HMPPS_ALLOCATED: "Allocated for HMPPS QA",
    HMPPS_IN_QA: "In HMPPS QA",
    HMPPS_QA_COMPLETED: "HMPPS QA completed",
}
FINAL_STATES = frozenset({FEEDBACK_SENT, WITHDRAWN, HMPPS_QA_COMPLETED})
OPEN_STATES = frozenset(STATES) - FINAL_STATES
# States in which HMIP owes a QA report against the 15-working-day deadline.
HMIP_OPEN_STATES = frozenset({SELECTED_FOR_HMIP, ALLOCATED, IN_QA, AWAITING_SIGN_OFF})
# States in which an HMPPS QA officer holds the QA against the HMPPS target.
HMPPS_HELD_STATES = frozenset({HMPPS_ALLOCATED, HMPPS_IN_QA})

CENTRAL_TEAM = "central_team"
INSPECTOR = "inspector"
MANAGER = "manager"
ADMIN = "admin"
SYSTEM = "system"  # the sampler, acting at intake
ROLES: dict[str, str] = {
    CENTRAL_TEAM: "Central team (HMPPS SFO team)",
    INSPECTOR: "Inspector (HMIP)",
    MANAGER: "Manager (HMIP)",
    ADMIN: "Admin",
}


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    targets: tuple[str, ...]
    roles: frozenset[str]
    requires: tuple[str, ...] = ()  # data fields that must be present and non-blank
    checks: tuple[str, ...] = ()  # named preconditions the caller evaluates
    owner_only: bool = False  # only the person holding the QA may take it (an inspector, or an HMPPS QA officer)
    choose_by: str | None = None  # data field naming the target, when there are several

    @property
    def in_a_sentence(self) -> str:
        """The label inside a sentence: "Start QA" reads "start QA", never "start qa"."""
        return self.label[:1].lower() + self.label[1:]


# Roles whose members can hold a review's QA themselves (review.inspector_id): HMIP inspectors,
# and the central team's HMPPS QA officers.
OWNER_ROLES = frozenset({INSPECTOR, CENTRAL_TEAM})


def _a(name, label, sources, targets, roles, **kw) -> Action:
    return Action(name, label, frozenset(sources), tuple(targets), frozenset(roles), **kw)


ACTIONS: dict[str, Action] = {a.name: a for a in (
    _a("sample", "Sample", [RECEIVED], [SELECTED_FOR_HMIP, ROUTED_TO_HMPPS], [SYSTEM],
       requires=("route",), choose_by="route"),
    # Allowed while HMPPS has only allocated its QA; refused, with the reason, once HMPPS has
    # started it (a review is QA'd by one body: a second QA only in a benchmarking exercise).
    _a("add_to_sample", "Add to HMIP sample", [ROUTED_TO_HMPPS, RECEIVED, HMPPS_ALLOCATED, HMPPS_IN_QA],
       [SELECTED_FOR_HMIP], [MANAGER], requires=("reason",), checks=("hmpps_qa_not_started",)),
    _a("allocate", "Allocate", [SELECTED_FOR_HMIP], [ALLOCATED], [CENTRAL_TEAM, MANAGER],
       requires=("inspector_id",), checks=("inspector_eligible",)),
    _a("reallocate", "Reallocate", [ALLOCATED, IN_QA], [ALLOCATED], [CENTRAL_TEAM, MANAGER],
       requires=("inspector_id", "reason"), checks=("inspector_eligible",)),
    _a("start", "Start QA", [ALLOCATED], [IN_QA], [INSPECTOR], owner_only=True),
    # Without sign-off, submit sends the report: the target is chosen by the setting.
    _a("submit", "Submit", [IN_QA], [AWAITING_SIGN_OFF, FEEDBACK_SENT], [INSPECTOR],
       owner_only=True, checks=("assessment_complete", "learning_recorded"), choose_by="sign_off"),
    _a("return", "Return to inspector", [AWAITING_SIGN_OFF], [IN_QA], [MANAGER], requires=("reason",)),
    _a("approve", "Approve and send", [AWAITING_SIGN_OFF], [FEEDBACK_SENT], [MANAGER],
       checks=("assessment_complete",)),
    _a("hmpps_allocate", "Allocate for HMPPS QA", [ROUTED_TO_HMPPS, HMPPS_ALLOCATED], [HMPPS_ALLOCATED],
       [CENTRAL_TEAM], requires=("officer_id",), checks=("hmpps_officer_eligible",)),
    _a("hmpps_start", "Start HMPPS QA", [HMPPS_ALLOCATED], [HMPPS_IN_QA], [CENTRAL_TEAM], owner_only=True),
    _a("hmpps_complete", "Complete HMPPS QA and send", [HMPPS_IN_QA], [HMPPS_QA_COMPLETED], [CENTRAL_TEAM],
       owner_only=True, checks=("assessment_complete",)),
    _a("withdraw", "Withdraw", OPEN_STATES, [WITHDRAWN], [CENTRAL_TEAM, MANAGER], requires=("reason",)),
)}


@dataclass(frozen=True)
class Decision:
    action: str
    from_state: str
    to_state: str | None
    allowed: bool
    reasons: tuple[str, ...] = ()
    allowed_now: tuple[str, ...] = field(default=())
    refused_for: str | None = None  # unknown | state | role | owner | data
    refusals: tuple[Refusal, ...] = ()  # the same reasons as data: field, code, person's message

    @property
    def message(self) -> str:
        return "; ".join(self.reasons)


# What a person is asked for when an action's required field is blank.
REQUIRED_MESSAGES = {"reason": "Enter the reason", "inspector_id": "Select an inspector", "route": "Select the route",
                     "officer_id": "Select an HMPPS QA officer"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def actions_for(state: str, role: str, *, is_owner: bool = True) -> tuple[str, ...]:
    """Actions this role could take from this state (before data and checks)."""
    return tuple(
        a.name for a in ACTIONS.values()
        if state in a.sources and role in a.roles and (is_owner or not a.owner_only or role not in OWNER_ROLES)
    )


def decide(
    state: str,
    action_name: str,
    role: str,
    data: Mapping[str, object] | None = None,
    *,
    is_owner: bool = True,
    sign_off_required: bool = True,
    problems: Mapping[str, list[str | Refusal]] | None = None,
) -> Decision:
    """May ``role`` take ``action_name`` from ``state`` with ``data``? To which state?

    ``problems`` maps a check name to what is wrong (an empty list means the check passes): a
    Refusal, or a sentence (then the check's name is its code); the caller computes them
    because they need the database.
    """
    data = data or {}
    problems = problems or {}
    allowed_now = actions_for(state, role, is_owner=is_owner)
    action = ACTIONS.get(action_name)

    def refuse(kind: str, *refusals: Refusal) -> Decision:
        return Decision(action_name, state, None, False, tuple(r.reason for r in refusals), allowed_now, kind,
                        refusals)

    def whole(code: str, reason: str) -> Refusal:
        # about the action as a whole: the person reads which action could not be done, and why
        label = action.in_a_sentence if action else action_name
        return Refusal(None, code, f"Cannot {label}: {reason}", detail=reason)

    if action is None:
        return refuse("unknown", whole("unknown_action", f"unknown action {action_name!r}"))
    if state not in action.sources:
        return refuse("state", whole("wrong_state",
                                     f"'{action.label}' is not possible from state '{STATES.get(state, state)}'"))
    if role not in action.roles:
        return refuse("role", whole("not_allowed", f"the {ROLES.get(role, role)} role may not '{action.label}'"))
    if action.owner_only and role in OWNER_ROLES and not is_owner:
        holder = "allocated inspector" if role == INSPECTOR else "HMPPS QA officer it is allocated to"
        return refuse("owner", whole("not_owner", f"only the {holder} may '{action.label}'"))
    refusals = [Refusal(name, "required", REQUIRED_MESSAGES.get(name, f"Enter the {name.replace('_', ' ')}"),
                        detail=f"{name} is required")
                for name in action.requires if _missing(data.get(name))]
    for check in action.checks:
        refusals.extend(p if isinstance(p, Refusal) else whole(check, p) for p in problems.get(check, ()))
    if refusals:
        return refuse("data", *refusals)

    if action.choose_by == "route":
        target = data.get("route")
        if target not in action.targets:
            return refuse("data", Refusal("route", "invalid", "Select a route the review can take",
                                          detail=f"route must be one of {', '.join(action.targets)}"))
    elif action.choose_by == "sign_off":
        target = AWAITING_SIGN_OFF if sign_off_required else FEEDBACK_SENT
    else:
        (target,) = action.targets
    return Decision(action_name, state, target, True, (), allowed_now)


def mermaid() -> str:
    """The state diagram, drawn from ``ACTIONS`` so it cannot drift from the rules."""
    lines = ["stateDiagram-v2", f"    [*] --> {RECEIVED}"]
    for action in ACTIONS.values():
        for source in sorted(action.sources):
            for target in action.targets:
                who = ", ".join(sorted(action.roles))
                lines.append(f"    {source} --> {target}: {action.name} ({who})")
    lines += [f"    {s} --> [*]" for s in sorted(FINAL_STATES)]
    return "\n".join(lines) + "\n"


def as_dict() -> dict:
    return {
        "states": [{"name": s, "label": label, "final": s in FINAL_STATES} for s, label in STATES.items()],
        "actions": [
            {"name": a.name, "label": a.label, "from": sorted(a.sources), "to": list(a.targets),
             "roles": sorted(a.roles), "requires": list(a.requires), "checks": list(a.checks),
             "owner_only": a.owner_only}
            for a in ACTIONS.values()
        ],
    }
