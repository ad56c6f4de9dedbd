"""The monthly management report as PDF (WeasyPrint): two to four pages a director reads.

Headline numbers against last month and last year, the best posts with thumbnails,
campaigns, applications, website visits and the peer ranking. The charts are the
dashboard's own SVGs. WeasyPrint fetches nothing from the network: images are embedded
as data URIs from carecast's own media files, everything else is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import io

from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify

from carecast.analytics.models import CampaignDay
from carecast.reports import dashboard, figures
from carecast.reports.figures import Month

THUMB = 160  # pixels, the longer side


def month_name(month: Month) -> str:
    return date_format(month.first, "F Y")


def filename(organisation, month: Month) -> str:
    return f"carecast-{slugify(organisation.slug)}-{month}.pdf"


def render(organisation, month: Month, language: str | None = None) -> bytes:
    """The report for ``month`` in ``language`` (the report settings' or German), as PDF."""
    return document(organisation, month, language).write_pdf()


def document(organisation, month: Month, language: str | None = None):  # noqa: ANN201
    """The laid-out WeasyPrint document (its ``pages`` tell how long the report is)."""
    from weasyprint import HTML

    if language is None:
        from carecast.reports.delivery import settings_for

        language = settings_for(organisation).language
    with translation.override(language), timezone.override(organisation.timezone):
        html = render_to_string("reports/pdf.html", context(organisation, month))
    return HTML(string=html, url_fetcher=fetcher(), base_url="/").render()


def fetcher():  # noqa: ANN201 - weasyprint's own type
    """Only ``data:`` URLs (our embedded thumbnails): the renderer never reaches a network or
    a file, whatever a post's text or a template holds."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), timeout=1)


def context(organisation, month: Month) -> dict:
    charts_and_posts = dashboard.build(organisation, None, month.plus(-2).first, month.end)
    top = figures.top_posts(organisation, None, month.first, month.end, limit=5)
    return {
        **charts_and_posts,
        "organisation": organisation,
        "month": month,
        "month_name": month_name(month),
        "previous_name": month_name(month.plus(-1)),
        "year_ago_name": month_name(month.plus(-12)),
        "kpis": dashboard.headline(organisation, None, month),
        "top_posts": [(post, thumbnail(post)) for post in top],
        "campaigns": campaigns(organisation, month),
        "applications_by_network": _named(
            figures.applications_by(organisation, month.first, month.end, "network")
        ),
        "applications_by_campaign": figures.applications_by(
            organisation, month.first, month.end, "campaign__name"
        ),
        "visits": _named(figures.visits_by_network(organisation, month.first, month.end)),
        "peers": peer_rows(organisation, month),
        "made_at": timezone.localtime(),
    }


def _named(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Network keys as people write them ("linkedin" → "LinkedIn"); "" stays "" (unmatched)."""
    from carecast.networks import registry

    names = dict(registry.choices())
    return [(str(names.get(key, key)), n) for key, n in rows]


def campaigns(organisation, month: Month) -> list[dict]:
    rows = (
        CampaignDay.objects.filter(
            campaign__organisation=organisation, day__gte=month.first, day__lt=month.end
        )
        .values("campaign__name")
        .annotate(
            posts=Sum("posts"),
            views=Sum("views"),
            likes=Sum("likes"),
            comments=Sum("comments"),
            shares=Sum("shares"),
            saves=Sum("saves"),
            clicks=Sum("tracked_clicks"),
            applications=Sum("applications"),
        )
        .order_by("-applications", "-views")
    )
    return [{**r, "engagement": figures._engagement(dict(r))} for r in rows]  # noqa: SLF001


def peer_rows(organisation, month: Month) -> list:
    from carecast.peers.ranking import ranking

    last_day = min(month.end - dt.timedelta(days=1), timezone.localdate())
    return ranking(organisation, last_day)[:12]


def thumbnail(post) -> str:
    """A small data URI of the post's first image from carecast's media library, or ""."""
    try:
        story = post.publication.variant.story if post.publication_id else None
    except Exception:  # the publication's story is gone
        return ""
    asset = story.media.filter(kind="image").first() if story else None
    if asset is None or not asset.file:
        return ""
    try:
        from PIL import Image

        with asset.file.open("rb") as raw, Image.open(raw) as image:
            image.thumbnail((THUMB, THUMB))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
    except Exception:  # unreadable file: the report goes out without this picture
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
