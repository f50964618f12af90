"""WSGI entry point: ``gunicorn sfoflow.wsgi:app`` (``sfoflow web`` runs the same app)."""
from . import create_app

app = create_app()
