"""Run-time settings: a row in ``settings`` wins over the default in config/settings.json."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import load_defaults
from ..models import Setting

_DEFAULTS = load_defaults()


def get(session: Session, key: str):
    if key not in _DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    row = session.get(Setting, key)
    return _DEFAULTS[key] if row is None else row.value


def set_value(session: Session, key: str, value, actor_id: int | None = None) -> None:
    if key not in _DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by_id=actor_id))
    else:
        row.value = value
        row.updated_by_id = actor_id


def all_settings(session: Session) -> dict:
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    return {k: stored.get(k, v) for k, v in _DEFAULTS.items()}
