"""Template helpers of the desk: post text as networks show it, times in the organisation's zone."""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from carecast.lib.links import http_url as _http_url

register = template.Library()

# One pass over the text finds links, hashtags and mentions, so they never overlap.
TOKEN_RE = re.compile(
    r"(?P<url>https?://[^\s<>\"]+[^\s<>\".,:;!?)\]'])"
    r"|(?<![\w#&])(?P<tag>#\w[\w-]*)"
    r"|(?<![\w@/])(?P<mention>@\w[\w.-]*(?:@[\w.-]+\w)?)"
)
URL_DISPLAY_LENGTH = 30


def _display_url(url: str) -> str:
    """Networks show links without the scheme, cut after 30 characters."""
    shown = re.sub(r"^https?://(www\.)?", "", url)
    return shown if len(shown) <= URL_DISPLAY_LENGTH else shown[:URL_DISPLAY_LENGTH] + "…"


@register.filter
def http_url(value) -> str:
    """Only http(s) links from the networks become an ``href`` (else empty)."""
    return _http_url(value)


@register.filter
def post_text(text: str) -> SafeString:
    """Escape a post's text and mark links, hashtags and mentions the way a network shows them."""
    parts: list[str] = []
    position = 0
    for match in TOKEN_RE.finditer(text or ""):
        parts.append(escape(text[position : match.start()]))
        token = match.group(0)
        if match.group("url"):
            parts.append(
                f'<a class="post-link" href="{escape(token)}" rel="noopener noreferrer" '
                f'target="_blank">{escape(_display_url(token))}</a>'
            )
        elif match.group("tag"):
            parts.append(f'<span class="post-tag">{escape(token)}</span>')
        else:
            parts.append(f'<span class="post-mention">{escape(token)}</span>')
        position = match.end()
    parts.append(escape((text or "")[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 — every piece is escaped above


@register.filter
def when(value: dt.datetime | None, style: str = "long") -> str:
    """A time in the active (organisation's) zone, in the language's own format."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if style == "nearest":
        # Work that starts a fraction of a second before its due minute (03:53:59.7 for 03:54)
        # must not look early beside the due time: round to the nearest minute, not down.
        local = (local + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)
        style = "long"
    formats = {
        "long": pgettext("date format", "D j M Y, H:i"),
        "date": pgettext("date format", "D j M Y"),
        "day": pgettext("date format", "D j M"),
        "time": "H:i",
    }
    return date_format(local, formats.get(style, formats["long"]))


@register.filter
def local_day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


@register.simple_tag
def query(request, **changes) -> str:
    """The current query string with some parameters changed (for calendar navigation)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def dst_note(publication) -> str:
    """Why a post runs at another wall-clock time than typed (clock change), or ""."""
    from django.utils.translation import gettext as _

    due = getattr(publication, "due_at", None)
    if due is None or not publication.due_note:
        return ""
    values = {"date": when(due, "date"), "time": when(due, "time")}
    if publication.due_note == "nonexistent":
        return (
            _("This time does not exist on %(date)s (clocks go forward) — scheduled for %(time)s.")
            % values
        )
    if publication.due_note == "ambiguous":
        return (
            _(
                "This time happens twice on %(date)s (clocks go back) — scheduled for the first, %(time)s summer time."
            )
            % values
        )
    return ""


@register.filter
def account_handle(channel) -> str:
    """The account as the network writes it: @name@server on Mastodon, @name elsewhere."""
    from urllib.parse import urlsplit

    handle = (channel.handle or "").lstrip("@")
    if not handle:
        return ""
    if channel.network == "mastodon" and "@" not in handle and channel.base_url:
        host = urlsplit(channel.base_url).hostname or ""
        return f"@{handle}@{host}" if host else f"@{handle}"
    return f"@{handle}"
