"""Benchmarking exercises (seed 002, 2.9: "benchmarking sessions with SFO reviewers and central
quality assurance teams"; seed 004, 4.12: "it is always important that inspectors form similar
judgements in similar cases"): blind rating, the reveal, agreement, moderation, the trend and
the year's HMIP and HMPPS figures."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sfoflow.models.assessment import Assessment, QaReport
from sfoflow.services import benchmarking as svc
from sfoflow.services.errors import ServiceError
from sfoflow.services.permissions import permissions
from tests.support.core import make_person, make_review

KQS = ["1.1", "1.2", "1.3", "1.4", "3.1", "3.2"]


def rating(std: dict[str, str], kq: str = "yes", submit: bool = True) -> dict:
    return {"answers": dict.fromkeys(KQS, kq), "ratings": std, "submit": submit}


@pytest.fixture()
def world(session):
    a, _ = make_person(session, "inspector", name="Ann")
    b, _ = make_person(session, "inspector", name="Bob")
    c, _ = make_person(session, "central_team", name="Cat")
    c.hmpps_qa = True
    manager, _ = make_person(session, "manager")
    done = [make_review(session, state="feedback_sent", route="hmip", inspector=a) for _ in range(2)]
    session.commit()
    exercise = svc.create(session, {"title": "Spring", "review_ids": [r.id for r in done],
                                    "rater_ids": [a.id, b.id, c.id]}, manager)
    session.commit()
    return {"a": a, "b": b, "c": c, "manager": manager, "reviews": done, "exercise": exercise}


GOOD = {"1": "good", "2": "good", "3": "good", "4": "good"}


def test_raters_are_blind_until_every_rating_is_in(session, world):
    e, (r1, r2) = world["exercise"], world["reviews"]
    svc.save_rating(session, e, r1.id, world["a"], rating(GOOD))
    view_b = svc.view(session, e, world["b"])
    assert view_b["ratings"] == [] and "agreement" not in view_b and "original" not in view_b
    assert [r["rater_id"] for r in svc.view(session, e, world["a"])["ratings"]] == [world["a"].id]
    assert svc.view(session, e, world["manager"])["ratings"] == []
    # the original QA is closed to a rater while the exercise is open, even to the central team
    assert not permissions(r1, world["c"]).read_qa
    for rater in ("a", "b", "c"):
        for review in (r1, r2):
            if (rater, review) != ("a", r1):
                svc.save_rating(session, e, review.id, world[rater], rating(GOOD))
    session.commit()
    assert e.status == "revealed" and e.reveal_reason == "all_in"
    revealed = svc.view(session, e, world["b"])
    assert len(revealed["ratings"]) == 6 and "agreement" in revealed
    assert permissions(r1, world["c"]).read_qa


def test_a_handed_in_rating_cannot_change_and_outsiders_cannot_rate(session, world):
    e, (r1, _r2) = world["exercise"], world["reviews"]
    svc.save_rating(session, e, r1.id, world["a"], rating(GOOD))
    with pytest.raises(ServiceError) as refused:
        svc.save_rating(session, e, r1.id, world["a"], rating(GOOD))
    assert refused.value.refusals[0].code == "submitted"
    with pytest.raises(ServiceError):
        svc.save_rating(session, e, r1.id, world["manager"], rating(GOOD))
    with pytest.raises(ServiceError) as incomplete:
        svc.save_rating(session, e, r1.id, world["b"], {"answers": {}, "ratings": {"1": "good"}, "submit": True})
    assert {r.field for r in incomplete.value.refusals} >= {"answers.1.1", "ratings.2"}


def test_closing_reveals_and_the_agreement_table_is_worked_out(session, world):
    e, (r1, r2) = world["exercise"], world["reviews"]
    # standard 1: all agree on r1 (good) and disagree on r2; everyone answers every key question yes
    svc.save_rating(session, e, r1.id, world["a"], rating(GOOD))
    svc.save_rating(session, e, r1.id, world["b"], rating(GOOD))
    svc.save_rating(session, e, r2.id, world["a"], rating({**GOOD, "1": "inadequate"}))
    svc.save_rating(session, e, r2.id, world["b"], rating({**GOOD, "1": "requires_improvement"}))
    svc.close(session, e, world["manager"])
    session.commit()
    table = svc.view(session, e, world["manager"])["agreement"]
    rows = {row["key"]: row for row in table["rows"]}
    s1 = rows["standard:1"]
    assert (s1["units"], s1["agreed_units"], s1["exact_agreement"]) == (2, 1, 0.5)
    # Krippendorff's alpha (ordinal) for raters a, b over units r1, r2 with codes good=2,
    # inadequate=0 / requires improvement=1, from the same package as the published example
    from sfoflow.assessment.agreement import krippendorff_alpha
    assert s1["alpha"] == pytest.approx(krippendorff_alpha([[2, 0], [2, 1], [None, None]], "ordinal"))
    assert rows["1.1"]["exact_agreement"] == 1.0 and rows["1.1"]["alpha"] is None
    assert s1["side_by_side"][str(r2.id)] == {str(world["a"].id): "inadequate",
                                               str(world["b"].id): "requires_improvement",
                                               str(world["c"].id): None}
    svc.moderate(session, e, {"moderation_note": "Discussed 1 on the second review",
                              "reviews": [{"review_id": r2.id, "agreed_ratings": {**GOOD, "1": "requires_improvement"},
                                           "moderation_note": "planning was weak"}]}, world["manager"])
    session.commit()
    item = next(i for i in e.items if i.review_id == r2.id)
    # agreed: 1 + 2 + 2 + 2 = 7, in 7-10: Good
    assert item.agreed_ratings["overall"] == "good" and e.moderation_note.startswith("Discussed")
    trend = svc.trend(session)
    assert [p["exercise_id"] for p in trend["exercises"]] == [e.id]
    assert trend["by_standard"][0]["key"] == "standard:1" and trend["by_standard"][0]["disagreed"] == 1


def test_only_completed_reviews_and_real_raters(session, world):
    open_review = make_review(session, state="in_qa")
    with pytest.raises(ServiceError) as refused:
        svc.create(session, {"title": "x", "review_ids": [open_review.id], "rater_ids": [world["manager"].id]},
                   world["manager"])
    assert {r.code for r in refused.value.refusals} == {"not_completed", "not_a_rater"}


def test_a_drawn_exercise_is_reproducible(session, world):
    first = svc.draw(session, 1, seed=42)
    assert first == svc.draw(session, 1, seed=42) and len(first) == 1
    e = svc.create(session, {"title": "Drawn", "draw": {"count": 2, "seed": 7},
                             "rater_ids": [world["a"].id, world["b"].id]}, world["manager"])
    assert e.how_chosen == "drawn" and sorted(i.review_id for i in e.items) == sorted(r.id for r in world["reviews"])


def _report(session, review, std, overall, sent):
    """A sent report with these ratings (only the fields the year's figures read)."""
    a = Assessment(review_id=review.id, framework_version="v1", answers={}, ratings=std, feedback={},
                   overall_rating=overall)
    session.add(a)
    session.flush()
    session.add(QaReport(review_id=review.id, assessment_id=a.id, framework_version="v1",
                         content={"standards": [{"id": k, "rating": v} for k, v in std.items()]}, html="", pdf=b"",
                         pdf_filename="x.pdf", overall_score=0, overall_rating=overall, inspector_name="x",
                         generated_at=sent, sent_at=sent, sent_to="x@example.org", on_time=True))


def test_year_figures_put_hmip_and_hmpps_side_by_side(session, world):
    e, (r1, r2) = world["exercise"], world["reviews"]
    sent = datetime(2023, 6, 1, 10, tzinfo=UTC)  # in the sampling year 2023 (April 2023 - March 2024)
    from sfoflow.models import Review
    hmpps_review = make_review(session, state="hmpps_qa_completed", route="hmpps")
    _report(session, r1, GOOD, "good", sent)
    _report(session, r2, {**GOOD, "4": "outstanding"}, "good", sent)
    _report(session, hmpps_review, {**GOOD, "2": "requires_improvement"}, "good", sent)
    _report(session, make_review(session, state="feedback_sent"), GOOD, "good", datetime(2023, 3, 1, tzinfo=UTC))
    session.flush()
    for rater in ("a", "b"):
        svc.save_rating(session, e, r1.id, world[rater], rating(GOOD))
    # the HMPPS rater rates r1 one lower on standard 3
    svc.save_rating(session, e, r1.id, world["c"], rating({**GOOD, "3": "requires_improvement"}))
    svc.close(session, e, world["manager"])
    session.commit()
    figures = svc.year_figures(session, 2023)
    assert figures["reports"] == {"hmip": 2, "hmpps": 1}
    assert figures["distribution"]["hmip"]["4"]["outstanding"] == {"count": 1, "shown": None}  # fewer than 5
    assert figures["distribution"]["hmpps"]["2"]["requires_improvement"]["count"] == 1
    side = figures["side_by_side"]
    assert (side["reviews"], side["pairs"]) == (1, 1)
    assert side["by_standard"]["3"]["hmip_higher"]["count"] == 1
    assert side["by_standard"]["1"]["same"]["count"] == 1
    assert session.get(Review, r1.id).state == "feedback_sent"  # a benchmark is never a routine QA
