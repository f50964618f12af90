"""Every API error is JSON: {"error": {"status", "message", "fields"?, ...}}."""
from __future__ import annotations

import logging

from flask import jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError
from . import bp

log = logging.getLogger(__name__)


def error_response(status: int, message: str, **extra):
    return jsonify({"error": {"status": status, "message": message, **extra}}), status


def _is_api() -> bool:
    return request.path.startswith(bp.url_prefix)


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    return jsonify({"error": exc.to_dict()}), exc.status


@bp.errorhandler(ValidationError)
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


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return error_response(exc.code or 500, exc.description or exc.name)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    log.exception("unhandled API error")
    return error_response(500, "internal error; it has been logged")
