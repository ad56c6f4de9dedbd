"""``{{ value|number }}``: a count as the reader's language writes it (1.162.429 in German);
``None`` stays None so templates can show it as missing."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return number_format(value, force_grouping=True)
    return value
