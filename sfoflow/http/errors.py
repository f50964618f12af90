"""The JSON error envelope every API error uses: {"error": {"status", "message", ...}}."""
from __future__ import annotations

from flask import jsonify

from ..services.errors import ServiceError


def error_response(status: int, message: str, **extra):
    return jsonify({"error": {"status": status, "message": message, **extra}}), status


def service_error_response(exc: ServiceError):
    return jsonify({"error": exc.to_dict()}), exc.status
