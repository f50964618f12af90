"""Arranging QA assessments for the assessment tests: a complete set of answers, written out from
the framework's own list of items (so a later framework version is filled in too)."""
from __future__ import annotations

from sfoflow.assessment.framework import TEXT, Framework

# Ratings chosen for the tests, with the expected total worked out by hand:
# Good 2 + Requires improvement 1 + Outstanding 3 + Good 2 = 8, which is in 7-10: Good.
RATINGS = {"1": "good", "2": "requires_improvement", "3": "outstanding", "4": "good"}
EXPECTED_SCORE = 8
EXPECTED_OVERALL = "good"

FEEDBACK = {
    "1": "The analysis of assessment and planning was thorough; reviewing was thin.",
    "2": "Judgements on partnership working were not reached.",
    "3": "Learning was identified clearly and the actions are measurable.",
    "4": "Written with care for the family; the language is plain.",
}
SUMMARY = "A sound review with one clear gap in its overall judgements."


def complete_answers(framework: Framework, answer: str = "yes") -> dict:
    """Every item answered (yes/no items with ``answer``, text items with some words)."""
    out = {}
    for item in framework.all_items():
        if item.answer_type == TEXT:
            out[item.id] = {"answer": f"Text for {item.id}"}
        else:
            out[item.id] = {"answer": answer, "note": f"Evidence for {item.id}"}
    return out


def complete_payload(framework: Framework, version: int) -> dict:
    return {"version": version, "answers": complete_answers(framework), "ratings": dict(RATINGS),
            "feedback": dict(FEEDBACK), "summary": SUMMARY}
