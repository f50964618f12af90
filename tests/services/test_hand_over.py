"""Issue 14 item 9: an allocation email is marked as handed to the broker only after the
hand-over succeeds. With the broker down it stays unmarked, so the next sweep sends it at once
instead of waiting for a lease nobody took to expire."""
from __future__ import annotations

from datetime import date

from sfoflow.notify import delivery
from sfoflow.services import settings as settings_svc
from sfoflow.services.context import DISPATCHER
from tests.support.deadlines import allocate, recorded, selected_review, staff


class Broker:
    def __init__(self, up: bool):
        self.up, self.sent = up, []

    def send(self, messages):
        if not self.up:
            return 0, "OperationalError: [Errno 111] Connection refused"
        self.sent.extend(messages)
        return len(messages), None


def _allocate_with(session, broker):
    people = staff(session, inspectors=1, managers=0)
    review = selected_review(session, due_on=date(2023, 5, 22))
    session.info[DISPATCHER] = broker
    allocate(session, review, people["inspectors"][0], people["central"][0], on=date(2023, 5, 2))
    return recorded(session, "allocated")[0]


def test_with_the_broker_down_the_allocation_email_is_not_marked_in_flight(session):
    notice = _allocate_with(session, Broker(up=False))
    assert notice.dispatched_at is None and notice.status == "pending"
    policy = delivery.policy_from(settings_svc.all_settings(session))
    assert notice.id in delivery.dispatchable(session, policy, notice.created_at)  # the next sweep takes it


def test_with_the_broker_up_it_is_marked_once_handed_over(session):
    broker = Broker(up=True)
    notice = _allocate_with(session, broker)
    assert [args for _name, args in broker.sent] == [(notice.id,)]
    assert notice.dispatched_at is not None
    policy = delivery.policy_from(settings_svc.all_settings(session))
    assert notice.id not in delivery.dispatchable(session, policy, notice.dispatched_at)  # in flight
