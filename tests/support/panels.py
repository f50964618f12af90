"""Arranging learning panel scenarios: QA'd reviews with agencies and answers, agency
contacts, and a panel with two cases and three agencies (the issue's worked example)."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sfoflow.models import Assessment, ReviewAgency
from sfoflow.models.panels import AgencyContact
from tests.support.core import make_person, make_review

# Partnership prompts (seed 001, Annexe A): 1.1.e "Does the SFO review sufficiently examine the
# partnership work with other agencies?", 2.i "... conclusions on partnership working ...".
PARTNERSHIP_1_1_E = "1.1.e"
PARTNERSHIP_2_I = "2.i"


def qa_done_review(session, *, reference: str, region: str = "london", received_on: date = date(2023, 4, 27),
                   agencies: dict[str, str] | None = None, answers: dict[str, str] | None = None,
                   state: str = "feedback_sent"):
    """A review whose QA was submitted, with the agencies recorded and the prompt answers given."""
    review = make_review(session, state=state, route="hmip", reference=reference, region=region,
                         received_on=received_on)
    session.add(Assessment(review_id=review.id, framework_version="v1",
                           answers={k: {"answer": v, "note": ""} for k, v in (answers or {}).items()},
                           ratings={}, feedback={}, submitted_at=datetime(2023, 5, 20, 12, tzinfo=UTC)))
    for code, role in (agencies or {}).items():
        session.add(ReviewAgency(review_id=review.id, agency=code, role=role))
    session.commit()
    return review


def contact(session, *, agency: str, name: str, regions=("london",), email: str | None = None,
            organisation: str = "Metropolitan Police Service", area: str = "North London") -> AgencyContact:
    row = AgencyContact(agency=agency, organisation=organisation, area=area, regions=list(regions), name=name,
                        email=email or f"{name.lower().replace(' ', '.')}@agency.example.org")
    session.add(row)
    session.commit()
    return row


def scenario(session, manager=None) -> dict:
    """Two candidate cases in London and three agency contacts (police, mental health, housing),
    plus a case that is not a candidate (one agency, every partnership prompt yes)."""
    token = None
    if manager is None:
        manager, token = make_person(session, "manager", name="Mina Manager")
    one = qa_done_review(session, reference="SFO/P/0001",
                         agencies={"police": "Arrested him twice in 2022",
                                   "mental_health_services": "Community mental health team care coordinator"})
    two = qa_done_review(session, reference="SFO/P/0002", agencies={"housing": "Supported accommodation provider"},
                         answers={PARTNERSHIP_1_1_E: "no", PARTNERSHIP_2_I: "yes"})
    not_one = qa_done_review(session, reference="SFO/P/0003", agencies={"police": "Attended one call"},
                             answers={PARTNERSHIP_1_1_E: "yes", PARTNERSHIP_2_I: "yes"})
    police = contact(session, agency="police", name="Pat Police")
    health = contact(session, agency="mental_health_services", name="Helen Health",
                     organisation="North London NHS Foundation Trust")
    housing = contact(session, agency="housing", name="Harry Housing", organisation="Camden Council")
    elsewhere = contact(session, agency="police", name="Wendy Wales", regions=("wales",),
                        organisation="South Wales Police", area="Cardiff")
    return {"manager": manager, "token": token, "cases": [one, two], "not_candidate": not_one,
            "contacts": {"police": police, "health": health, "housing": housing, "wales": elsewhere}}
