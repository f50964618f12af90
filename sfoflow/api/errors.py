"""Every API error is JSON: {"error": {"status", "message", "fields"?, ...}}."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError

log = logging.getLogger(__name__)


def error_response(status: int, message: str, **extra):
    return jsonify({"error": {"status": status, "message": message, **extra}}), status


def register(bp: Blueprint) -> None:
    """Every error under ``bp`` answers JSON, never an HTML page."""
    bp.register_error_handler(ServiceError, _service_error)
    bp.register_error_handler(ValidationError, _validation_error)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(Exception, _unexpected)


def _service_error(exc: ServiceError):
    return jsonify({"error": exc.to_dict()}), exc.status


def _validation_error(exc: ValidationError):
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    fields = _flatten(messages)
    first = "; ".join(f"{k}: {v[0] if isinstance(v, list) and v else v}" for k, v in fields.items())
    return error_response(422, f"invalid input: {first}", fields=fields)


def _flatten(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    """Nested errors (a list of parallel reviews) as dotted names: ``parallel_reviews.0.type``."""
    out = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return out


def _http_error(exc: HTTPException):
    return error_response(exc.code or 500, exc.description or exc.name)


def _unexpected(exc: Exception):
    log.exception("unhandled API error")
    return error_response(500, "internal error; it has been logged")
