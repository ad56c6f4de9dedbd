"""Numbers as people read them: grouped the German way, missing shown as "–", never as 0."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()
MISSING = "–"


@register.simple_tag
def number(value, decimals: int = 0, unit: str = "", signed: bool = False) -> str:
    """``{% number row.followers 0 %}`` → "12.345"; ``None`` → "–"."""
    if value is None:
        return MISSING
    text = number_format(round(float(value), decimals), decimal_pos=decimals, force_grouping=True)
    if signed and float(value) > 0:
        text = "+" + text
    return f"{text}\u202f{unit}" if unit else text


@register.filter
def percent(share):
    """0.42 → 42.0 (for ``number … "%"``); ``None`` stays missing."""
    return None if share is None else share * 100


@register.filter
def duration_words(value: timedelta | None) -> str:
    """A waiting time in the largest fitting unit: "45 min", "3,5 h", "2 Tage"."""
    if value is None:
        return MISSING
    minutes = value.total_seconds() / 60
    if minutes < 90:
        return _("%(n)d min") % {"n": round(minutes)}
    hours = minutes / 60
    if hours < 48:
        return _("%(n)s h") % {"n": number_format(round(hours, 1), decimal_pos=1)}
    days = round(hours / 24)
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
