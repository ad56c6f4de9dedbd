"""Departments: created with a slug, renamed without changing it, archived out of pickers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from carecast.core import departments
from carecast.core.models import AuditLog, Department


def test_it_creates_a_department_with_a_slug(org, anna):
    made = departments.create(org, anna.user, "Kinder- und Jugendpsychiatrie", "ADHS , Autismus,")
    assert made.slug == "kinder-und-jugendpsychiatrie"
    assert made.topics == "ADHS, Autismus"
    assert AuditLog.objects.filter(action="department.created").exists()


def test_it_keeps_the_slug_when_renamed(geburtshilfe, anna):
    departments.update(geburtshilfe, anna.user, "Geburtshilfe und Pränatalmedizin", "Kreißsaal")
    geburtshilfe.refresh_from_db()
    assert (geburtshilfe.name, geburtshilfe.slug) == (
        "Geburtshilfe und Pränatalmedizin",
        "geburtshilfe",
    )
    assert AuditLog.objects.get(action="department.updated").detail["old"] == "Geburtshilfe"


def test_it_refuses_a_duplicate_or_empty_name(geburtshilfe, anna, org):
    with pytest.raises(ValidationError):
        departments.create(org, anna.user, "geburtshilfe")
    with pytest.raises(ValidationError):
        departments.create(org, anna.user, "   ")
    assert Department.objects.count() == 1


def test_it_gives_a_free_slug_when_a_name_comes_back(geburtshilfe, anna, org):
    departments.update(geburtshilfe, anna.user, "Frauenklinik", "")
    again = departments.create(org, anna.user, "Geburtshilfe")
    assert again.slug == "geburtshilfe-2"


def test_it_hides_archived_departments_from_pickers(geburtshilfe, anna, clara):
    departments.set_archived(geburtshilfe, anna.user, True)
    assert not Department.objects.active().exists()
    clara.refresh_from_db()
    assert clara.department == geburtshilfe  # history and people stay
    departments.set_archived(geburtshilfe, anna.user, False)
    assert Department.objects.active().get() == geburtshilfe


def test_it_cuts_a_long_slug_at_a_word(org, anna):
    made = departments.create(
        org, anna.user, "Kinder- und Jugendpsychiatrie, Psychosomatik und Psychotherapie"
    )
    assert made.slug == "kinder-und-jugendpsychiatrie-psychosomatik"
