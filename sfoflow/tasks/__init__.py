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

# --- the one place: every task module, and everything beat sends on a schedule -----------------
# Each task has an explicit name (services send tasks by name, never by importing them).
INCLUDE = [
    "sfoflow.tasks.delivery",   # sfoflow.notifications.deliver, sfoflow.notifications.deliver_many
    "sfoflow.tasks.health",     # sfoflow.health.ping
    "sfoflow.tasks.imports",    # sfoflow.imports.run
    "sfoflow.tasks.sweep",      # sfoflow.deadlines.sweep
]
SWEEP_EVERY_SECONDS = 300.0  # how soon a notification goes out after it falls due
BEAT_SCHEDULE = {
    "deadlines-sweep": {"task": "sfoflow.deadlines.sweep", "schedule": SWEEP_EVERY_SECONDS},
}


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
        include=INCLUDE,
        beat_schedule=BEAT_SCHEDULE,
        beat_schedule_filename=f"{settings.instance_dir}/celerybeat-schedule",
    )
    celery.set_default()
    celery.loader.import_default_modules()  # the INCLUDE list, so every process knows every task
    app.extensions["celery"] = celery
    return celery


class CeleryDispatcher:
    """The services' Dispatcher (``services.dispatch``) on this application's broker."""

    def __init__(self, app: Flask):
        self._app = app

    def send(self, messages) -> tuple[int, str | None]:
        if not messages:
            return 0, None
        celery = self._app.extensions["celery"]
        sent = 0
        try:
            with celery.connection_for_write() as conn:
                conn.ensure_connection(max_retries=0, timeout=2)  # a broker that is down fails at once
                for name, args in messages:
                    celery.send_task(name, args=list(args), connection=conn, retry=False)
                    sent += 1
        except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep catches up
            return sent, f"{type(exc).__name__}: {exc}"
        return sent, None


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
