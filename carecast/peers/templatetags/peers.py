from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS = {
    "followers": _("Followers"),
    "growth": _("Growth (30 days)"),
    "frequency": _("Posts per week"),
    "interactions": _("Interactions per post"),
    "engagement": _("Engagement rate"),
}


@register.simple_tag
def sort_link(key: str, current: str) -> str:
    """A column head that sorts the ranking by ``key`` (and says so when it does)."""
    if key == current:
        return format_html(
            '<strong>{} <span aria-hidden="true">↓</span><span class="visually-hidden">{}</span></strong>',
            LABELS[key],
            _("(sorted by this)"),
        )
    return format_html('<a href="?by={}">{}</a>', key, LABELS[key])


@register.simple_tag
def sort_label(key: str) -> str:
    return str(LABELS.get(key, ""))
