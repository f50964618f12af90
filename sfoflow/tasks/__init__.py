"""Celery, bound to the Flask application factory.

Embedded default: kombu's SQLAlchemy transport on SQLite, so a fresh machine needs no broker.
Production: Redis. Either way a real worker runs real messages; ``task_always_eager`` is used
only by unit tests that ask for it.
"""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask
from kombu.transport import sqlalchemy as kombu_sqla

# kombu's SQLAlchemy transport sleeps 1 s whenever a poll finds nothing it may take, which caps a
# worker at a few tasks a second. Its transport options all go to create_engine, so the interval
# cannot be set there: it is this class attribute. A poll is one indexed query on a small table.
kombu_sqla.Transport.polling_interval = 0.2

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
        worker_concurrency=settings.worker_concurrency,
        timezone="Europe/London",
        enable_utc=True,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options=transport_options(settings.broker_url),
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


def transport_options(broker_url: str) -> dict:
    """Options that suit the broker: kombu's SQLAlchemy transport hands every option it does
    not know to ``create_engine``, so Redis-only options must not reach it."""
    if broker_url.startswith(("sqla+", "sqlalchemy+")):
        # SQLite: wait for the writer's lock rather than fail when web and worker meet.
        return {"connect_args": {"timeout": 30}} if "+sqlite" in broker_url else {}
    # Redis: an unacknowledged (acks_late) task is redelivered after an hour, not before.
    return {"visibility_timeout": 3600}


def session_scope():
    """A database session for a task (tasks run inside the Flask app context)."""
    from flask import current_app

    return current_app.extensions["sfoflow_db"].session()
