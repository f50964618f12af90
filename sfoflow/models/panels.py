"""Multi-agency learning panels: the agencies on each review, agency contacts, panels, the
invitations sent to agency contacts (with their answers), and the actions a panel agrees."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .review import Review


class ReviewAgency(Base):
    """An agency involved in the case (a type from config/agencies.json) and its role."""

    __tablename__ = "review_agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    review: Mapped[Review] = relationship()
    __table_args__ = (UniqueConstraint("review_id", "agency"),)


class AgencyContact(Base):
    """A person at an agency who can be invited to a panel. They have no account."""

    __tablename__ = "agency_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(200))
    regions: Mapped[list] = mapped_column(default=list)  # region codes served
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnershipEvent(Base):
    """The history of a panel or an agency contact: who changed what, when (before and after)."""

    __tablename__ = "partnership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(16))  # panel | contact
    subject_id: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_partnership_events_subject", "subject", "subject_id"),)


class Panel(Base):
    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(index=True)
    chair: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(500))  # a place or a meeting link
    status: Mapped[str] = mapped_column(String(16), index=True, default="draft")  # draft|confirmed|held
    findings: Mapped[str | None] = mapped_column(Text)
    learning: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime | None]
    report_sent_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    cases: Mapped[list[PanelCase]] = relationship(back_populates="panel", order_by="PanelCase.id",
                                                  cascade="all, delete-orphan")
    invites: Mapped[list[PanelInvite]] = relationship(back_populates="panel", order_by="PanelInvite.id",
                                                      cascade="all, delete-orphan")
    actions: Mapped[list[PanelAction]] = relationship(back_populates="panel", order_by="PanelAction.id",
                                                      cascade="all, delete-orphan")
    __mapper_args__ = {"version_id_col": version}


class PanelCase(Base):
    """A review discussed at a panel, with the minimum case details agencies are shown."""

    __tablename__ = "panel_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")  # no victim or offender identifiers

    panel: Mapped[Panel] = relationship(back_populates="cases")
    review: Mapped[Review] = relationship()
    __table_args__ = (UniqueConstraint("panel_id", "review_id"),)


class PanelInvite(Base):
    """One agency contact invited about one case: their personal link and their answer.

    The link is signed (itsdangerous) over the invite id and ``nonce``; only a hash-free nonce
    is kept, and revoking or reissuing changes it, so an old link stops working."""

    __tablename__ = "panel_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("panel_cases.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("agency_contacts.id"), index=True)
    agency: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="")  # what this agency is shown about the case
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    involvement: Mapped[str | None] = mapped_column(String(16))  # confirmed | not_confirmed
    findings: Mapped[str | None] = mapped_column(Text)
    learning: Mapped[str | None] = mapped_column(Text)
    attendees: Mapped[str | None] = mapped_column(Text)
    attended: Mapped[bool | None]
    window_started_at: Mapped[datetime | None]  # rate limit: requests in the current window
    window_count: Mapped[int] = mapped_column(default=0)

    panel: Mapped[Panel] = relationship(back_populates="invites")
    case: Mapped[PanelCase] = relationship()
    contact: Mapped[AgencyContact] = relationship()
    __table_args__ = (UniqueConstraint("case_id", "contact_id"),)


class PanelAction(Base):
    __tablename__ = "panel_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_contact_id: Mapped[int | None] = mapped_column(ForeignKey("agency_contacts.id"))  # None: HMIP
    owner_label: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | closed
    outcome: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="actions")
    owner_contact: Mapped[AgencyContact | None] = relationship()
