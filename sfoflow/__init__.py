"""sfoflow: case tracking for the independent QA of Serious Further Offence reviews.

Importing the package costs nothing: the application factory lives in ``sfoflow.app`` and
is imported only by what builds an application (the web, the worker, a command that needs one),
so a command such as ``sfoflow due-date`` pays only for the calendar.
"""
from __future__ import annotations


def create_app(settings=None):
    """Build the application: see :func:`sfoflow.app.create_app`."""
    from .app import create_app as factory

    return factory(settings)


def db_session():
    """The request's database session: see :func:`sfoflow.app.db_session`."""
    from .app import db_session as current

    return current()
