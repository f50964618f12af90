"""Run-time settings: a row in ``settings`` wins over the default in config/settings.json.

Read once per transaction: the first ``get`` in a transaction loads every stored row into
``session.info`` and later reads use that copy; it is dropped when the transaction commits or
rolls back, so a request or a task reads the settings table once, and the next transaction sees
any change. ``set_value`` and ``change`` keep the copy up to date.

Admins change the settings listed in ``EDITABLE`` (``change``), each change audited in
``setting_changes`` with who, when, the old and the new value. A change applies from the next
decision that reads it and never rewrites past ones (a new sample rate, for instance, applies
from the next review that starts a run in its region: sampling/design.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..config import load_defaults
from ..models import Setting, SettingChange
from ..refusals import Refusal
from ..workflows import lifecycle as lc
from .errors import Forbidden, NotFound, ValidationFailed
from .stored_settings import remember
from .stored_settings import rows as _stored

_DEFAULTS = load_defaults()


# --- reading, once per transaction (stored_settings) ------------------------------------------

def get(session: Session, key: str):
    if key not in _DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    stored = _stored(session)
    return stored[key] if key in stored else _DEFAULTS[key]


def set_value(session: Session, key: str, value, actor_id: int | None = None) -> None:
    """Store a value as is (no check, no audit): for tests, scripts and ``change``."""
    if key not in _DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by_id=actor_id))
    else:
        row.value = value
        row.updated_by_id = actor_id
    remember(session, key, value)


def all_settings(session: Session) -> dict:
    stored = _stored(session)
    return {k: stored.get(k, v) for k, v in _DEFAULTS.items()}


# --- what admins may change, and how it is checked --------------------------------------------

@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    hint: str
    kind: str  # 'int', 'bool', 'int_list', 'email'
    minimum: int | None = None
    maximum: int | None = None


EDITABLE: tuple[Spec, ...] = (
    Spec("sample_rate_k", "HMIP sample rate: 1 review in", "5 means 20%. A change applies from the next review "
         "that starts a run in its region; decisions already made are never changed.", "int", 1, 20),
    Spec("offence_variation_threshold", "Offence variation threshold",
         "When this many reviews of one offence category have arrived in the year with none in the HMIP sample, "
         "the next one is added on purpose. 0 switches this off.", "int", 0, 500),
    Spec("sign_off_required", "Manager sign-off before feedback is sent",
         "When off, submitting a QA sends the feedback straight away.", "bool"),
    Spec("high_profile_requires_senior", "High-profile reviews go to senior inspectors only", "", "bool"),
    Spec("reminder_working_days", "Reminders to the inspector (working days before the due date)",
         "Whole numbers separated by commas, for example 5, 2, 0.", "int_list", 0, 30),
    Spec("unallocated_alert_working_days", "Alert managers when a sampled review is unallocated for (working days)",
         "", "int", 0, 30),
    Spec("digest_due_soon_working_days", "Daily digest: due soon means within (working days)", "", "int", 0, 30),
    Spec("page_size_default", "Rows on a page", "", "int", 1, 500),
    Spec("page_size_max", "Most rows the API returns on a page", "", "int", 1, 5000),
    Spec("senior_policy_adviser_email", "Senior policy adviser told of high-profile queries",
         "An email address, or leave blank. The central team is always told.", "email"),
)
EDITABLE_KEYS = tuple(s.key for s in EDITABLE if s.key in _DEFAULTS)


def spec(key: str) -> Spec:
    for s in EDITABLE:
        if s.key == key and key in _DEFAULTS:
            return s
    raise NotFound(f"there is no setting called {key!r} that can be changed here")


def parse(s: Spec, raw) -> object:
    """The value from a form (text) or JSON; raises ValueError with a plain message."""
    if s.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "yes", "on", "1"):
            return True
        if text in ("false", "no", "off", "0"):
            return False
        raise ValueError("Choose on or off")
    if s.kind == "email":
        text = "" if raw is None else str(raw).strip()
        if text and ("@" not in text or " " in text or text.startswith("@") or text.endswith("@")):
            raise ValueError("Enter an email address like name@example.org, or leave it blank")
        return text
    if s.kind == "int_list":
        parts = raw if isinstance(raw, list) else [p for p in str(raw).replace(" ", "").split(",") if p != ""]
        if not parts:
            raise ValueError("Enter at least one whole number")
        values = sorted({_whole(p, s) for p in parts}, reverse=True)
        return values
    return _whole(raw, s)


def _whole(raw, s: Spec) -> int:
    if isinstance(raw, bool):
        raise ValueError("Enter a whole number")
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if not text.lstrip("-").isdigit():
            raise ValueError("Enter a whole number")
        value = int(text)
    if s.minimum is not None and value < s.minimum:
        raise ValueError(f"Enter a number of {s.minimum} or more")
    if s.maximum is not None and value > s.maximum:
        raise ValueError(f"Enter a number of {s.maximum} or less")
    return value


def change(session: Session, key: str, raw, actor, reason: str | None = None) -> SettingChange | None:
    """An admin changes one setting: checked, stored, audited (who, when, old, new). Returns the
    audit row, or None when the value is unchanged (nothing is recorded)."""
    if actor is None or actor.role != lc.ADMIN:
        raise Forbidden("only an admin can change settings")
    s = spec(key)
    try:
        value = parse(s, raw)
    except ValueError as exc:
        raise ValidationFailed(f"{s.label}: {exc}", fields={key: [str(exc)]},
                               refusals=[Refusal(key, "invalid", str(exc))]) from None
    if key == "page_size_default" and value > get(session, "page_size_max"):
        msg = "Rows on a page cannot be more than the most rows the API returns"
        raise ValidationFailed(msg, fields={key: [msg]}, refusals=[Refusal(key, "invalid", msg)])
    old = get(session, key)
    if old == value:
        return None
    set_value(session, key, value, actor.id)
    row = SettingChange(key=key, old_value=old, new_value=value, changed_by_id=actor.id,
                        reason=(reason or "").strip() or None)
    session.add(row)
    session.flush()
    return row


def change_many(session: Session, values: dict, actor, reason: str | None = None) -> list[SettingChange]:
    """Several settings at once, all or nothing: every problem is reported together."""
    problems: list[Refusal] = []
    for key in values:
        if key not in EDITABLE_KEYS:
            problems.append(Refusal(key, "unknown", "There is no such setting"))
        else:
            try:
                parse(spec(key), values[key])
            except ValueError as exc:
                problems.append(Refusal(key, "invalid", str(exc)))
    if problems:
        raise ValidationFailed("the settings were not changed: " + "; ".join(p.message for p in problems),
                               fields={p.field: [p.message] for p in problems}, refusals=problems)
    return [row for key in values if (row := change(session, key, values[key], actor, reason)) is not None]


def current(session: Session) -> list[dict]:
    """The editable settings as the page and the API show them."""
    out = []
    for s in EDITABLE:
        if s.key not in _DEFAULTS:
            continue
        value = get(session, s.key)
        out.append({"key": s.key, "label": s.label, "hint": s.hint, "kind": s.kind, "value": value,
                    "default": _DEFAULTS[s.key], "minimum": s.minimum, "maximum": s.maximum})
    return out


def history(session: Session, limit: int = 50) -> list[dict]:
    rows = session.scalars(select(SettingChange).options(selectinload(SettingChange.changed_by))
                           .order_by(SettingChange.id.desc()).limit(limit))
    labels = {s.key: s.label for s in EDITABLE}
    return [{"id": r.id, "key": r.key, "label": labels.get(r.key, r.key), "old_value": r.old_value,
             "new_value": r.new_value, "changed_at": r.changed_at,
             "changed_by": r.changed_by.name if r.changed_by else None,
             "changed_by_email": r.changed_by.email if r.changed_by else None, "reason": r.reason}
            for r in rows]
