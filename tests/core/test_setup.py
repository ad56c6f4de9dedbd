"""First start as a service: the organisation and its first lead, with the same checks
for the setup page and ``carecast createlead``."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from carecast.core.models import AuditLog, Organisation, Role
from carecast.core.setup import SetupData, create_organisation, needs_setup, validate


def signs_in(username: str, password: str):
    """The user ``authenticate`` lets in (django-axes needs the request), or None."""
    return authenticate(RequestFactory().post("/login/"), username=username, password=password)


def data(**changes) -> SetupData:
    fields = dict(
        name="Klinikum Musterstadt",
        timezone="Europe/Berlin",
        public_url="https://carecast.klinikum-musterstadt.de/",
        imprint_url="https://www.klinikum-musterstadt.de/impressum",
        privacy_url="https://www.klinikum-musterstadt.de/datenschutz",
        lead_name="Anna Albers",
        email="anna@klinikum.test",
        username="anna",
        password="Kreißsaal-Infoabend-2026",
    )
    fields.update(changes)
    return SetupData(**fields)


def test_it_creates_the_organisation_and_its_lead(db):
    assert needs_setup()
    person = create_organisation(data())
    org = Organisation.objects.get()
    assert (org.name, org.timezone) == ("Klinikum Musterstadt", "Europe/Berlin")
    assert org.public_url == "https://carecast.klinikum-musterstadt.de"
    assert org.privacy_url.endswith("/datenschutz")
    assert person.role == Role.ADMIN and person.organisation == org
    assert person.user.get_full_name() == "Anna Albers"
    assert signs_in(username="anna", password="Kreißsaal-Infoabend-2026") == person.user
    assert AuditLog.objects.filter(action="organisation.created").exists()
    assert not needs_setup()


def test_it_happens_once(db):
    create_organisation(data())
    with pytest.raises(ValidationError):
        create_organisation(data(username="ben", email="ben@klinikum.test"))
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"public_url": ""}, "public_url"),
        ({"public_url": "carecast"}, "public_url"),
        ({"privacy_url": "javascript:alert(1)"}, "privacy_url"),
        ({"email": "anna-at-klinikum"}, "email"),
        ({"username": ""}, "username"),
        ({"password": "123"}, "password"),
        ({"password": "password123"}, "password"),
    ],
)
def test_it_names_the_field_that_is_wrong(db, changes, field):
    assert field in validate(data(**changes))
    with pytest.raises(ValidationError):
        create_organisation(data(**changes))
    assert needs_setup()
