"""Offence variation: purposive additions that make sure every offence category is covered.

Seed 002: "additional parameters assigned to ensure there is geographical coverage and
variation of offence type in the sample". The random design (``design``) guarantees the regions;
this rule adds the offence types without touching it:

Within one sampling year, each offence category's reviews are numbered 1, 2, 3, ... in order of
arrival (``category_order``). When a review is *not* selected by the random draw, its category
has had no review in the HMIP sample so far (neither drawn nor added by this rule), and the
category's intake has reached ``threshold`` (this review included), the review is a **purposive
addition**: it goes to HMIP, recorded with its reason, and is counted apart from the random
sample. The random decision itself (and so the random sample's rate and per-region guarantee)
is unchanged: the addition is a second, separate decision on a review the draw did not take.

A threshold of 0 (or None) switches the rule off. The rule depends only on the arrival order
within the category, the random decisions and the recorded threshold, so ``replay_category``
re-derives every addition from the stored rows. A manager's own purposive addition is a
discretionary act outside the design and does not count here.

Plain Python, no I/O.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RULE_VERSION = "offence-variation-v1"
RULE = "offence_variation"  # the stored ``purposive_rule`` of an addition made by this rule
MANAGER = "manager"  # a manager's addition by hand


@dataclass(frozen=True, slots=True)
class CategoryState:
    """What is stored (and locked) per offence category and sampling year between arrivals."""

    intake: int = 0
    in_sample: int = 0  # random selections plus additions by this rule, so far this year


@dataclass(frozen=True, slots=True)
class VariationDecision:
    category_order: int  # 1-based within category and sampling year
    threshold: int  # as applied (0 = rule off)
    added: bool  # a purposive addition by this rule
    reason: str | None


def check_threshold(threshold: object) -> int:
    if threshold is None:
        return 0
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise ValueError(f"the offence variation threshold must be a whole number 0 or more, got {threshold!r}")
    return threshold


def reason_text(intake: int, category_name: str, threshold: int) -> str:
    category_name = category_name[:1].lower() + category_name[1:]
    return (f"Offence variation: {intake} {category_name} reviews received this year and none in the "
            f"HMIP sample, so this one is added (threshold {threshold}).")


def decide_variation(state: CategoryState, randomly_selected: bool, threshold: int | None,
                     category_name: str = "") -> tuple[VariationDecision, CategoryState]:
    """Decide whether the next arrival of a category is a purposive addition; return the
    decision and the category's new state."""
    threshold = check_threshold(threshold)
    if state.intake < 0 or state.in_sample < 0 or state.in_sample > state.intake:
        raise ValueError(f"invalid category state: {state!r}")
    intake = state.intake + 1
    added = (not randomly_selected and threshold > 0 and state.in_sample == 0 and intake >= threshold)
    decision = VariationDecision(category_order=intake, threshold=threshold, added=added,
                                 reason=reason_text(intake, category_name or "such", threshold) if added else None)
    return decision, CategoryState(intake, state.in_sample + (1 if randomly_selected or added else 0))


@dataclass(frozen=True, slots=True)
class StoredVariation:
    """One stored decision as the replay needs it."""

    reference: str
    offence_category: str
    category_order: int | None
    threshold: int | None
    randomly_selected: bool
    added: bool  # stored as a purposive addition by this rule


def replay_category(rows: Sequence[StoredVariation]) -> tuple[list[str], CategoryState]:
    """Re-derive one category's additions from its stored rows (any order); return the
    differences found and the state the replay ends in."""
    differences: list[str] = []
    ordered = sorted(rows, key=lambda r: (r.category_order is None, r.category_order or 0))
    orders = [r.category_order for r in ordered]
    if orders != list(range(1, len(ordered) + 1)):
        differences.append(f"{ordered[0].offence_category}: category orders are not 1..{len(ordered)} "
                           f"without gaps or repeats")
    state = CategoryState()
    for row in ordered:
        decision, state = decide_variation(state, row.randomly_selected, row.threshold)
        if decision.added != row.added:
            differences.append(f"{row.offence_category} {row.reference}: stored "
                               f"{'an' if row.added else 'no'} offence variation addition, replay gives "
                               f"{'one' if decision.added else 'none'}")
    return differences, state


def simulate_variation(decisions: Iterable[tuple[str, bool]], threshold: int | None) -> list[VariationDecision]:
    """Apply the rule to (offence_category, randomly_selected) in arrival order."""
    states: dict[str, CategoryState] = {}
    out = []
    for category, selected in decisions:
        decision, states[category] = decide_variation(states.get(category, CategoryState()), selected,
                                                      threshold, category)
        out.append(decision)
    return out


__all__ = ["MANAGER", "RULE", "RULE_VERSION", "CategoryState", "StoredVariation", "VariationDecision",
           "check_threshold", "decide_variation", "reason_text", "replay_category", "simulate_variation"]
