"""Celery, bound to the Flask application factory.

Embedded default: kombu's SQLAlchemy transport on SQLite, so a fresh machine needs no broker.
Production: Redis. Either way a real worker runs real messages; ``task_always_eager`` is used
only by unit tests that ask for it.
"""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask

BEAT_SCHEDULE: dict = {}  # filled by task modules: name -> {"task", "schedule"}


def init_celery(app: Flask) -> Celery:
    settings = app.config["SFOFLOW"]

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=settings.broker_url,
        result_backend=settings.result_backend,
        task_acks_late=True,  # a task is acknowledged only once done: a killed worker's task is redelivered
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        timezone="Europe/London",
        enable_utc=True,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600, "polling_interval": 0.5},
        beat_schedule=BEAT_SCHEDULE,
        beat_schedule_filename=f"{settings.instance_dir}/celerybeat-schedule",
    )
    celery.set_default()
    app.extensions["celery"] = celery
    import sys

    from .. import plugins

    # Every task module registers its tasks (and beat entries) on import.
    celery.conf.include = [m.__name__ for m in plugins.import_all(sys.modules[__name__])]

    return celery


def session_scope():
    """A database session for a task (tasks run inside the Flask app context)."""
    from flask import current_app

    return current_app.extensions["sfoflow_db"].session()
