"""Every API error is JSON: {"error": {"status", "message", "fields"?, "refusals"?, ...}}."""
from __future__ import annotations

import logging

from flask import Blueprint
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..http import outages
from ..http.errors import error_response, service_error_response, with_allow
from ..services.errors import ServiceError, flatten_messages

log = logging.getLogger(__name__)


def register(bp: Blueprint) -> None:
    """Every error under ``bp`` answers JSON, never an HTML page."""
    bp.register_error_handler(ServiceError, service_error_response)
    bp.register_error_handler(ValidationError, _validation_error)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(Exception, _unexpected)


def _validation_error(exc: ValidationError):
    fields = flatten_messages(exc.messages)
    first = "; ".join(f"{k}: {v[0] if isinstance(v, list) and v else v}" for k, v in fields.items())
    return error_response(422, f"invalid input: {first}", fields=fields)


def _http_error(exc: HTTPException):
    return with_allow(error_response(exc.code or 500, exc.description or exc.name), exc)


def _unexpected(exc: Exception):
    kind = outages.kind_of(exc)
    if kind is not None:
        return outages.outage_response(kind, exc)
    log.exception("unhandled API error")
    return error_response(500, "internal error; it has been logged")
