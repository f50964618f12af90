"""Run-time settings: read once per transaction, changed by admins only, every change audited."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from sfoflow.db import transaction
from sfoflow.models import SettingChange
from sfoflow.models.sampling import SampleDecision
from sfoflow.services import reviews
from sfoflow.services import settings as svc
from sfoflow.services.errors import Forbidden, NotFound, ValidationFailed
from tests.support.core import make_person


@pytest.fixture
def people(session):
    admin, _ = make_person(session, "admin", name="Ada Admin")
    manager, _ = make_person(session, "manager")
    return admin, manager


class SettingsReads:
    """Counts the statements that read the settings table."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, *args):
        if "FROM settings" in statement:
            self.count += 1


def test_settings_are_read_once_per_transaction(session, database):
    with SettingsReads(database.engine) as reads:
        with transaction(session):
            for _ in range(3):
                assert svc.get(session, "sample_rate_k") == 5
                assert svc.get(session, "sign_off_required") is True
            svc.all_settings(session)
        assert reads.count == 1
        with transaction(session):  # a new transaction reads afresh
            svc.get(session, "page_size_default")
        assert reads.count == 2
        session.rollback()
        svc.get(session, "page_size_default")
        assert reads.count == 3


def test_a_change_is_seen_in_the_same_transaction_and_by_the_next(session, database, people):
    admin, _ = people
    with transaction(session):
        assert svc.get(session, "sample_rate_k") == 5
        svc.change(session, "sample_rate_k", "4", admin)
        assert svc.get(session, "sample_rate_k") == 4
    with database.session() as other:
        assert svc.get(other, "sample_rate_k") == 4


def test_each_change_is_audited_with_who_when_old_and_new(session, people):
    admin, _ = people
    with transaction(session):
        row = svc.change(session, "reminder_working_days", "3, 1,0", admin, reason="earlier reminders")
    assert (row.key, row.old_value, row.new_value, row.changed_by_id, row.reason) == (
        "reminder_working_days", [5, 2, 0], [3, 1, 0], admin.id, "earlier reminders")
    assert row.changed_at is not None
    with transaction(session):  # the same value again: not a change, nothing recorded
        assert svc.change(session, "reminder_working_days", "0, 1, 3", admin) is None
    history = svc.history(session)
    assert [(h["key"], h["old_value"], h["new_value"], h["changed_by"]) for h in history] == [
        ("reminder_working_days", [5, 2, 0], [3, 1, 0], "Ada Admin")]


@pytest.mark.parametrize("key,value,message", [
    ("sample_rate_k", "0", "Enter a number of 1 or more"),
    ("sample_rate_k", "five", "Enter a whole number"),
    ("offence_variation_threshold", "-1", "Enter a number of 0 or more"),
    ("sign_off_required", "maybe", "Choose on or off"),
    ("reminder_working_days", "", "Enter at least one whole number"),
    ("senior_policy_adviser_email", "not an email", "Enter an email address like name@example.org, or leave it blank"),
])
def test_bad_values_are_refused_naming_the_setting(session, people, key, value, message):
    admin, _ = people
    with pytest.raises(ValidationFailed) as caught:
        with transaction(session):
            svc.change_many(session, {"page_size_default": "40", key: value}, admin)
    assert [(r.field, r.message) for r in caught.value.refusals] == [(key, message)]
    assert session.scalar(select(SettingChange)) is None  # all or nothing
    assert svc.get(session, "page_size_default") == 50


def test_only_admins_change_settings_and_only_known_ones(session, people):
    admin, manager = people
    with pytest.raises(Forbidden):
        svc.change(session, "sample_rate_k", "4", manager)
    with pytest.raises(NotFound):
        svc.change(session, "database_url", "sqlite://", admin)  # not a run-time setting


def test_a_new_sample_rate_applies_from_the_next_review_and_past_decisions_stay(session, people):
    admin, _ = people
    session.info["sampling_key"] = b"settings-test-key"

    def register(ref, region):
        data = {"reference": ref, "region": region, "offence_category": "homicide",
                "received_on": date(2023, 5, 2), "provider": None, "is_high_profile": False,
                "parallel_reviews": [], "local_team_email": "sfo@example.org"}
        with transaction(session):
            reviews.register(session, data, None)

    for i in range(5):  # one complete run of 5 in london
        register(f"RATE/{i}", "london")
    in_order = select(SampleDecision).order_by(SampleDecision.id)
    before = [(d.k, d.selected, d.threshold) for d in session.scalars(in_order)]
    with transaction(session):
        svc.change(session, "sample_rate_k", "2", admin)
    register("RATE/5", "london")
    register("RATE/W", "wales")
    session.expire_all()
    rows = list(session.scalars(in_order))
    assert [(d.k, d.selected, d.threshold) for d in rows[:5]] == before
    assert [d.k for d in rows[5:]] == [2, 2]
    assert rows[5].threshold == 0.5 and rows[6].threshold == 0.5
