"""One module per area; each exposes ``COMMANDS``, a list of click commands or groups."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def app_session():
    """An application (for its config and Celery) and a database session, for a command."""
    from .. import create_app

    app = create_app()
    with app.app_context(), app.extensions["sfoflow_db"].session() as session:
        yield app, session
