"""The people page: only the communications lead; invitations by e-mail, first passwords,
roles with departments, deactivation; refused changes are explained and lose nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from carecast.core.models import AuditLog, Person, Role
from tests.web.conftest import login

NEW = {
    "name": "Dora Dietrich",
    "email": "dora@klinikum.test",
    "username": "dora",
    "role": Role.DEPARTMENT_EDITOR,
    "access": "invite",
}


@pytest.fixture
def org_with_address(org):
    org.public_url = "https://carecast.klinikum.test"
    org.save()
    return org


def test_it_lists_people_with_role_department_and_status(anna_client, ben, clara):
    body = anna_client.get("/team/").content.decode()
    assert "Abteilungsredaktion" in body or "Geburtshilfe" in body
    assert "clara" in body and "ben" in body and "nie" in body


@pytest.mark.parametrize("who", ["ben", "clara"])
def test_it_is_for_the_lead_only(request, who):
    client = login(request.getfixturevalue(who))
    assert client.get("/team/").status_code == 403
    assert client.get("/team/new/").status_code == 403


def test_it_mails_an_invitation_with_the_public_address(
    anna_client, org_with_address, geburtshilfe, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anna_client.post("/team/new/", {**NEW, "department": geburtshilfe.pk})
    assert response.status_code == 302
    assert "https://carecast.klinikum.test/invitation/" in mailoutbox[0].body
    dora = Person.objects.get(user__username="dora")
    assert dora.department == geburtshilfe
    assert "eingeladen" in anna_client.get("/team/").content.decode()


def test_it_refuses_a_department_editor_without_department(anna_client, geburtshilfe, mailoutbox):
    response = anna_client.post("/team/new/", NEW)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Eine Abteilungsredaktion braucht eine Abteilung." in body
    assert 'value="Dora Dietrich"' in body
    assert not Person.objects.filter(user__username="dora").exists() and not mailoutbox


def test_it_shows_a_generated_password_once(anna_client, org):
    response = anna_client.post("/team/new/", {**NEW, "role": Role.EDITOR, "access": "password"})
    body = response.content.decode()
    assert response.status_code == 200 and "data-once-password" in body
    assert "no-store" in response["Cache-Control"]
    password = body.split("data-once-password>")[1].split("<")[0]
    assert Person.objects.get(user__username="dora").user.check_password(password)
    assert password not in anna_client.get("/team/").content.decode()


def test_it_changes_a_role(anna_client, ben, geburtshilfe):
    response = anna_client.post(
        f"/team/{ben.pk}/", {"role": Role.DEPARTMENT_EDITOR, "department": geburtshilfe.pk}
    )
    assert response.status_code == 302
    ben.refresh_from_db()
    assert (ben.role, ben.department) == (Role.DEPARTMENT_EDITOR, geburtshilfe)


def test_it_explains_why_the_last_lead_stays(anna_client, anna):
    response = anna_client.post(f"/team/{anna.pk}/", {"role": Role.VIEWER})
    assert "letzte aktive Leitung" in response.content.decode()
    response = anna_client.post(f"/team/{anna.pk}/active/", {"active": "0"}, follow=True)
    assert "letzte aktive Leitung" in response.content.decode()
    anna.user.refresh_from_db()
    assert anna.user.is_active and Person.objects.get(pk=anna.pk).role == Role.ADMIN


def test_it_deactivates_and_reactivates(anna_client, ben):
    anna_client.post(f"/team/{ben.pk}/active/", {"active": "0"})
    ben.user.refresh_from_db()
    assert not ben.user.is_active
    assert Client().post("/login/", {"username": "ben", "password": "pw-ben"}).status_code == 200
    anna_client.post(f"/team/{ben.pk}/active/", {"active": "1"})
    ben.user.refresh_from_db()
    assert ben.user.is_active
    assert AuditLog.objects.filter(action="person.deactivated", subject="ben").exists()


def test_it_does_not_show_other_organisations_people(anna_client):
    from carecast.core.models import Organisation
    from tests.conftest import _person

    other = Organisation.objects.create(name="Anderes Klinikum", slug="anderes")
    stranger = _person(other, "stranger", Role.EDITOR)
    assert anna_client.get(f"/team/{stranger.pk}/").status_code == 404
    assert "stranger" not in anna_client.get("/team/").content.decode()


def test_the_invitation_link_sets_a_password_once(
    anna_client, org_with_address, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anna_client.post("/team/new/", {**NEW, "role": Role.EDITOR})
    path = "/invitation/" + mailoutbox[0].body.split("/invitation/")[1].split()[0]
    guest = Client()
    assert "Passwort" in guest.get(path).content.decode()
    bad = guest.post(path, {"password1": "Stillen-2026-Kurs", "password2": "anders"})
    assert bad.status_code == 200
    done = guest.post(path, {"password1": "Stillen-2026-Kurs", "password2": "Stillen-2026-Kurs"})
    assert done.status_code == 302 and done["Location"] == "/login/"
    assert guest.get(path).status_code == 410
    assert Person.objects.get(user__username="dora").user.check_password("Stillen-2026-Kurs")


def test_it_sends_a_new_invitation_link(
    anna_client, org_with_address, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anna_client.post("/team/new/", {**NEW, "role": Role.EDITOR})
    dora = Person.objects.get(user__username="dora")
    assert "Neuen Einladungslink schicken" in anna_client.get(f"/team/{dora.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = anna_client.post(f"/team/{dora.pk}/invite/")
    assert response.status_code == 302 and len(mailoutbox) == 2
    old = "/invitation/" + mailoutbox[0].body.split("/invitation/")[1].split()[0]
    assert Client().get(old).status_code == 410


def test_it_sends_no_new_link_to_someone_with_a_password(anna_client, ben, mailoutbox):
    response = anna_client.post(f"/team/{ben.pk}/invite/", follow=True)
    assert "hat schon ein Passwort" in response.content.decode() and not mailoutbox
