"""A refusal as data: what it is about, a stable code, and what to tell the person.

Pure (the lifecycle core and the services both build them; the API shows them, the pages link
each to its input through a table of their own). ``field`` is the input the refusal is about,
or None for the whole form or action; ``code`` is a machine word a caller may branch on
("stale", "required", "not_allowed", "wrong_state" ...); ``message`` is plain English for a
person, without ids or field paths. ``detail`` is the older, developer-facing wording the API
has always given in its ``reasons`` (it may name ids and versions); None when it is the message.
"""
from __future__ import annotations

from typing import NamedTuple


class Refusal(NamedTuple):
    field: str | None
    code: str
    message: str
    detail: str | None = None

    @property
    def reason(self) -> str:
        """The API's ``reasons`` entry (kept as it was for existing clients)."""
        return self.detail if self.detail is not None else self.message

    def to_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}
