"""The one list of lifecycle checks, effects and intake hooks (services/wiring.py) is complete:
every check an action names is answered, every effect belongs to a real action, and the
sampler runs at intake. A gap here would otherwise show only when someone takes the action."""
from __future__ import annotations

from sfoflow.services import allocation, assessment, event_notices, notifications, sampling, wiring
from sfoflow.workflows import lifecycle as lc


def test_every_check_an_action_names_is_listed():
    named = {name for action in lc.ACTIONS.values() for name in action.checks}
    assert named == set(wiring.lifecycle_hooks().checks)


def test_effects_belong_to_actions_and_run_in_the_listed_order():
    effects = wiring.lifecycle_hooks().effects
    assert set(effects) <= set(lc.ACTIONS)
    # Hand-written from the features: allocating records the allocation before the notice
    # that reads it; submit and approve fix the overall rating (and send the report).
    assert effects["allocate"] == (allocation.set_inspector, notifications.notify_allocated_inspector)
    # reallocating also tells the inspector who had it; submitting tells the managers when it
    # awaits sign-off; returning tells the inspector (issue 15)
    assert effects["reallocate"] == (*effects["allocate"], event_notices.reallocated_away)
    assert effects["approve"] == (assessment.finalise,)
    assert effects["submit"] == (assessment.finalise, event_notices.awaiting_sign_off)
    assert effects["return"] == (event_notices.returned,)
    assert effects["sample"] == (sampling.set_route,)


def test_the_sample_is_drawn_at_intake():
    assert wiring.lifecycle_hooks().intake == (sampling.draw_at_intake,)
