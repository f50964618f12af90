from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError


def init_app(app: Flask) -> None:
    def handler(code: int, title: str, text: str):
        def handle(exc):
            if request.path.startswith("/api/"):
                return jsonify({"error": {"status": code, "message": getattr(exc, "description", title)}}), code
            return render_template("error.html", code=code, title=title, text=text), code
        return handle

    app.register_error_handler(404, handler(404, "Page not found", "If you typed the web address, check it is correct."))
    app.register_error_handler(403, handler(403, "You cannot see this page", "Your role does not give access to it."))
    app.register_error_handler(405, handler(405, "Not allowed", "That action is not allowed here."))
    app.register_error_handler(500, handler(500, "Sorry, there is a problem", "Try again later."))
    app.register_error_handler(CSRFError, handler(400, "The form had expired",
                                                  "Go back, reload the page and try again."))
