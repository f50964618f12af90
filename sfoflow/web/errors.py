"""Error pages in the GOV.UK style; JSON for anything under /api/ (the API's clients read JSON)."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..http import outages
from ..http.errors import error_response, with_allow
from ..http.outages import outage_response
from ..services.errors import ServiceError

log = logging.getLogger(__name__)

PAGES = {
    400: ("Sorry, there is a problem with your request", "Check what you entered and try again."),
    403: ("You do not have access to this page", "Your role does not give access to it. "
                                                  "If you think it should, ask an admin."),
    404: ("Page not found", "If you typed the web address, check it is correct. "
                            "If you pasted the web address, check you copied the entire address. "
                            "A review you are not allocated to is not shown to you."),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    409: ("This could not be done", "Someone else may have changed it while you were working. "
                                    "Reload the page to see the latest details and try again."),
    413: ("The file is too big", "Files must be smaller than 10MB."),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    422: ("Sorry, there is a problem with your request", "Check what you entered and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. The problem has been logged."),
}
CSRF_PAGE = ("The form had expired", "For your security, forms stop working after a while or when you sign "
             "in again. Go back, reload the page and try again.")


def render_error(code: int, title: str, text: str, detail: str | None = None):
    if request.path.startswith("/api/"):
        return error_response(code, detail or title)
    try:
        return render_template("error.html", code=code, title=title, text=text, detail=detail), code
    except Exception:  # the page itself needs the database (who is signed in); never fail twice
        log.exception("could not render the %s page", code)
        return f"{title}. {text}", code, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_error(400, *CSRF_PAGE, detail=exc.description)

    # An unexpected exception reaches this as a 500 (InternalServerError) after Flask logs it;
    # tests with TESTING=True see the exception itself instead.
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 500
        title, text = PAGES.get(code, (exc.name, exc.description or ""))
        return with_allow(render_error(code, title, text, detail=exc.description), exc)

    outages.init_app(app)

    @app.errorhandler(Exception)
    def _maybe_outage(exc: Exception):
        """A database or broker out of reach: 503, logged once (see ``http.outages``); anything
        else is a server error as before (Flask logs it with its traceback)."""
        kind = outages.kind_of(exc)
        if kind is None:
            if isinstance(exc, HTTPException):
                return _http(exc)
            raise exc
        return outage_response(kind, exc)

    @app.errorhandler(ServiceError)
    def _service(exc: ServiceError):
        # Pages catch the refusals they expect; this is the rest (a review that is not yours: 404).
        title, text = PAGES.get(exc.status, PAGES[400])
        return render_error(exc.status, title, text, detail=exc.message)
