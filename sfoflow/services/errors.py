from __future__ import annotations


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
    """A refusal the caller can show: HTTP status, message, optional per-field reasons."""

    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra

    def to_dict(self) -> dict:
        body = {"status": self.status, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return body


class ValidationFailed(ServiceError):
    status = 422


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409
