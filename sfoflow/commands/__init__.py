"""The sub-commands of ``sfoflow``, one module per area; sfoflow/cli.py lists them all.

Keep the top of these modules light (click and the standard library): a command imports the
app, the database, alembic or Celery inside its function, so each pays only for what it uses.
"""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def app_session():
    """An application (for its config and Celery) and a database session, for a command."""
    from .. import create_app

    app = create_app()
    with app.app_context(), app.extensions["sfoflow_db"].session() as session:
        yield app, session
