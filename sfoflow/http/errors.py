"""The JSON error envelope every API error uses: {"error": {"status", "message", ...}}."""
from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError


def error_response(status: int, message: str, **extra):
    return jsonify({"error": {"status": status, "message": message, **extra}}), status


def service_error_response(exc: ServiceError):
    return jsonify({"error": exc.to_dict()}), exc.status


def with_allow(response, exc: HTTPException):
    """A 405 says which methods the address takes (``Allow``), a 429 or 503 when to try again
    (``Retry-After``), as HTTP asks."""
    extra = {k: v for k, v in exc.get_headers() if k in ("Allow", "Retry-After")}
    if not extra:
        return response
    body, code, *headers = response if isinstance(response, tuple) else (response, exc.code)
    return body, code, {**(headers[0] if headers else {}), **extra}
