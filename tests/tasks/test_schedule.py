"""The Celery include list and the beat schedule (sfoflow/tasks/__init__.py) name real tasks,
and every name a service sends by is one a worker knows."""
from __future__ import annotations

from sfoflow.services import health, notifications
from sfoflow.tasks import BEAT_SCHEDULE, INCLUDE


def test_the_schedule_sends_tasks_that_exist(app):
    celery = app.extensions["celery"]
    assert set(celery.conf.include) == set(INCLUDE)
    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} <= set(celery.tasks)
    assert BEAT_SCHEDULE["deadlines-sweep"]["schedule"] == 300.0  # every five minutes (docs/architecture.md)


def test_services_send_only_names_a_worker_knows(app):
    sent_by_name = {health.PING_TASK, notifications.DELIVER_TASK, notifications.DELIVER_MANY_TASK}
    assert sent_by_name <= set(app.extensions["celery"].tasks)
