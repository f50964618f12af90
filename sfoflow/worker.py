"""Entry point for ``celery -A sfoflow.worker worker|beat``.

Celery looks for ``app`` before ``celery`` in this module, so the Flask app must not be
called ``app`` here: ``celery -A`` would pick it and fail.
"""
from . import create_app, logs

logs.configure_celery()
flask_app = create_app()
celery = flask_app.extensions["celery"]
