"""Where else a word is written: every text column of every table, searched on request.

Used after an erasure (by the tests, and on the search page for free texts such as a story
that names a patient, which carecast cannot erase on its own without a person reading it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from carecast.privacy.pseudonyms import contains

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


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


def mentions(word: str, skip: frozenset[str] = frozenset()) -> list[Mention]:
    """Each (model, field) whose value holds ``word``, case-insensitive, with the rows' ids."""
    word = word.strip()
    if not word:
        return []
    found = []
    for model in apps.get_models():
        if model._meta.label in skip or not model._meta.managed:
            continue
        for name in text_fields(model):
            pks = tuple(
                model._default_manager.filter(contains(name, word)).values_list("pk", flat=True)
            )
            if pks:
                found.append(Mention(model._meta.label, name, pks))
    return found
