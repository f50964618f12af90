"""How dates, times, states and audit entries read on the page (Jinja filters and globals)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from .. import reference
from ..workflows import lifecycle as lc

LONDON = ZoneInfo("Europe/London")
SERVICE_NAME = "sfoflow"

STATE_TAGS = {  # GOV.UK Frontend 6 tag colours; the default (no modifier) is blue
    lc.RECEIVED: "govuk-tag--teal",
    lc.SELECTED_FOR_HMIP: "govuk-tag--turquoise",
    lc.ROUTED_TO_HMPPS: "govuk-tag--purple",
    lc.ALLOCATED: "",
    lc.IN_QA: "govuk-tag--yellow",
    lc.AWAITING_SIGN_OFF: "govuk-tag--orange",
    lc.FEEDBACK_SENT: "govuk-tag--green",
    lc.WITHDRAWN: "govuk-tag--grey",
}

# Audit actions that are not lifecycle actions.
EVENT_LABELS = {
    "register": "Registered",
    "set_high_profile": "High-profile flag changed",
    "set_parallel_reviews": "Parallel reviews changed",
    "grant_extension": "Extension granted",
}

ROUTES = {"hmip": "HMIP (sampled)", "hmpps": "HMPPS central team"}


def govuk_date(value: date | None) -> str:
    """27 April 2023, as the GOV.UK style guide writes dates."""
    return f"{value.day} {value.strftime('%B %Y')}" if value else ""


def london_time(value: datetime | None) -> str:
    """A stored instant (UTC) as Europe/London wall-clock time: 27 April 2023 at 2:05pm."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{govuk_date(local.date())} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def event_label(action: str) -> str:
    if action in lc.ACTIONS:
        return lc.ACTIONS[action].label
    return EVENT_LABELS.get(action, action.replace("_", " ").capitalize())


def _iso(value) -> str:
    try:
        return govuk_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def describe_event(event: dict, people: dict[int, str]) -> str:
    """The audit entry's details in words (who it was allocated to, which dates moved)."""
    d = event.get("details") or {}
    name = lambda i: people.get(i, f"user {i}")  # noqa: E731
    parts = []
    if "inspector_id" in d:
        parts.append(f"to {name(d['inspector_id'])}")
        if d.get("previous_inspector_id"):
            parts.append(f"from {name(d['previous_inspector_id'])}")
    if isinstance(d.get("due_on"), list) and len(d["due_on"]) == 2:
        parts.append(f"due date {_iso(d['due_on'][0])} → {_iso(d['due_on'][1])}")
    elif d.get("due_on"):
        parts.append(f"due {_iso(d['due_on'])}")
    if isinstance(d.get("is_high_profile"), list) and len(d["is_high_profile"]) == 2:
        old, new = ("yes" if v else "no" for v in d["is_high_profile"])
        parts.append(f"high profile {old} → {new}")
    if "after" in d and isinstance(d["after"], list):
        types = reference.parallel_review_types()
        after = ", ".join(f"{types.get(p.get('type'), {}).get('name', p.get('type'))} ({p.get('status')})"
                          for p in d["after"]) or "none"
        parts.append(f"now: {after}")
    if d.get("route"):
        parts.append(f"route: {lc.STATES.get(d['route'], ROUTES.get(d['route'], d['route']))}")
    return "; ".join(parts)


def state_label(state: str | None) -> str:
    return lc.STATES.get(state, state or "")


def choices(kind: str) -> list[tuple[str, str]]:
    """(value, text) pairs for a select, from the reference data in force."""
    if kind == "state":
        return list(lc.STATES.items())
    if kind == "route":
        return [*ROUTES.items(), ("none", "Not yet sampled")]
    if kind == "provider":
        return [(code, f"{code} ({item['name']})") for code, item in reference.providers().items()]
    source = {"region": reference.regions, "offence_category": reference.offence_categories,
              "parallel_type": reference.parallel_review_types,
              "parallel_status": reference.parallel_review_statuses}[kind]
    return [(code, item["name"]) for code, item in source().items()]


def select_items(pairs, selected=None, blank: str | None = "Any") -> list[dict]:
    """govukSelect items with the chosen one selected; ``blank`` is the "no choice" option."""
    items = [{"value": "", "text": blank}] if blank is not None else []
    chosen = "" if selected is None else str(selected)
    items += [{"value": value, "text": text, "selected": str(value) == chosen} for value, text in pairs]
    return items


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(govuk_date=govuk_date, london_time=london_time, event_label=event_label,
                                 state_label=state_label)

    # Globals, not a context processor: imported macros see globals but not the page's context.
    app.jinja_env.globals.update(
        STATES=lc.STATES, ROLES=lc.ROLES, ACTIONS=lc.ACTIONS, HMIP_OPEN=lc.HMIP_OPEN_STATES,
        FINAL_STATES=lc.FINAL_STATES, STATE_TAGS=STATE_TAGS, ROUTES=ROUTES, reference=reference,
        SERVICE_NAME=SERVICE_NAME, choices=choices, select_items=select_items, describe_event=describe_event)
