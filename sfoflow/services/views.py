"""Plain dicts describing a review for a particular viewer on a particular day.

Computed fields (working days remaining, days overdue, allowed actions) come from the same
calendar and lifecycle as every rule, so the page, the API and the emails agree.
"""
from __future__ import annotations

from datetime import date

from .. import reference
from ..models import AuditEvent, Review, User
from ..workflows import lifecycle as lc
from ..working_days import WorkingCalendar
from .lifecycle import allowed_actions


def deadline(review: Review, calendar: WorkingCalendar, today: date) -> dict:
    counting = review.state in lc.HMIP_OPEN_STATES
    return {
        "working_days_remaining": calendar.working_days_remaining(review.due_on, today) if counting else 0,
        "days_overdue": calendar.days_overdue(review.due_on, today) if counting else 0,
        "is_overdue": counting and review.due_on < today,
    }


def audit_view(event: AuditEvent) -> dict:
    return {"id": event.id, "at": event.created_at, "actor": event.actor_label, "action": event.action,
            "from_state": event.from_state, "to_state": event.to_state, "reason": event.reason,
            "details": event.details}


def review_view(review: Review, calendar: WorkingCalendar, today: date, viewer: User | None,
                audit: list[AuditEvent] | None = None) -> dict:
    view = {
        "id": review.id,
        "reference": review.reference,
        "region": {"code": review.region, "name": reference.region_name(review.region)},
        "offence_category": {"code": review.offence_category, "name": reference.offence_name(review.offence_category)},
        "provider": review.provider,
        "received_on": review.received_on,
        "due_on": review.due_on,
        "original_due_on": review.original_due_on,
        "extended": review.due_on != review.original_due_on,
        "state": review.state,
        "state_label": lc.STATES[review.state],
        "route": review.route,
        "is_high_profile": review.is_high_profile,
        "local_team_email": review.local_team_email,
        "inspector": ({"id": review.inspector.id, "name": review.inspector.name, "email": review.inspector.email}
                      if review.inspector else None),
        "parallel_reviews": [
            {"type": p.type, "type_name": reference.parallel_review_types().get(p.type, {}).get("name", p.type),
             "status": p.status, "notes": p.notes} for p in review.parallel_reviews],
        "allowed_actions": allowed_actions(review, viewer),
        "sent_at": review.sent_at,
        "version": review.version,
        **deadline(review, calendar, today),
    }
    if audit is not None:
        view["audit"] = [audit_view(e) for e in audit]
    return view
