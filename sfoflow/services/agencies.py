"""Agencies: who was involved in each case (recorded by the central team or the allocated
inspector) and the agency contacts admins keep, with their history.

Agency types come from config/agencies.json (``reference.agencies``). Every change is
recorded: on the review's audit trail for a case's agencies, in ``partnership_events`` for a
contact (before and after), so the contact pages can show who changed what and when.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import reference
from ..models import AgencyContact, PartnershipEvent, Review, ReviewAgency, User
from ..models.base import utcnow
from ..workflows import lifecycle as lc
from . import audit
from .errors import Forbidden, NotFound, Refusal, ValidationFailed

CONTACT = "contact"
CONTACT_FIELDS = ("agency", "organisation", "area", "regions", "name", "email", "is_active")
RECORDERS = (lc.CENTRAL_TEAM, lc.INSPECTOR)


def agency_name(code: str) -> str:
    return reference.agencies().get(code, {}).get("name", code)


def record_event(session: Session, subject: str, subject_id: int, actor: User | None, action: str,
                 details: dict | None = None) -> None:
    session.add(PartnershipEvent(subject=subject, subject_id=subject_id, actor_id=actor.id if actor else None,
                                 actor_label=actor.email if actor else "system", action=action, details=details))


def history(session: Session, subject: str, subject_id: int) -> list[PartnershipEvent]:
    return list(session.scalars(select(PartnershipEvent).where(
        PartnershipEvent.subject == subject, PartnershipEvent.subject_id == subject_id)
        .order_by(PartnershipEvent.id)))


# --- the agencies on a review -----------------------------------------------------------------

def for_review(session: Session, review_id: int) -> list[ReviewAgency]:
    return list(session.scalars(select(ReviewAgency).where(ReviewAgency.review_id == review_id)
                                .order_by(ReviewAgency.id)))


def may_record(review: Review, actor: User) -> bool:
    """The central team, or the inspector the review is allocated to."""
    return actor.role == lc.CENTRAL_TEAM or (actor.role == lc.INSPECTOR and review.inspector_id == actor.id)


def set_for_review(session: Session, review: Review, actor: User, items: list[dict]) -> list[ReviewAgency]:
    """Replace the review's agencies with ``items`` ([{agency, role}], validated by the schema)."""
    if not may_record(review, actor):
        raise Forbidden("only the central team or the allocated inspector may record agencies",
                        refusals=[Refusal(None, "not_allowed",
                                          "Only the central team or the allocated inspector can record agencies")])
    seen = set()
    for i, item in enumerate(items):
        if item["agency"] in seen:
            raise ValidationFailed("an agency is listed twice", refusals=[Refusal(
                f"agencies.{i}.agency", "duplicate", f"{agency_name(item['agency'])} is listed twice")])
        seen.add(item["agency"])
    current = {a.agency: a for a in for_review(session, review.id)}
    before = {code: a.role for code, a in current.items()}
    for code, row in current.items():
        if code not in seen:
            session.delete(row)
    for item in items:
        row = current.get(item["agency"])
        if row is None:
            session.add(ReviewAgency(review_id=review.id, agency=item["agency"], role=item["role"],
                                     recorded_by_id=actor.id))
        elif row.role != item["role"]:
            row.role, row.recorded_by_id, row.recorded_at = item["role"], actor.id, utcnow()
    after = {i["agency"]: i["role"] for i in items}
    if before != after:
        audit.record(session, review=review, actor=actor, action="agencies",
                     details={"before": before, "after": after})
    session.flush()
    return for_review(session, review.id)


def review_agency_view(row: ReviewAgency) -> dict:
    return {"agency": row.agency, "agency_name": agency_name(row.agency), "role": row.role,
            "recorded_at": row.recorded_at}


# --- agency contacts ------------------------------------------------------------------------------

def contacts(session: Session, *, agency: str | None = None, active_only: bool = False) -> list[AgencyContact]:
    query = select(AgencyContact).order_by(AgencyContact.agency, AgencyContact.organisation, AgencyContact.name)
    if agency:
        query = query.where(AgencyContact.agency == agency)
    if active_only:
        query = query.where(AgencyContact.is_active.is_(True))
    return list(session.scalars(query))


def get_contact(session: Session, contact_id: int) -> AgencyContact:
    contact = session.get(AgencyContact, contact_id)
    if contact is None:
        raise NotFound("there is no such agency contact",
                       refusals=[Refusal(None, "not_found", "There is no such agency contact")])
    return contact


def _snapshot(contact: AgencyContact) -> dict:
    return {f: getattr(contact, f) for f in CONTACT_FIELDS}


def create_contact(session: Session, actor: User, data: dict) -> AgencyContact:
    contact = AgencyContact(**{f: data[f] for f in CONTACT_FIELDS if f in data})
    session.add(contact)
    session.flush()
    record_event(session, CONTACT, contact.id, actor, "created", {"after": _snapshot(contact)})
    return contact


def update_contact(session: Session, contact: AgencyContact, actor: User, data: dict) -> AgencyContact:
    before = _snapshot(contact)
    for f in CONTACT_FIELDS:
        if f in data:
            setattr(contact, f, data[f])
    after = _snapshot(contact)
    changed = {f: {"before": before[f], "after": after[f]} for f in CONTACT_FIELDS if before[f] != after[f]}
    if changed:
        contact.updated_at = utcnow()
        record_event(session, CONTACT, contact.id, actor, "changed", {"changes": changed})
    session.flush()
    return contact


def contact_view(c: AgencyContact) -> dict:
    return {"id": c.id, "agency": c.agency, "agency_name": agency_name(c.agency), "organisation": c.organisation,
            "area": c.area, "regions": list(c.regions or []),
            "region_names": [reference.region_name(r) for r in c.regions or []], "name": c.name,
            "email": c.email, "is_active": c.is_active, "updated_at": c.updated_at}


def event_view(e: PartnershipEvent) -> dict:
    return {"action": e.action, "by": e.actor_label, "at": e.created_at, "details": e.details or {}}


def suggested_contacts(session: Session, agency: str, region: str) -> list[AgencyContact]:
    """Active contacts of this agency type serving the case's region."""
    return [c for c in contacts(session, agency=agency, active_only=True) if region in (c.regions or [])]
