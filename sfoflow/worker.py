"""Entry point for ``celery -A sfoflow.worker worker|beat``."""
from . import create_app

app = create_app()
celery = app.extensions["celery"]
