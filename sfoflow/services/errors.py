from __future__ import annotations

from collections.abc import Iterable

from ..refusals import Refusal

__all__ = ["Conflict", "Forbidden", "NotFound", "Refusal", "ServiceError", "ValidationFailed", "flatten_messages"]


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages with every field named in full: ``parallel_reviews.0.type``,
    ``answers.1.1.a.answer``; messages that name no field are under ``_schema``."""
    if not isinstance(messages, dict):
        return {prefix or "_schema": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        out.update(flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


class ServiceError(Exception):
    """A refusal the caller can show: its HTTP status and its refusals (field, code, message).

    ``message``, ``fields`` and ``extra`` (``reasons``, ``code``, ``allowed_actions``, ``errors``)
    are the API's error body as clients have always had it; callers branch on ``refusals``.
    Without ``refusals``, each field message is one (code "invalid"), or else the message is
    (code ``extra["code"]`` or "refused").
    """

    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None,
                 refusals: Iterable[Refusal] | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra
        if refusals is None:
            refusals = [Refusal(f, "invalid", m) for f, ms in self.fields.items() for m in ms] or \
                [Refusal(None, extra.get("code") or "refused", message)]
        self.refusals: list[Refusal] = list(refusals)

    def has(self, code: str) -> bool:
        return any(r.code == code for r in self.refusals)

    def to_dict(self) -> dict:
        body = {"status": self.status, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        body["refusals"] = [r.to_dict() for r in self.refusals]
        return body


class ValidationFailed(ServiceError):
    status = 422


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409
