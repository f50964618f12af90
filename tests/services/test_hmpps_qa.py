"""HMPPS QA of a review routed to HMPPS (seed 002, 2.2: "The HMPPS SFO team will continue to
quality assure the remaining 80 per cent of SFO reviews against the same set of standards"),
and no duplicated QA ("the central SFO team will not quality assure the reviews completed by
HM Inspectorate of Probation"; a review QA'd by HMPPS is not added to HMIP's sample).
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sfoflow.assessment.framework import load_framework
from sfoflow.models import Review
from sfoflow.models.assessment import QaReport
from sfoflow.models.hmpps_qa import HmppsQa
from sfoflow.models.notifications import Notification
from sfoflow.services import assessment, notifications
from sfoflow.services.errors import ServiceError
from sfoflow.services.lifecycle import apply_action
from tests.support import clock
from tests.support.assessment import EXPECTED_OVERALL, complete_payload
from tests.support.core import make_person, make_review

# Received Thursday 27 April 2023 (day 0). The HMPPS target is the 20th working day after it,
# counted by hand (1 May, 8 May (coronation) and 29 May 2023 are bank holidays):
# Working days after 27 April 2023: 28 Apr (1); 2, 3, 4, 5 May (2-5); 9, 10, 11, 12 May (6-9);
# 15-19 May (10-14); 22-26 May (15-19); 30 May (20, 29 May is the spring bank holiday).
HMPPS_DUE = date(2023, 5, 30)


@pytest.fixture()
def people(session):
    officer, _ = make_person(session, "central_team")
    officer.hmpps_qa = True
    boss, _ = make_person(session, "central_team")
    boss.hmpps_qa_manager = True
    clerk, _ = make_person(session, "central_team")
    manager, _ = make_person(session, "manager")
    session.commit()
    return {"officer": officer, "boss": boss, "clerk": clerk, "manager": manager}


def routed(session):
    return make_review(session, state="routed_to_hmpps", route="hmpps")


def test_a_routed_review_is_qad_by_hmpps_to_the_end(session, people):
    review = routed(session)
    officer = people["officer"]
    apply_action(session, review, "hmpps_allocate", people["clerk"], version=review.version,
                 data={"officer_id": officer.id})
    session.commit()
    record = session.scalar(select(HmppsQa).where(HmppsQa.review_id == review.id))
    assert (review.state, review.inspector_id, record.due_on) == ("hmpps_allocated", officer.id, HMPPS_DUE)
    apply_action(session, review, "hmpps_start", officer, version=review.version)
    session.commit()
    a = assessment.get(session, review)
    assessment.save_draft(session, review, officer, complete_payload(load_framework("v1"), a.version))
    apply_action(session, review, "hmpps_complete", officer, version=review.version)
    session.commit()
    assert review.state == "hmpps_qa_completed"
    report = session.scalar(select(QaReport).where(QaReport.review_id == review.id))
    assert report.overall_rating == EXPECTED_OVERALL
    assert report.content["report_title"] == "HMPPS QA report"
    assert "HMPPS QA report" in report.html
    assert report.on_time == (clock.today() <= HMPPS_DUE)
    assert "against the HMPPS target" in report.content["timeliness"]
    email = session.scalar(select(Notification).where(Notification.review_id == review.id,
                                                      Notification.kind == "hmpps_qa_report"))
    assert email.recipient_email == review.local_team_email and email.subject.startswith("HMPPS QA report")
    assert session.get(HmppsQa, record.id).completed_at is not None


def test_only_hmpps_qa_staff_may_hold_it_and_only_the_holder_starts_it(session, people):
    review = routed(session)
    with pytest.raises(ServiceError) as refused:
        apply_action(session, review, "hmpps_allocate", people["clerk"], version=review.version,
                     data={"officer_id": people["clerk"].id})
    assert refused.value.refusals[0].message == "That person is not an active HMPPS QA officer"
    session.rollback()
    review = session.get(Review, review.id)
    apply_action(session, review, "hmpps_allocate", people["clerk"], version=review.version,
                 data={"officer_id": people["officer"].id})
    session.commit()
    with pytest.raises(ServiceError) as refused:
        apply_action(session, review, "hmpps_start", people["clerk"], version=review.version)
    assert "HMPPS QA officer it is allocated to" in refused.value.message


def test_add_to_sample_is_refused_once_hmpps_has_started(session, people):
    review = routed(session)
    apply_action(session, review, "hmpps_allocate", people["clerk"], version=review.version,
                 data={"officer_id": people["officer"].id})
    apply_action(session, review, "hmpps_start", people["officer"], version=review.version)
    session.commit()
    before = (review.state, review.version)
    with pytest.raises(ServiceError) as refused:
        apply_action(session, review, "add_to_sample", people["manager"], version=review.version,
                     data={"reason": "high public interest"})
    (refusal,) = refused.value.refusals
    assert refusal.code == "hmpps_qa_started"
    assert "HMPPS started its QA of this review" in refusal.message
    assert "benchmarking exercise" in refusal.message
    session.rollback()
    review = session.get(Review, review.id)
    assert (review.state, review.version) == before


def test_add_to_sample_before_hmpps_starts_releases_the_officer(session, people):
    review = routed(session)
    apply_action(session, review, "hmpps_allocate", people["clerk"], version=review.version,
                 data={"officer_id": people["officer"].id})
    apply_action(session, review, "add_to_sample", people["manager"], version=review.version,
                 data={"reason": "high public interest"})
    session.commit()
    assert (review.state, review.inspector_id) == ("selected_for_hmip", None)
    assert session.scalar(select(HmppsQa).where(HmppsQa.review_id == review.id)) is None


def test_the_sweep_reminds_the_officer_and_escalates_to_central_team_managers(session, people):
    review = routed(session)
    apply_action(session, review, "hmpps_allocate", people["clerk"], version=review.version,
                 data={"officer_id": people["officer"].id})
    session.commit()
    record = session.scalar(select(HmppsQa).where(HmppsQa.review_id == review.id))
    record.allocated_at = record.allocated_at.replace(year=2023, month=4, day=28)
    session.commit()
    # 5 working days before Tuesday 30 May 2023 is Tuesday 23 May 2023 (29 May a bank holiday)
    _, recorded = notifications.record_due(session, date(2023, 5, 23))
    assert [(r.kind, r.recipient) for r in recorded if r.review_id == review.id] == [
        ("hmpps_reminder", people["officer"].email)]
    # Wednesday 31 May 2023 is the first working day past the HMPPS due date
    _, recorded = notifications.record_due(session, date(2023, 5, 31))
    assert [(r.kind, r.recipient) for r in recorded if r.review_id == review.id] == [
        ("hmpps_overdue", people["boss"].email)]
