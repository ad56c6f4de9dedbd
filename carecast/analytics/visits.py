"""Website visits that came from social media: Matomo's Reporting API, or a CSV export.

Matomo (what many German hospitals run, for privacy) answers ``Referrers.getCampaigns``
(visits per ``utm_campaign``) and ``Referrers.getSocials`` (visits per social network) per
day. Reference: https://developer.matomo.org/api-reference/reporting-api — calls go to
``index.php?module=API&method=…``; ``token_auth`` travels in the POST body, not the address,
so it stays out of access logs.
"""

from __future__ import annotations

import datetime as dt
import json

import httpx
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.analytics.applications import ImportRejected, csv_reader, decode_upload
from carecast.analytics.attribution import Matcher, network_for
from carecast.analytics.models import VisitKind, WebsiteVisitDay
from carecast.core.crypto import decrypt_json
from carecast.core.models import Organisation
from carecast.lib.http import make_client

METHODS: dict[str, str] = {
    VisitKind.CAMPAIGN: "Referrers.getCampaigns",
    VisitKind.SOCIAL: "Referrers.getSocials",
}
# On the first import, how far back to read.
FIRST_DAYS = 90
AGAIN_DAYS = 3


class MatomoError(Exception):
    """Matomo could not be asked or refused; the message is for the page (German)."""


def _store(organisation: Organisation, rows: list[WebsiteVisitDay]) -> int:
    """Replace the days and labels given (a re-import corrects, never doubles)."""
    with transaction.atomic():
        for row in rows:
            WebsiteVisitDay.objects.update_or_create(
                organisation=organisation,
                day=row.day,
                kind=row.kind,
                label=row.label,
                defaults={
                    "visits": row.visits,
                    "actions": row.actions,
                    "network": row.network,
                    "campaign": row.campaign,
                    "source": row.source,
                },
            )
    return len(rows)


def _row(matcher, day, kind, label, visits, actions, source) -> WebsiteVisitDay:
    label = label.strip()[:200]
    if kind == VisitKind.SOCIAL:
        return WebsiteVisitDay(
            day=day, kind=kind, label=label, network=network_for(label), visits=visits,
            actions=actions, source=source,
        )  # fmt: skip
    return WebsiteVisitDay(
        day=day, kind=kind, label=label, campaign=matcher.campaign(label), visits=visits,
        actions=actions, source=source,
    )  # fmt: skip


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_matomo(matcher: Matcher, kind: str, body: object) -> list[WebsiteVisitDay]:
    """``{"YYYY-MM-DD": [{"label": …, "nb_visits": …, "nb_actions": …}, …], …}``."""
    if isinstance(body, dict) and body.get("result") == "error":
        raise MatomoError(_("Matomo refused: %(msg)s") % {"msg": body.get("message", "")})
    if not isinstance(body, dict):
        raise MatomoError(_("Matomo sent an answer carecast cannot read."))
    rows = []
    for day_text, entries in body.items():
        try:
            day = dt.date.fromisoformat(day_text)
        except ValueError as error:
            raise MatomoError(_("Matomo sent an answer carecast cannot read.")) from error
        for entry in entries if isinstance(entries, list) else []:
            visits = _int(entry.get("nb_visits"))
            if entry.get("label") and visits is not None:
                actions = _int(entry.get("nb_actions"))
                rows.append(_row(matcher, day, kind, entry["label"], visits, actions, "matomo"))
    return rows


def _ask(client: httpx.Client, settings, kind: str, start: dt.date, end: dt.date) -> object:
    token = decrypt_json(settings.matomo_token_encrypted).get("token", "")
    params = {
        "module": "API",
        "method": METHODS[kind],
        "idSite": str(settings.matomo_site_id),
        "period": "day",
        "date": f"{start.isoformat()},{end.isoformat()}",
        "format": "JSON",
        "filter_limit": "-1",
    }
    try:
        response = client.post("index.php", params=params, data={"token_auth": token})
    except httpx.HTTPError as error:
        raise MatomoError(_("Matomo did not answer (%(err)s).") % {"err": error}) from error
    if response.status_code >= 400:
        raise MatomoError(_("Matomo answered with status %(s)d.") % {"s": response.status_code})
    try:
        return response.json()
    except json.JSONDecodeError as error:
        raise MatomoError(_("Matomo sent an answer carecast cannot read.")) from error


def import_matomo(organisation: Organisation, today: dt.date | None = None) -> int:
    """Import campaign and social visits since the last import (the first time: 90 days)."""
    from carecast.analytics.applications import settings_for

    settings = settings_for(organisation)
    if not settings.matomo_url or not settings.matomo_site_id:
        raise MatomoError(_("Enter the Matomo address and site id in the analytics settings."))
    today = today or timezone.localdate()
    if settings.matomo_imported_until:
        # Matomo archives a day again when late visits arrive: read the last days once more.
        start = settings.matomo_imported_until - dt.timedelta(days=AGAIN_DAYS)
    else:
        start = today - dt.timedelta(days=FIRST_DAYS)
    matcher = Matcher(organisation.pk)
    rows: list[WebsiteVisitDay] = []
    # The hospital's lead typed this address; Matomo often runs on the intranet, so no guard.
    with make_client(settings.matomo_url.rstrip("/") + "/") as client:
        for kind in METHODS:
            rows += parse_matomo(matcher, kind, _ask(client, settings, kind, start, today))
    count = _store(organisation, rows)
    # Today is not over: the next import reads it again.
    settings.matomo_imported_until = today
    settings.save(update_fields=["matomo_imported_until"])
    return count


CSV_COLUMNS = {
    "datum": "day",
    "date": "day",
    "tag": "day",
    "day": "day",
    "kampagne": "campaign",
    "campaign": "campaign",
    "netzwerk": "social",
    "social": "social",
    "social network": "social",
    "besuche": "visits",
    "visits": "visits",
    "nb_visits": "visits",
    "aktionen": "actions",
    "actions": "actions",
    "nb_actions": "actions",
}


def import_csv(organisation: Organisation, data: bytes) -> int:
    """Rows of ``Datum; Kampagne or Netzwerk; Besuche[; Aktionen]``; all rows or none."""
    from carecast.analytics.applications import parse_when

    reader = csv_reader(decode_upload(data))
    columns = {n: CSV_COLUMNS.get((n or "").strip().lower()) for n in reader.fieldnames or []}
    found = set(columns.values())
    if "day" not in found or "visits" not in found or not found & {"campaign", "social"}:
        raise ImportRejected(
            [_("The file needs the columns “Datum”, “Besuche” and “Kampagne” or “Netzwerk”.")]
        )
    matcher, rows, errors = Matcher(organisation.pk), [], []
    zone = timezone.get_default_timezone()
    for number, raw in enumerate(reader, start=2):
        values = {columns[k]: (v or "").strip() for k, v in raw.items() if columns.get(k)}
        if not any(values.values()):
            continue
        when = parse_when(values.get("day", ""), zone)
        visits = _int(values.get("visits"))
        kind = VisitKind.CAMPAIGN if values.get("campaign") else VisitKind.SOCIAL
        label = values.get("campaign") or values.get("social", "")
        problems = []
        if when is None:
            problems.append(_("“%(v)s” is not a date") % {"v": values.get("day", "")})
        if visits is None or visits < 0:
            problems.append(_("“%(v)s” is not a number of visits") % {"v": values.get("visits")})
        if not label:
            problems.append(_("neither campaign nor network is given"))
        if problems or when is None or visits is None:
            errors.append(_("Row %(n)d") % {"n": number} + ": " + "; ".join(problems) + ".")
            continue
        rows.append(
            _row(matcher, when.date(), kind, label, visits, _int(values.get("actions")), "csv")
        )
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([_("The file contains no visits.")])
    return _store(organisation, rows)
