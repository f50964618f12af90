"""Issue 15: notices of events, by email and in each person's list with counts: awaiting
sign-off (managers), returned and extension granted (the inspector), reallocated (the
inspector who had it), a new high-profile query (the central team). Real database, no mocks."""
from __future__ import annotations

from sqlalchemy import select

from sfoflow.assessment.framework import load_framework
from sfoflow.models.notifications import Notification
from sfoflow.services import assessment as svc
from sfoflow.services import event_notices, reviews
from sfoflow.services import high_profile_queries as hpq
from sfoflow.services.lifecycle import apply_action
from tests.support.assessment import complete_payload
from tests.support.core import make_person, make_review
from tests.support.deadlines import working_after

FW = load_framework("v1")


def notices(session, kind):
    rows = session.scalars(select(Notification).where(Notification.kind == kind))
    return {(n.recipient_id, n.review_id) for n in rows}


def test_each_event_notifies_the_people_who_must_act(session, today):
    inspector, _ = make_person(session, "inspector", name="Ina Inspector")
    other, _ = make_person(session, "inspector", name="Otto Other")
    manager, _ = make_person(session, "manager", name="Mona Manager")
    manager2, _ = make_person(session, "manager", name="Max Manager")
    central, _ = make_person(session, "central_team", name="Cen Central")
    review = make_review(session, state="allocated", inspector=inspector, reference="UX/2023/0001",
                         due_on=working_after(today, 14))
    apply_action(session, review, "start", inspector, version=review.version)
    svc.save_draft(session, review, inspector, complete_payload(FW, svc.get(session, review).version))
    apply_action(session, review, "submit", inspector, version=review.version)
    session.commit()
    assert notices(session, "awaiting_sign_off") == {(manager.id, review.id), (manager2.id, review.id)}
    mail = session.scalar(select(Notification).where(Notification.kind == "awaiting_sign_off"))
    assert "UX/2023/0001" in mail.subject and "Ina Inspector has submitted the QA" in mail.body

    apply_action(session, review, "return", manager, version=review.version,
                 data={"reason": "Say more about standard 4"})
    session.commit()
    assert notices(session, "returned") == {(inspector.id, review.id)}
    assert "Say more about standard 4" in session.scalar(
        select(Notification.body).where(Notification.kind == "returned"))

    reviews.grant_extension(session, review, working_after(today, 20), "Illness", manager,
                            review.version)
    session.commit()
    assert notices(session, "extension_granted") == {(inspector.id, review.id)}

    query = hpq.raise_query(session, review, inspector, "The victim's family have spoken to the press")
    session.commit()
    assert notices(session, "high_profile_query") == {(central.id, review.id)}
    assert query.id

    apply_action(session, review, "reallocate", manager, version=review.version,
                 data={"inspector_id": other.id, "reason": "Ina is on leave"})
    session.commit()
    assert notices(session, "reallocated") == {(inspector.id, review.id)}
    assert notices(session, "allocated") >= {(other.id, review.id)}

    box = event_notices.inbox(session, inspector)
    counts = {c["kind"]: c["count"] for c in box["counts"]}
    assert counts == {"returned": 1, "extension_granted": 1, "reallocated": 1}
    assert box["all"] == 3 and [i["reference"] for i in box["items"]] == ["UX/2023/0001"] * 3
    only = event_notices.inbox(session, inspector, kind="returned")
    assert only["total"] == 1 and only["all"] == 3
    # nothing in anyone's words names an id or a version
    for n in session.scalars(select(Notification)):
        assert "version" not in (n.subject + n.body).lower()
