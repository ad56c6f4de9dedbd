"""Job applications from the applicant system: CSV upload and a signed webhook.

Only what attribution needs is kept — a reference, when, which job and department, and the
UTM parameters the applicant arrived with. Either every row of a file is taken or none: a
half-imported file would count some applications twice on the next try.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from carecast.analytics.attribution import Matcher
from carecast.analytics.models import AnalyticsSettings, ApplicationSource, JobApplication
from carecast.core.models import Department, Organisation

# Accepted column names (lower case) → our field. German first: that is what the
# applicant systems of German hospitals export.
COLUMNS = {
    "referenz": "reference",
    "reference": "reference",
    "id": "reference",
    "bewerbungs-id": "reference",
    "eingang": "received",
    "eingegangen": "received",
    "datum": "received",
    "received": "received",
    "received_at": "received",
    "date": "received",
    "stelle": "job",
    "job": "job",
    "job_title": "job",
    "abteilung": "department",
    "department": "department",
    "utm_source": "utm_source",
    "utm_medium": "utm_medium",
    "utm_campaign": "utm_campaign",
    "utm_content": "utm_content",
    "quelle-url": "landing_url",
    "landing_url": "landing_url",
    "url": "landing_url",
}
REQUIRED = ("reference", "received")
MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
DATE_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d")


class ImportRejected(Exception):
    """The file or request was refused as a whole; ``errors`` name each row's problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unmatched: int = 0
    rows: list[str] = field(default_factory=list)


def parse_when(value: str, zone: ZoneInfo) -> dt.datetime | None:
    """A date or time as the applicant system wrote it, in the organisation's zone."""
    value = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _utm_from(values: dict[str, str]) -> dict[str, str]:
    """UTM fields from their own columns, else from the landing address's query."""
    utm = {k: values.get(k, "").strip() for k in ("utm_source", "utm_medium", "utm_campaign")}
    utm["utm_content"] = values.get("utm_content", "").strip()
    query = dict(parse_qsl(urlsplit(values.get("landing_url", "")).query))
    for key in utm:
        utm[key] = utm[key] or query.get(key, "").strip()
    return utm


class _Rows:
    """Turns raw rows into unsaved applications, collecting each row's problems."""

    def __init__(self, organisation: Organisation, source: str) -> None:
        self.organisation = organisation
        self.source = source
        self.zone = ZoneInfo(organisation.timezone)
        self.matcher = Matcher(organisation.pk)
        self.departments = {
            key.lower(): d
            for d in Department.objects.filter(organisation=organisation)
            for key in (d.name, d.slug)
        }
        self.seen: dict[str, str] = {}
        self.errors: list[str] = []

    def read(self, label: str, values: dict[str, str]) -> JobApplication | None:
        reference = values.get("reference", "").strip()
        received = parse_when(values.get("received", ""), self.zone)
        problems = []
        if not reference:
            problems.append(_("the reference is missing"))
        elif len(reference) > 200:
            problems.append(_("the reference is longer than 200 characters"))
        elif reference in self.seen:
            problems.append(
                _("reference “%(ref)s” already appears in %(row)s")
                % {"ref": reference, "row": self.seen[reference]}
            )
        if received is None:
            problems.append(
                _("“%(value)s” is not a date (e.g. 31.01.2027 or 2027-01-31)")
                % {"value": values.get("received", "").strip()}
            )
        if problems:
            self.errors.append(f"{label}: " + "; ".join(problems) + ".")
            return None
        self.seen[reference] = label
        return self._application(reference, received, values)

    def _application(self, reference, received, values) -> JobApplication:
        utm = _utm_from(values)
        match = self.matcher.match(utm["utm_source"], utm["utm_campaign"], utm["utm_content"])
        return JobApplication(
            organisation=self.organisation,
            external_id=reference,
            received_at=received,
            job_title=values.get("job", "").strip()[:300],
            department=self.departments.get(values.get("department", "").strip().lower()),
            utm_source=utm["utm_source"][:100],
            utm_medium=utm["utm_medium"][:100],
            utm_campaign=utm["utm_campaign"][:100],
            network=match.network,
            channel=match.channel,
            campaign=match.campaign,
            source=self.source,
        )


def _save(applications: list[JobApplication], result: ImportResult) -> ImportResult:
    """Store all of them in one transaction; a reference seen before is updated, not doubled."""
    fields = [
        "received_at",
        "job_title",
        "department",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "network",
        "channel",
        "campaign",
        "source",
    ]
    with transaction.atomic():
        for application in applications:
            defaults = {name: getattr(application, name) for name in fields}
            _, created = JobApplication.objects.update_or_create(
                organisation=application.organisation,
                external_id=application.external_id,
                defaults=defaults,
            )
            result.created += created
            result.updated += not created
            result.unmatched += not application.network
    return result


def decode_upload(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRejected([_("The file is larger than 10 MB.")])
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected([_("The file is not a text file (UTF-8 or Windows-1252).")])


def csv_reader(text: str) -> csv.DictReader:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def import_csv(organisation: Organisation, data: bytes) -> ImportResult:
    """Import an applicant system's CSV export (``;`` or ``,``); all rows or none.

    Raises ``ImportRejected`` naming every faulty row (row 1 is the header line).
    """
    reader = csv_reader(decode_upload(data))
    columns = {name: COLUMNS.get((name or "").strip().lower()) for name in reader.fieldnames or []}
    missing = [need for need in REQUIRED if need not in columns.values()]
    if missing:
        raise ImportRejected(
            [
                _(
                    "The file needs the columns “Referenz” and “Eingang” (or “reference” and "
                    "“received”); found: %(found)s."
                )
                % {"found": ", ".join(n for n in columns if n) or _("none")}
            ]
        )
    rows = _Rows(organisation, ApplicationSource.CSV)
    applications = []
    for number, raw in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise ImportRejected([_("The file has more than 50,000 rows.")])
        values = {str(columns[k]): v or "" for k, v in raw.items() if k in columns and columns[k]}
        if not any(v.strip() for v in values.values()):
            continue  # an empty line at the end of a spreadsheet export
        application = rows.read(_("Row %(n)d") % {"n": number}, values)
        if application is not None:
            applications.append(application)
    if rows.errors:
        raise ImportRejected(rows.errors)
    if not applications:
        raise ImportRejected([_("The file contains no applications.")])
    return _save(applications, ImportResult())


# --- the webhook ---------------------------------------------------------------------------


def settings_for(organisation: Organisation) -> AnalyticsSettings:
    """The organisation's analytics settings, made with a fresh webhook secret on first use."""
    found, _created = AnalyticsSettings.objects.get_or_create(
        organisation=organisation, defaults={"webhook_secret": secrets.token_urlsafe(32)}
    )
    return found


def new_webhook_secret(organisation: Organisation) -> str:
    """Replace the secret (e.g. after it leaked); the applicant system needs the new one."""
    found = settings_for(organisation)
    found.webhook_secret = secrets.token_urlsafe(32)
    found.save(update_fields=["webhook_secret"])
    return found.webhook_secret


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the raw request body with the organisation's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    given = header.strip()
    if not given.startswith("sha256="):
        given = "sha256=" + given
    return bool(secret) and hmac.compare_digest(signature(secret, body), given)


def import_webhook(organisation: Organisation, items: list[dict[str, str]]) -> ImportResult:
    """Applications sent by the applicant system (already verified and parsed)."""
    rows = _Rows(organisation, ApplicationSource.WEBHOOK)
    applications = []
    for number, raw in enumerate(items, start=1):
        values = {COLUMNS[k.lower()]: str(v) for k, v in raw.items() if k.lower() in COLUMNS and v}
        application = rows.read(_("Application %(n)d") % {"n": number}, values)
        if application is not None:
            applications.append(application)
    if rows.errors:
        raise ImportRejected(rows.errors)
    return _save(applications, ImportResult())
