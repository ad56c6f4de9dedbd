"""Shared fixtures: named personas and a demo-like organisation.

Personas: Anna (comms lead, admin), Ben (comms team editor), Clara (department
editor, Geburtshilfe), and Otto (outsider, no person record).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from carecast.core.models import Department, Organisation, Person, Role


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.create(name="Klinikum Musterstadt", slug="klinikum-musterstadt")


@pytest.fixture
def geburtshilfe(org) -> Department:
    return Department.objects.create(organisation=org, name="Geburtshilfe", slug="geburtshilfe")


def _person(org, username, role, department=None) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@klinikum.test", "pw-" + username)
    return Person.objects.create(user=user, organisation=org, role=role, department=department)


@pytest.fixture
def anna(org) -> Person:
    return _person(org, "anna", Role.ADMIN)


@pytest.fixture
def ben(org) -> Person:
    return _person(org, "ben", Role.EDITOR)


@pytest.fixture
def clara(org, geburtshilfe) -> Person:
    return _person(org, "clara", Role.DEPARTMENT_EDITOR, geburtshilfe)
