"""Every API error is JSON: {"error": {"status", "message", "fields"?, ...}}."""
from __future__ import annotations

import logging

from flask import request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..http.errors import error_response, service_error_response
from ..services.errors import ServiceError, flatten_messages
from . import bp

log = logging.getLogger(__name__)


def _is_api() -> bool:
    return request.path.startswith(bp.url_prefix)


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    return service_error_response(exc)


@bp.errorhandler(ValidationError)
def _validation_error(exc: ValidationError):
    fields = flatten_messages(exc.messages)
    first = "; ".join(f"{k}: {v[0] if isinstance(v, list) and v else v}" for k, v in fields.items())
    return error_response(422, f"invalid input: {first}", fields=fields)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return error_response(exc.code or 500, exc.description or exc.name)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    log.exception("unhandled API error")
    return error_response(500, "internal error; it has been logged")
