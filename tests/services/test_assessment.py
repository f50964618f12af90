"""The QA assessment service: drafts, validation, submit / return / approve, the report,
timeliness, framework pinning and high-profile queries. Real database, no mocks."""
from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from sfoflow.assessment.framework import DEFAULT_CONFIG_DIR, load_framework
from sfoflow.models import AuditEvent, Review
from sfoflow.models.assessment import Assessment, HighProfileQuery, QaReport
from sfoflow.services import assessment as svc
from sfoflow.services import high_profile_queries as hpq
from sfoflow.services import settings
from sfoflow.services.errors import Conflict, Forbidden, ValidationFailed
from sfoflow.services.lifecycle import apply_action
from tests.support import clock
from tests.support.assessment import (
    EXPECTED_OVERALL,
    EXPECTED_SCORE,
    FEEDBACK,
    RATINGS,
    SUMMARY,
    complete_answers,
    complete_payload,
)
from tests.support.core import make_person, make_review

FW = load_framework("v1")


@pytest.fixture
def people(session):
    inspector, _ = make_person(session, "inspector", name="Ina Inspector")
    manager, _ = make_person(session, "manager", name="Mona Manager")
    central, _ = make_person(session, "central_team", name="Cen Central")
    return inspector, manager, central


def started(session, inspector, **kw) -> Review:
    review = make_review(session, state="allocated", inspector=inspector, **kw)
    apply_action(session, review, "start", inspector, version=review.version)
    session.commit()
    return review


def fresh(database, model, **where):
    """Read back what is committed, in a new session (nothing cached)."""
    with database.session() as s:
        return s.scalar(select(model).filter_by(**where))


def test_start_creates_a_draft_pinned_to_the_latest_framework(session, people, database):
    inspector, *_ = people
    review = started(session, inspector)
    stored = fresh(database, Assessment, review_id=review.id)
    assert stored is not None
    assert stored.framework_version == "v2"  # config/qa_framework/v2.json, the newest file
    assert stored.answers == {} and stored.ratings == {}


def test_partial_draft_is_kept_and_merged(session, people, database):
    inspector, *_ = people
    review = started(session, inspector)
    a = svc.get(session, review)
    svc.save_draft(session, review, inspector, {
        "version": a.version,
        "answers": {"1.1.a": {"answer": "yes", "note": "Risk assessed on time"},
                    "1.1.d": {"answer": "na"}},  # 1.1.d allows 'not applicable'
        "ratings": {"2": "good"}, "summary": "So far so good"})
    session.commit()
    first_version = a.version
    # a second save changes one note and one rating; the rest stays
    svc.save_draft(session, review, inspector, {
        "version": first_version, "answers": {"1.1.a": {"note": "Risk assessed late"}},
        "feedback": {"2": "Clear judgements"}})
    session.commit()

    stored = fresh(database, Assessment, review_id=review.id)
    assert stored.answers == {"1.1.a": {"answer": "yes", "note": "Risk assessed late"},
                              "1.1.d": {"answer": "na"}}
    assert stored.ratings == {"2": "good"}
    assert stored.feedback == {"2": "Clear judgements"}
    assert stored.summary == "So far so good"
    assert stored.updated_by_id == inspector.id
    assert stored.version == first_version + 1

    # clearing: null removes an answer
    svc.save_draft(session, review, inspector, {"version": stored.version, "answers": {"1.1.d": None},
                                                "ratings": {"2": None}})
    session.commit()
    stored = fresh(database, Assessment, review_id=review.id)
    assert "1.1.d" not in stored.answers and stored.ratings == {}


@pytest.mark.parametrize("payload, field_path", [
    ({"answers": {"9.9.z": {"answer": "yes"}}}, ("answers", "9.9.z")),
    ({"answers": {"1.1.a": {"answer": "na"}}}, ("answers", "1.1.a", "answer")),  # 1.1.a has no n/a
    ({"answers": {"1.1.a": {"answer": "maybe"}}}, ("answers", "1.1.a", "answer")),
    ({"answers": {"1.1.a": {"answer": "yes", "colour": "red"}}}, ("answers", "1.1.a", "colour")),
    ({"ratings": {"1": "excellent"}}, ("ratings", "1")),
    ({"ratings": {"5": "good"}}, ("ratings", "5")),
    ({"feedback": {"7": "x"}}, ("feedback", "7")),
    ({"overall_rating": "good"}, ("overall_rating",)),  # computed, never typed
])
def test_invalid_draft_is_refused_naming_the_field_and_nothing_changes(session, people, database,
                                                                      payload, field_path):
    inspector, *_ = people
    review = started(session, inspector)
    a = svc.get(session, review)
    svc.save_draft(session, review, inspector, {"version": a.version, "answers": {"chron.a": {"answer": "no"}}})
    session.commit()
    before = fresh(database, Assessment, review_id=review.id)
    with pytest.raises(ValidationError) as exc:
        svc.save_draft(session, review, inspector, {"version": before.version, **payload})
    session.rollback()
    node = exc.value.messages
    for key in field_path:
        assert key in node, (field_path, exc.value.messages)
        node = node[key]
    after = fresh(database, Assessment, review_id=review.id)
    assert (after.answers, after.ratings, after.version) == (before.answers, before.ratings, before.version)


def test_na_refusal_says_why(session, people):
    inspector, *_ = people
    review = started(session, inspector)
    with pytest.raises(ValidationError) as exc:
        svc.save_draft(session, review, inspector, {"version": svc.get(session, review).version,
                                                    "answers": {"4.a": {"answer": "na"}}})
    assert "not applicable" in exc.value.messages["answers"]["4.a"]["answer"][0]


def test_a_stale_draft_save_is_refused(session, people, database):
    inspector, *_ = people
    review = started(session, inspector)
    version = svc.get(session, review).version
    svc.save_draft(session, review, inspector, {"version": version, "answers": {"2.a": {"answer": "yes"}}})
    session.commit()
    with pytest.raises(Conflict) as exc:  # the other tab still holds the old version
        svc.save_draft(session, review, inspector, {"version": version, "answers": {"2.a": {"answer": "no"}}})
    session.rollback()
    assert exc.value.extra["code"] == "stale"
    assert fresh(database, Assessment, review_id=review.id).answers["2.a"]["answer"] == "yes"


def test_only_the_allocated_inspector_edits_and_only_in_qa(session, people):
    inspector, manager, central = people
    other, _ = make_person(session, "inspector")
    review = make_review(session, state="allocated", inspector=inspector)
    with pytest.raises(Conflict, match="start the QA"):
        svc.save_draft(session, review, inspector, {"version": 1})
    apply_action(session, review, "start", inspector, version=review.version)
    session.commit()
    for person in (other, manager, central):
        with pytest.raises(Forbidden):
            svc.save_draft(session, review, person, {"version": 1})


def test_submit_is_refused_listing_what_is_missing(session, people, database):
    inspector, *_ = people
    review = started(session, inspector)
    a = svc.get(session, review)
    answers = complete_answers(FW)
    del answers["3.2.f"]
    answers["info.staff_interviewed"] = {"answer": "no"}  # so the reason becomes required
    del answers["info.staff_not_interviewed_reason"]
    feedback = dict(FEEDBACK)
    del feedback["4"]
    svc.save_draft(session, review, inspector, {"version": a.version, "answers": answers,
                                                "ratings": {"1": "good", "2": "good", "4": "good"},
                                                "feedback": feedback})
    session.commit()
    state_before = review.state
    with pytest.raises(ValidationFailed) as exc:
        apply_action(session, review, "submit", inspector, version=review.version)
    session.rollback()
    reasons = exc.value.extra["reasons"]
    text = "\n".join(reasons)
    assert "3.2 f)" in text
    assert "If relevant staff were not interviewed, why not?" in text
    assert "Standard 3 (Learning): no rating" in text
    assert "Standard 4 (Victims and their families): written feedback is missing" in text
    assert "summary is missing" in text
    assert len(reasons) == 5, reasons
    with database.session() as s:
        assert s.get(Review, review.id).state == state_before == "in_qa"


def fill(session, review, inspector, framework=FW):
    a = svc.get(session, review)
    svc.save_draft(session, review, inspector, complete_payload(framework, a.version))
    session.commit()


def test_sign_off_path_return_keeps_answers_then_approve_sends(session, people, database):
    inspector, manager, _ = people
    review = started(session, inspector)
    fill(session, review, inspector)

    apply_action(session, review, "submit", inspector, version=review.version)
    session.commit()
    a = fresh(database, Assessment, review_id=review.id)
    assert review.state == "awaiting_sign_off"
    assert (a.overall_score, a.overall_rating) == (EXPECTED_SCORE, EXPECTED_OVERALL)
    assert a.submitted_at is not None
    assert fresh(database, QaReport, review_id=review.id) is None  # not sent before sign-off
    answers_at_submit = a.answers

    with pytest.raises(ValidationFailed, match="reason is required"):
        apply_action(session, review, "return", manager, version=review.version)
    session.rollback()
    apply_action(session, review, "return", manager, version=review.version,
                 data={"reason": "Standard 2 feedback needs an example"})
    session.commit()
    assert review.state == "in_qa"
    returned = fresh(database, Assessment, review_id=review.id)
    assert returned.answers == answers_at_submit and returned.ratings == RATINGS
    assert returned.feedback == FEEDBACK and returned.summary == SUMMARY
    assert svc.latest_return(session, review).reason == "Standard 2 feedback needs an example"
    # while returned the inspector can edit again
    svc.save_draft(session, review, inspector, {"version": returned.version,
                                                "feedback": {"2": "Judgements on partnership working "
                                                                  "were not reached, e.g. with police."}})
    session.commit()

    apply_action(session, review, "submit", inspector, version=review.version)
    session.commit()
    apply_action(session, review, "approve", manager, version=review.version)
    session.commit()

    with database.session() as s:
        stored = s.get(Review, review.id)
        report = s.scalar(select(QaReport).where(QaReport.review_id == review.id))
        assert stored.state == "feedback_sent"
        assert stored.sent_at is not None
        assert report is not None
        assert report.sent_at == stored.sent_at
        assert report.sent_to == "sfo.london@example.org"
        assert report.overall_rating == EXPECTED_OVERALL and report.overall_score == EXPECTED_SCORE
        assert report.approved_by_id == manager.id
        assert report.inspector_name == "Ina Inspector"
        assert report.pdf.startswith(b"%PDF")
        assert "e.g. with police" in report.html
        # original due 22 May 2023; sent today (after it) -> late
        assert report.on_time is False
        approve = s.scalar(select(AuditEvent).where(AuditEvent.review_id == review.id,
                                                    AuditEvent.action == "approve"))
        assert approve.details["overall_rating"] == EXPECTED_OVERALL


def test_sign_off_off_submit_sends(session, people, database):
    inspector, *_ = people
    settings.set_value(session, "sign_off_required", False)
    session.commit()
    due = clock.today() + timedelta(days=10)
    review = started(session, inspector, due_on=due, original_due_on=due)
    fill(session, review, inspector)
    apply_action(session, review, "submit", inspector, version=review.version)
    session.commit()
    with database.session() as s:
        report = s.scalar(select(QaReport).where(QaReport.review_id == review.id))
        assert s.get(Review, review.id).state == "feedback_sent"
        assert report is not None and report.approved_by_id is None
        assert report.on_time is True
        assert report.content["signed_off_by"] is None


def test_timeliness_uses_the_original_due_date_not_the_extension(session, people, database):
    inspector, manager, _ = people
    settings.set_value(session, "sign_off_required", False)
    session.commit()
    original = clock.today() - timedelta(days=3)
    review = started(session, inspector, original_due_on=original, due_on=clock.today() + timedelta(days=7))
    fill(session, review, inspector)
    apply_action(session, review, "submit", inspector, version=review.version)
    session.commit()
    report = fresh(database, QaReport, review_id=review.id)
    assert report.on_time is False
    assert report.content["due_on"] == original.isoformat()
    assert report.content["timeliness"].startswith("Late")


def test_sent_on_the_due_date_is_on_time(session, people, database):
    inspector, *_ = people
    settings.set_value(session, "sign_off_required", False)
    session.commit()
    review = started(session, inspector, original_due_on=clock.today(), due_on=clock.today())
    fill(session, review, inspector)
    apply_action(session, review, "submit", inspector, version=review.version)
    session.commit()
    assert fresh(database, QaReport, review_id=review.id).on_time is True


def test_a_new_framework_version_does_not_change_an_old_assessment(session, people, database, tmp_path,
                                                                   monkeypatch):
    inspector, *_ = people
    folder = tmp_path / "config" / "qa_framework"
    folder.mkdir(parents=True)
    shutil.copy(DEFAULT_CONFIG_DIR / "qa_framework" / "v1.json", folder / "v1.json")
    monkeypatch.setattr(svc, "FRAMEWORK_CONFIG_DIR", tmp_path / "config")

    old = started(session, inspector)
    assert svc.get(session, old).framework_version == "v1"

    # v2 adds a required prompt 4.f to standard 4
    raw = json.loads((folder / "v1.json").read_text(encoding="utf-8"))
    raw["version"] = "2099-01"
    std4 = next(s for s in raw["standards"] if s["id"] == "4")
    std4["prompts"].append({"id": "4.f", "number": "f", "text": "Is the review shared with the family?",
                            "answer_type": "yes_no", "required": True, "allows_na": False,
                            "verbatim": False})
    (folder / "v2.json").write_text(json.dumps(raw), encoding="utf-8")

    new = started(session, inspector)
    assert svc.get(session, new).framework_version == "v2"
    assert svc.get(session, old).framework_version == "v1"

    # the old assessment is still judged by v1: 4.f is unknown to it and not required
    with pytest.raises(ValidationError) as exc:
        svc.save_draft(session, old, inspector, {"version": svc.get(session, old).version,
                                                 "answers": {"4.f": {"answer": "yes"}}})
    session.rollback()
    assert "4.f" in exc.value.messages["answers"]
    fill(session, old, inspector, load_framework("v1"))
    assert svc.assessment_complete(session, old, {}) == []

    # the new one needs 4.f: filled in as v1 would be, it is still missing that prompt
    fill(session, new, inspector, load_framework("v1"))
    missing = svc.assessment_complete(session, new, {})
    assert len(missing) == 1 and "4 f)" in missing[0].message and missing[0].field == "answers.4.f"


def test_balances_and_suggestions(session, people):
    inspector, *_ = people
    review = started(session, inspector)
    a = svc.get(session, review)
    # key question 1.1: prompts a-c yes, d not applicable, e no -> 3 yes, 1 no
    # standard 2: prompts a-d yes, e-i no -> mostly no: Requires improvement or Inadequate (suggested)
    answers = {"1.1.a": {"answer": "yes"}, "1.1.b": {"answer": "yes"}, "1.1.c": {"answer": "yes"},
               "1.1.d": {"answer": "na"}, "1.1.e": {"answer": "no"}}
    answers.update({f"2.{x}": {"answer": "yes"} for x in "abcd"})
    answers.update({f"2.{x}": {"answer": "no"} for x in "efghi"})
    svc.save_draft(session, review, inspector, {"version": a.version, "answers": answers})
    session.commit()
    v = svc.view(session, review, a, inspector)
    kq = v["balances"]["key_questions"]["1.1"]
    assert (kq["yes"], kq["no"], kq["not_applicable"], kq["suggested"]) == (3, 1, 1, "yes")
    s2 = v["balances"]["standards"]["2"]
    assert (s2["yes"], s2["no"], s2["suggested"]) == (4, 5, "mostly_no")
    assert s2["suggested_ratings"] == ["requires_improvement", "inadequate"]
    assert s2["suggested_label"] == "Requires improvement or Inadequate"
    assert "4 yes and 5 no among 9 prompts" in s2["suggested_reason"]
    assert v["balances"]["standards"]["4"]["suggested"] is None  # nothing answered yet
    assert v["overall_rating"] is None  # no ratings yet: nothing to compute


def test_high_profile_query_accepted_sets_the_flag_and_records_who(session, people, database):
    inspector, _, central = people
    review = started(session, inspector)
    query = hpq.raise_query(session, review, inspector, "National press coverage of the offence")
    session.commit()
    assert query.proposed_value is True and query.status == "open"
    with pytest.raises(Conflict):
        hpq.raise_query(session, review, inspector, "again")
    session.rollback()
    with pytest.raises(Forbidden):
        hpq.decide(session, query, inspector, "accept", "I decide")
    hpq.decide(session, query, central, "accept", "Agreed: press interest")
    session.commit()
    with database.session() as s:
        stored = s.get(HighProfileQuery, query.id)
        assert (stored.status, stored.decided_by_id, stored.decision_reason) == ("accepted", central.id,
                                                                                 "Agreed: press interest")
        assert stored.decided_at is not None
        assert s.get(Review, review.id).is_high_profile is True
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.review_id == review.id)
                                               .order_by(AuditEvent.id))]
        assert actions[-3:] == ["high_profile_query", "set_high_profile", "high_profile_query_decided"]
    with pytest.raises(Conflict):
        hpq.decide(session, query, central, "reject", "changed my mind")


def test_high_profile_query_rejected_leaves_the_flag(session, people, database):
    inspector, _, central = people
    other, _ = make_person(session, "inspector")
    review = started(session, inspector)
    with pytest.raises(Forbidden):
        hpq.raise_query(session, review, other, "not mine")
    with pytest.raises(ValidationFailed):
        hpq.raise_query(session, review, inspector, "it is not", proposed=False)  # already not high profile
    query = hpq.raise_query(session, review, inspector, "Victim is a public figure")
    session.commit()
    hpq.decide(session, query, central, "reject", "Local interest only")
    session.commit()
    with database.session() as s:
        assert s.get(Review, review.id).is_high_profile is False
        assert s.get(HighProfileQuery, query.id).status == "rejected"
    assert [q.id for q in hpq.listing(session, "open")] == []
    assert [q.id for q in hpq.listing(session, "rejected")] == [query.id]


def test_the_report_is_emailed_once_to_the_local_team_with_the_pdf(session, people, database):
    from sfoflow.models.assessment import NotificationAttachment
    from sfoflow.models.notifications import Notification, OutboxMessage
    from sfoflow.notify import delivery
    from sfoflow.notify.attachments import attach, for_notification
    from sfoflow.notify.senders import OutboxSender, SmtpSender

    inspector, manager, _ = people
    review = started(session, inspector, reference="SFO/2023/0777")
    fill(session, review, inspector)
    apply_action(session, review, "submit", inspector, version=review.version)
    apply_action(session, review, "approve", manager, version=review.version)
    session.commit()

    with database.session() as s:
        report = s.scalar(select(QaReport).where(QaReport.review_id == review.id))
        notes = s.scalars(select(Notification).where(Notification.review_id == review.id,
                                                     Notification.kind == "qa_report")).all()
        assert len(notes) == 1
        note = notes[0]
        assert note.id == report.notification_id
        assert note.recipient_email == "sfo.london@example.org"
        assert "SFO/2023/0777" in note.subject and "Good" in note.subject
        files = s.scalars(select(NotificationAttachment)
                          .where(NotificationAttachment.notification_id == note.id)).all()
        assert [(f.filename, f.content_type) for f in files] == [("qa-report-SFO-2023-0777.pdf", "application/pdf")]
        assert files[0].content == report.pdf

        # the embedded delivery puts it in the outbox, once
        policy = delivery.policy_from(settings.all_settings(s))
        s.commit()
        assert delivery.deliver(s, note.id, OutboxSender(), policy).result == "delivered"
        assert delivery.deliver(s, note.id, OutboxSender(), policy).result == "skipped"
        outbox = s.scalars(select(OutboxMessage).where(OutboxMessage.notification_id == note.id)).all()
        assert [m.recipient for m in outbox] == ["sfo.london@example.org"]

        # SMTP carries the same PDF as an attachment (built, not sent: no mail server here)
        smtp = SmtpSender(host="mail.invalid", sender="sfoflow@example.org")
        from sfoflow.notify.senders import Message
        email = attach(smtp.build(Message(note.id, note.dedupe_key, note.recipient_email, note.subject, note.body)),
                       for_notification(s, note.id))
        parts = [p for p in email.iter_attachments()]
        assert [(p.get_filename(), p.get_content_type()) for p in parts] == [
            ("qa-report-SFO-2023-0777.pdf", "application/pdf")]
        assert parts[0].get_content() == report.pdf
