"""Departments: created, renamed (the slug stays, links keep working) and archived."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.core.models import Department, Organisation


def _clean_name(organisation: Organisation, name: str, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    same = Department.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError({"name": _("A department with this name exists already.")})
    return name


def _clean_topics(topics: str) -> str:
    return ", ".join(t.strip() for t in topics.split(",") if t.strip())


def _free_slug(organisation: Organisation, name: str) -> str:
    base = slugify(name)
    if len(base) > 45:  # cut at a word boundary: links read "kinder-und-jugendpsychiatrie"
        base = base[:46].rsplit("-", 1)[0]
    base = base or "abteilung"
    slug, n = base, 2
    while Department.objects.filter(organisation=organisation, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create(organisation: Organisation, actor, name: str, topics: str = "") -> Department:
    """A new department with a slug made from its first name."""
    name = _clean_name(organisation, name)
    department = Department.objects.create(
        organisation=organisation,
        name=name,
        slug=_free_slug(organisation, name),
        topics=_clean_topics(topics),
    )
    audit.record(organisation, "department.created", name, actor=actor)
    return department


@transaction.atomic
def update(department: Department, actor, name: str, topics: str) -> Department:
    """Rename and set topic keywords; the slug stays as it was."""
    old = department.name
    department.name = _clean_name(department.organisation, name, exclude=department.pk)
    department.topics = _clean_topics(topics)
    department.save(update_fields=["name", "topics"])
    audit.record(
        department.organisation, "department.updated", department.name, actor=actor, old=old
    )
    return department


@transaction.atomic
def set_archived(department: Department, actor, archived: bool) -> Department:
    """Archive (gone from pickers, history kept) or bring back a department."""
    department.archived = archived
    department.save(update_fields=["archived"])
    action = "department.archived" if archived else "department.restored"
    audit.record(department.organisation, action, department.name, actor=actor)
    return department
