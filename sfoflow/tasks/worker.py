"""Entry point for ``celery -A sfoflow.tasks.worker worker|beat``."""
from .. import create_app

app = create_app()
celery = app.extensions["celery"]
