"""What plugs into the review lifecycle and into intake: the one list, read top to bottom.

A lifecycle action (``sfoflow.workflows.lifecycle``) names the checks it needs; the services
below answer them, and run the effects of an action inside its transaction, in the order
listed. Intake hooks run when a review is registered. Nothing registers itself on import, so
no application can be half-wired: ``apply_action`` and ``register`` ask for this list.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from sqlalchemy.orm import Session

Check = Callable[..., list]             # (session, review, data) -> the Refusals it finds
Effect = Callable[..., None]            # (session, review, actor, data, decision)
IntakeHook = Callable[..., None]        # (session, review, actor)
IntakeLock = Callable[..., None]        # (session, region, offence_category, received_on)


@dataclass(frozen=True)
class LifecycleHooks:
    checks: Mapping[str, Check]
    effects: Mapping[str, tuple[Effect, ...]]
    intake: tuple[IntakeHook, ...]
    # Taken before a registration writes its review, in the order a batch import takes them: a
    # registration that wrote first and locked after could deadlock with an import of the same
    # reference (each waiting for what the other holds).
    intake_locks: tuple[IntakeLock, ...]


@cache
def lifecycle_hooks() -> LifecycleHooks:
    # Imported here rather than at the top: these modules call apply_action, which reads this.
    from . import allocation, assessment, event_notices, hmpps_qa, learning, notifications, sampling

    allocated = (allocation.set_inspector, notifications.notify_allocated_inspector)
    return LifecycleHooks(
        checks={
            "inspector_eligible": allocation.inspector_eligible,
            "assessment_complete": assessment.assessment_complete,
            "hmpps_officer_eligible": hmpps_qa.officer_eligible,
            "hmpps_qa_not_started": hmpps_qa.not_started,
            "learning_recorded": learning.learning_recorded,
        },
        effects={
            "sample": (sampling.set_route,),
            "add_to_sample": (hmpps_qa.release, sampling.add_on_purpose),
            "allocate": allocated,
            "reallocate": (*allocated, event_notices.reallocated_away),
            "start": (assessment.create_draft,),
            "submit": (assessment.finalise, event_notices.awaiting_sign_off),
            "return": (event_notices.returned,),
            "approve": (assessment.finalise,),
            "hmpps_allocate": (hmpps_qa.allocate,),
            "hmpps_start": (hmpps_qa.start,),
            "hmpps_complete": (hmpps_qa.complete,),
        },
        intake=(sampling.draw_at_intake,),
        intake_locks=(sampling.lock_at_intake,),
    )


def take_intake_locks(session: Session, data: dict) -> None:
    for lock in lifecycle_hooks().intake_locks:
        lock(session, data["region"], data["offence_category"], data["received_on"])


def run_intake_hooks(session: Session, review, actor) -> None:
    for hook in lifecycle_hooks().intake:
        hook(session, review, actor)


# What the deadline sweep records besides the QA reminders: each hook is
# (session, day, now) -> [notifications.Recorded], inserted under unique keys (exactly once).
SweepHook = Callable[..., list]


@cache
def sweep_hooks() -> tuple[SweepHook, ...]:
    from . import panels

    return (panels.record_due,)  # learning panels: reminders to agencies, panel actions
