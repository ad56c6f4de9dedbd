"""The first start in the browser's HTTP: a fresh installation leads everyone to the setup
page, which creates the organisation and its lead, signs the lead in and then is gone."""

from __future__ import annotations

import pytest
from django.test import Client

from carecast.core.models import Organisation, Person, Role

FORM = {
    "name": "Universitätsklinikum Musterstadt",
    "timezone": "Europe/Berlin",
    "language": "de",
    "public_url": "https://carecast.klinikum.test",
    "imprint_url": "https://www.klinikum.test/impressum",
    "privacy_url": "https://www.klinikum.test/datenschutz",
    "lead_name": "Anna Albers",
    "email": "anna@klinikum.test",
    "username": "anna",
    "password1": "Kreißsaal-Infoabend-2026",
    "password2": "Kreißsaal-Infoabend-2026",
}


@pytest.mark.parametrize("path", ["/", "/login/", "/channels/", "/team/", "/inbox/"])
def test_it_sends_every_page_to_setup_on_a_fresh_installation(db, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"] == "/setup/"


def test_it_asks_for_the_hospital_and_the_first_lead(db, settings):
    settings.CARECAST_PUBLIC_URL = "https://desk.klinikum.test"
    body = Client().get("/setup/").content.decode()
    assert "Krankenhaus" in body or "Klinik" in body
    assert 'value="https://desk.klinikum.test"' in body
    assert '<option value="Europe/Berlin" selected>' in body
    assert "Sprache der Beiträge" in body and '<option value="de" selected>' in body


def test_it_creates_the_organisation_and_signs_the_lead_in(db):
    client = Client()
    response = client.post("/setup/", {**FORM, "language": "en"})
    assert response.status_code == 302 and response["Location"] == "/"
    org = Organisation.objects.get()
    assert org.public_url == "https://carecast.klinikum.test"
    assert org.language == "en"  # YouTube's video and caption language (networks.youtube)
    assert Person.objects.get().role == Role.ADMIN
    assert client.get("/").status_code == 200
    assert client.get("/setup/").status_code == 404


def test_it_keeps_what_was_typed_when_passwords_differ(db):
    response = Client().post("/setup/", {**FORM, "password2": "etwas-anderes-2026"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Die beiden Passwörter sind verschieden." in body
    assert 'value="Universitätsklinikum Musterstadt"' in body
    assert not Organisation.objects.exists()


def test_it_applies_the_password_validators(db):
    response = Client().post("/setup/", {**FORM, "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "Dieses Passwort ist zu üblich." in response.content.decode()
    assert not Organisation.objects.exists()


def test_it_is_gone_once_an_organisation_exists(org):
    assert Client().get("/setup/").status_code == 404
    assert Client().post("/setup/", FORM).status_code == 404
    assert Organisation.objects.count() == 1
