"""Where else a word is written: every text column of every table, searched on request.

Used after an erasure (by the tests, over the whole database) and on the search page for
free texts such as a story that names a patient, which carecast cannot erase on its own
without a person reading it. On the page only the lead's own organisation's rows are
searched: tables without a way to an organisation are left out there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models

from carecast.core.models import Organisation
from carecast.privacy.pseudonyms import contains

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)
MAX_DEPTH = 4  # question → session → organisation is two; nothing needs more than four


@dataclass(frozen=True)
class Mention:
    model: str  # "app_label.Model"
    field: str
    pks: tuple


def text_fields(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.get_fields()
        if f.concrete and not f.is_relation and isinstance(f, TEXT_FIELDS)
    ]


@cache
def organisation_path(model) -> str | None:
    """The shortest lookup from ``model`` to its organisation ("channel__organisation"), or
    None; found along foreign keys, breadth first."""
    queue: list[tuple[type[models.Model], str, int]] = [(model, "", 0)]
    seen = {model}
    while queue:
        current, path, depth = queue.pop(0)
        for field in current._meta.get_fields():
            if not (field.concrete and (field.many_to_one or field.one_to_one)):
                continue
            target = field.related_model
            if target is None or isinstance(target, str):
                continue
            lookup = f"{path}__{field.name}" if path else field.name
            if target is Organisation:
                return lookup
            if target not in seen and depth + 1 < MAX_DEPTH:
                seen.add(target)
                queue.append((target, lookup, depth + 1))
    return None


def mentions(word: str, skip: frozenset[str] = frozenset(), organisation=None) -> list[Mention]:
    """Each (model, field) whose value holds ``word``, case-insensitive, with the rows' ids;
    with ``organisation``, only that organisation's rows."""
    word = word.strip()
    if not word:
        return []
    found = []
    for model in apps.get_models():
        if model._meta.label in skip or not model._meta.managed:
            continue
        rows = model._default_manager.all()
        if organisation is not None:
            path = organisation_path(model)
            if path is None:
                continue
            rows = rows.filter(**{path: organisation})
        for name in text_fields(model):
            pks = tuple(rows.filter(contains(name, word)).values_list("pk", flat=True)[:50])
            if pks:
                found.append(Mention(model._meta.label, name, pks))
    return found
