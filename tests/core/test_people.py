"""People as the communications lead manages them: invitations that work once, first
passwords, roles with departments, deactivation — and the last lead stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from carecast.core import people
from carecast.core.models import AuditLog, Role


def signs_in(username: str, password: str):
    """The user ``authenticate`` lets in (django-axes needs the request), or None."""
    return authenticate(RequestFactory().post("/login/"), username=username, password=password)


def link(token: str) -> str:
    return f"https://carecast.test/invitation/{token}/"


@pytest.fixture
def invite_dora(anna, geburtshilfe, mailoutbox, django_capture_on_commit_callbacks):
    """Anna invites Dora as the maternity department's editor; returns (person, token)."""
    with django_capture_on_commit_callbacks(execute=True):
        person, _invitation = people.invite(
            anna.organisation,
            anna.user,
            link,
            name="Dora Dietrich",
            email="dora@klinikum.test",
            username="dora",
            role=Role.DEPARTMENT_EDITOR,
            department=geburtshilfe,
        )
    token = mailoutbox[0].body.split("/invitation/")[1].split("/")[0]
    return person, token


def test_it_mails_a_one_time_link(invite_dora, mailoutbox):
    person, token = invite_dora
    assert mailoutbox[0].to == ["dora@klinikum.test"]
    assert link(token) in mailoutbox[0].body and "dora" in mailoutbox[0].body
    assert people.status_of(person) == "invited"
    assert not person.user.has_usable_password()
    assert AuditLog.objects.filter(action="person.invited", subject="Dora Dietrich").exists()


def test_it_lets_the_link_set_a_password_once(invite_dora):
    person, token = invite_dora
    invitation = people.open_invitation(token)
    assert invitation.person == person
    people.accept_invitation(invitation, "Stillberatung-am-Dienstag")
    assert signs_in(username="dora", password="Stillberatung-am-Dienstag") == person.user
    assert people.open_invitation(token) is None
    with pytest.raises(ValidationError):
        people.accept_invitation(invitation, "Ein-anderes-Passwort-42")
    assert signs_in(username="dora", password="Ein-anderes-Passwort-42") is None


def test_it_refuses_expired_and_forged_links(invite_dora, time_machine):
    _person, token = invite_dora
    assert people.open_invitation(token[:-2] + "xx") is None
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=8))
    assert people.open_invitation(token) is None


def test_it_refuses_the_link_of_a_deactivated_person(invite_dora, anna):
    person, token = invite_dora
    people.set_active(person, anna.user, False)
    assert people.open_invitation(token) is None


def test_it_generates_a_first_password(anna):
    person, password = people.add_with_password(
        anna.organisation,
        anna.user,
        name="Ben Becker",
        email="ben@klinikum.test",
        username="ben",
        role=Role.EDITOR,
        department=None,
    )
    assert len(password) >= 12
    assert signs_in(username="ben", password=password) == person.user


def test_it_refuses_a_taken_user_name(anna):
    with pytest.raises(ValidationError) as caught:
        people.add_with_password(
            anna.organisation,
            anna.user,
            name="Anna Zwei",
            email="a2@klinikum.test",
            username="ANNA",
            role=Role.EDITOR,
            department=None,
        )
    assert "username" in caught.value.message_dict


def test_it_needs_a_department_for_department_editors_only(ben, anna, geburtshilfe):
    with pytest.raises(ValidationError) as caught:
        people.change_role(ben, anna.user, Role.DEPARTMENT_EDITOR, None)
    assert "department" in caught.value.message_dict
    with pytest.raises(ValidationError):
        people.change_role(ben, anna.user, Role.EDITOR, geburtshilfe)
    changed = people.change_role(ben, anna.user, Role.DEPARTMENT_EDITOR, geburtshilfe)
    assert (changed.role, changed.department) == (Role.DEPARTMENT_EDITOR, geburtshilfe)
    entry = AuditLog.objects.get(action="person.role_changed")
    assert entry.detail["before"] == ["editor", None]
    assert entry.actor == anna.user


def test_it_refuses_an_archived_department(ben, anna, geburtshilfe):
    geburtshilfe.archived = True
    geburtshilfe.save()
    with pytest.raises(ValidationError):
        people.change_role(ben, anna.user, Role.DEPARTMENT_EDITOR, geburtshilfe)


def test_it_keeps_the_last_active_lead(anna, ben):
    with pytest.raises(ValidationError):
        people.set_active(anna, anna.user, False)
    with pytest.raises(ValidationError):
        people.change_role(anna, anna.user, Role.EDITOR, None)
    anna.refresh_from_db()
    assert anna.role == Role.ADMIN and anna.user.is_active
    people.change_role(ben, anna.user, Role.ADMIN, None)
    people.set_active(anna, ben.user, False)
    anna.user.refresh_from_db()
    assert not anna.user.is_active


def test_it_stops_a_deactivated_person_signing_in(anna, ben):
    people.set_active(ben, anna.user, False)
    assert signs_in(username="ben", password="pw-ben") is None
    ben.user.refresh_from_db()
    assert people.status_of(ben) == "deactivated"
    people.set_active(ben, anna.user, True)
    assert signs_in(username="ben", password="pw-ben") == ben.user
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"person.deactivated", "person.reactivated"} <= actions


def test_it_sends_a_new_link_and_voids_the_old_one(
    invite_dora, anna, mailoutbox, django_capture_on_commit_callbacks
):
    person, old_token = invite_dora
    with django_capture_on_commit_callbacks(execute=True):
        people.reinvite(person, anna.user, link)
    new_token = mailoutbox[1].body.split("/invitation/")[1].split("/")[0]
    assert people.open_invitation(old_token) is None
    assert people.open_invitation(new_token).person == person
    people.accept_invitation(people.open_invitation(new_token), "Stillberatung-am-Dienstag")
    with pytest.raises(ValidationError):
        people.reinvite(person, anna.user, link)
