"""Issue 15: the admin pages the README promises: /admin and /admin/users (create a user,
change role, seniority and capacity, deactivate, record absences and conflicts)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sfoflow.models import AuditEvent, User
from sfoflow.models.allocation import Absence, ConflictOfInterest
from sfoflow.services import users as user_service
from tests.support.core import make_person, make_review
from tests.support.web import post_form, text


def test_admin_home_and_users_list(signed_in, session):
    client, admin = signed_in("admin", name="Ada Alder")
    make_person(session, "inspector", name="Amber Ash", capacity=6, is_senior=True)
    home = client.get("/admin")
    assert home.status_code == 200
    assert "Users" in text(home) and "System status" in text(home)
    page = client.get("/admin/users")
    assert page.status_code == 200
    words = text(page)
    assert "Amber Ash" in words and "Senior" in words and "0 of 6" in words and "Ada Alder" in words


def test_only_admins_reach_the_admin_pages(signed_in):
    client, _ = signed_in("manager")
    assert client.get("/admin").status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_create_a_user_who_can_then_sign_in(signed_in, session):
    client, _admin = signed_in("admin")
    bad = post_form(client, "/admin/users/new", "/admin/users/new", {"email": "not-an-email", "capacity": "lots"})
    assert bad.status_code == 400
    words = text(bad)
    assert "Enter the person's full name" in words and "Select the role" in words
    assert "Enter a password of at least 8 characters" in words
    assert "Capacity: Enter a whole number" in words
    resp = post_form(client, "/admin/users/new", "/admin/users/new", {
        "name": "Basil Birch", "email": "Basil.Birch@example.org", "role": "inspector", "is_senior": "yes",
        "capacity": "4", "password": "a-long-password"})
    assert resp.status_code == 302, text(resp)
    user = session.scalar(select(User).where(User.email == "basil.birch@example.org"))
    assert (user.name, user.role, user.is_senior, user.capacity) == ("Basil Birch", "inspector", True, 4)
    assert user_service.check_password(session, "basil.birch@example.org", "a-long-password") is not None
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "create_user")) == "create_user"


def test_change_role_capacity_and_deactivate(signed_in, session):
    client, admin = signed_in("admin")
    person, _ = make_person(session, "inspector", name="Coral Cedar", capacity=6)
    url = f"/admin/users/{person.id}"
    resp = post_form(client, url, url, {"name": "Coral Cedar", "role": "inspector", "is_active": "active",
                                        "is_senior": "yes", "capacity": "3"})
    assert resp.status_code == 302, text(resp)
    session.expire_all()
    assert (person.capacity, person.is_senior) == (3, True)

    review = make_review(session, state="in_qa", inspector=person)
    refused = post_form(client, url, url, {"name": "Coral Cedar", "role": "inspector", "is_active": "deactivated",
                                           "capacity": "3"})
    assert refused.status_code == 400
    assert "Coral Cedar holds 1 open QA: reallocate it first" in text(refused)
    session.expire_all()
    assert session.get(User, person.id).is_active

    review.state = "feedback_sent"
    session.commit()
    resp = post_form(client, url, url, {"name": "Coral Cedar", "role": "inspector", "is_active": "deactivated",
                                        "capacity": "3"})
    assert resp.status_code == 302
    session.expire_all()
    assert not session.get(User, person.id).is_active

    own = post_form(client, f"/admin/users/{admin.id}", f"/admin/users/{admin.id}",
                    {"name": admin.name, "role": "admin", "is_active": "deactivated", "capacity": "6"})
    assert own.status_code == 400 and "You cannot deactivate yourself" in text(own)


def test_record_and_remove_absences_and_conflicts(signed_in, session):
    client, _admin = signed_in("admin")
    person, _ = make_person(session, "inspector", name="Dara Damson")
    url = f"/admin/users/{person.id}"
    backwards = post_form(client, url, f"{url}/absences", {
        "from_date-day": "10", "from_date-month": "7", "from_date-year": "2026",
        "to_date-day": "3", "to_date-month": "7", "to_date-year": "2026"})
    assert backwards.status_code == 400
    assert "must not be before the first day of the absence" in text(backwards)
    resp = post_form(client, url, f"{url}/absences", {
        "from_date-day": "3", "from_date-month": "7", "from_date-year": "2026",
        "to_date-day": "10", "to_date-month": "7", "to_date-year": "2026", "reason": "Annual leave"})
    assert resp.status_code == 302, text(resp)
    absence = session.scalar(select(Absence))
    assert (absence.from_date, absence.to_date) == (date(2026, 7, 3), date(2026, 7, 10))
    page = text(client.get(url))
    assert "3 July 2026 to 10 July 2026: Annual leave" in page

    no_reason = post_form(client, url, f"{url}/conflicts", {"region": "wales"})
    assert no_reason.status_code == 400 and "Enter the reason for the conflict of interest" in text(no_reason)
    resp = post_form(client, url, f"{url}/conflicts", {"region": "wales", "reason": "Worked there until 2022"})
    assert resp.status_code == 302, text(resp)
    assert "Wales: Worked there until 2022" in text(client.get(url))

    conflict = session.scalar(select(ConflictOfInterest))
    assert post_form(client, url, f"{url}/conflicts/{conflict.id}/remove", {}).status_code == 302
    assert post_form(client, url, f"{url}/absences/{absence.id}/remove", {}).status_code == 302
    session.expire_all()
    assert session.scalars(select(Absence)).all() == [] and session.scalars(select(ConflictOfInterest)).all() == []
