"""A hand-built year of QA'd reviews for the year-in-review tests (2023 = April 2023 to March 2024).

60 HMIP reviews, report sent; the numbers below are chosen so the expected tables can be worked
out by hand (they are written out in tests/services/test_year.py):

* i = 0..59. Region: London i < 30, Wales 30 <= i < 57, North East i >= 57 (3 reviews).
  Offence: homicide i < 40, rape and serious sexual offences i >= 40.
  Received: 10 May 2023 for i < 30, 10 October 2023 for i >= 30. Provider: N07 London, N03 Wales, N54 NE.
* Standards 1-3 and overall: Good for i < 10 and Wales, Requires improvement for London i >= 10,
  Inadequate for North East; standard 4 Good for all.
* Key questions answered yes when i < 48 (1.1), 45 (1.2), 39 (1.3), 38 (1.4), 54 (3.1), 29 (3.2);
  otherwise no. Prompt 1.1 a) yes for all 60; no other prompt answered.
* On time: i < 25 or 30 <= i < 50 (45 of 60).
* Themes: risk assessment on i < 40; MAPPA on i = 57, 58 (two North East reviews).
* Learning points: 6 national in the action plan (i = 0..5), 2 multi-agency not in it (i = 6, 7);
  good practice on 5 reviews; one amendment (outcome not recorded).
Every reference starts "SFO/LEAK/" and the inspector is "Ivy Leakwood" so a test can look for them.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

from sfoflow.models import Review
from sfoflow.models.assessment import Assessment, QaReport
from sfoflow.models.year import AssessmentTheme, LearningEntry
from sfoflow.services import learning

YES_BELOW = {"1.1": 48, "1.2": 45, "1.3": 39, "1.4": 38, "3.1": 54, "3.2": 29}
SCORES = {"outstanding": 3, "good": 2, "requires_improvement": 1, "inadequate": 0}


def region_of(i: int) -> str:
    return "london" if i < 30 else ("wales" if i < 57 else "north_east")


def rating_of(i: int) -> str:
    if i >= 57:
        return "inadequate"
    if 10 <= i < 30:
        return "requires_improvement"
    return "good"


def add_qa(session, i: int, *, received_on: date, region: str, rating: str, on_time: bool,
           offence: str = "homicide", prefix: str = "SFO/LEAK", answers: dict | None = None) -> Assessment:
    review = Review(reference=f"{prefix}/{i:04d}", region=region, offence_category=offence,
                    provider={"london": "N07", "wales": "N03", "north_east": "N54"}.get(region, "N07"),
                    received_on=received_on, original_due_on=received_on, due_on=received_on,
                    local_team_email="sfo.local@example.org", state="feedback_sent", route="hmip")
    session.add(review)
    session.flush()
    ratings = {"1": rating, "2": rating, "3": rating, "4": "good"}
    score = sum(SCORES[r] for r in ratings.values())
    overall = "inadequate" if score <= 2 else "requires_improvement" if score <= 6 else "good" if score <= 10 \
        else "outstanding"
    a = Assessment(review_id=review.id, framework_version="v1", answers=answers or {}, ratings=ratings,
                   feedback={}, summary="Ivy Leakwood met the victim's family", overall_score=score,
                   overall_rating=overall)
    session.add(a)
    session.flush()
    sent = datetime(received_on.year, received_on.month, received_on.day, 12, tzinfo=UTC)
    session.add(QaReport(review_id=review.id, assessment_id=a.id, framework_version="v1", content={},
                         html="<p>Ivy Leakwood</p>", pdf=b"%PDF", pdf_filename="r.pdf", overall_score=score,
                         overall_rating=overall, inspector_name="Ivy Leakwood", sent_at=sent,
                         sent_to="sfo.local@example.org", on_time=on_time))
    return a


def build_year(session) -> None:
    learning.ensure_themes(session)
    from sqlalchemy import select

    from sfoflow.models.year import Theme
    themes = {t.key: t.id for t in session.scalars(select(Theme))}
    for i in range(60):
        answers = {kq: {"answer": "yes" if i < n else "no"} for kq, n in YES_BELOW.items()}
        answers["1.1.a"] = {"answer": "yes"}
        a = add_qa(session, i, received_on=date(2023, 5, 10) if i < 30 else date(2023, 10, 10), region=region_of(i),
                   rating=rating_of(i), on_time=i < 25 or 30 <= i < 50,
                   offence="homicide" if i < 40 else "rape_serious_sexual", answers=answers)
        if i < 40:
            session.add(AssessmentTheme(assessment_id=a.id, theme_id=themes["risk_assessment"]))
        if i in (57, 58):
            session.add(AssessmentTheme(assessment_id=a.id, theme_id=themes["mappa"]))
        if i < 6:
            session.add(LearningEntry(assessment_id=a.id, kind="learning_point", level="national",
                                      in_action_plan=True, text=f"National learning from SFO/LEAK/{i:04d}"))
        if i in (6, 7):
            session.add(LearningEntry(assessment_id=a.id, kind="learning_point", level="multi_agency",
                                      in_action_plan=False, text="Police and probation shared too little"))
        if i < 5:
            session.add(LearningEntry(assessment_id=a.id, kind="good_practice",
                                      text="Ivy Leakwood praised the chronology"))
        if i == 0:
            session.add(LearningEntry(assessment_id=a.id, kind="amendment", text="Correct the dates"))
    # An earlier year: one QA'd review with the risk assessment theme (for the trend column).
    a = add_qa(session, 100, received_on=date(2022, 6, 1), region="london", rating="good", on_time=True)
    session.add(AssessmentTheme(assessment_id=a.id, theme_id=themes["risk_assessment"]))
    # Intake that was not QA'd by HMIP: 240 routed to HMPPS in London, one review not yet sampled.
    for i in range(240):
        session.add(Review(reference=f"SFO/HMPPS/{i:04d}", region="london", offence_category="homicide",
                           provider="N07", received_on=date(2023, 7, 1), original_due_on=date(2023, 7, 21),
                           due_on=date(2023, 7, 21), local_team_email="x@example.org", state="routed_to_hmpps",
                           route="hmpps"))
    session.add(Review(reference="SFO/NEW/0001", region="wales", offence_category="homicide", provider="N03",
                       received_on=date(2024, 3, 1), original_due_on=date(2024, 3, 21), due_on=date(2024, 3, 21),
                       local_team_email="x@example.org", state="received", route=None))
    session.commit()
