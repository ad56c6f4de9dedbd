"""The media library: what an asset shows (tags), who is in it and what they agreed to.

Consent records follow KUG § 22 and GDPR Art. 7/9: per person, the channels, purpose and
period agreed to, and the signed document. A withdrawal is carried out by
``publishing.compliance.withdraw_consent`` (it reaches the posts); this module only records.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.core import audit
from carecast.stories.models import MediaAsset, PersonShown

# Tags the editors are offered. "vorher-nachher" is what ``hwg.before_after`` reads (together
# with a cosmetic term in the text or another tag); the others say who or what is shown.
KNOWN_TAGS = [
    ("vorher-nachher", gettext_lazy("before/after comparison")),
    ("kind", gettext_lazy("minor shown")),
    ("patient", gettext_lazy("patient shown")),
    ("op", gettext_lazy("surgery / operating room")),
]
MAX_TAGS = 20
MAX_TAG_LENGTH = 40

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# First bytes of each accepted file type → (extension, mime type). The name a browser sends
# proves nothing; the content must be a PDF or a scan.
DOCUMENT_SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}
DOCUMENT_TYPES = {ext: mime for ext, mime in DOCUMENT_SIGNATURES.values()}


class DocumentRejected(ValueError):
    """The signed consent is not a PDF/JPEG/PNG within the size limit; the message says why."""


def parse_tags(values: Iterable[str]) -> list[str]:
    """Tags as typed (comma-separated or one per value): lower-case, trimmed, no duplicates."""
    tags: list[str] = []
    for value in values:
        for raw in str(value).split(","):
            tag = " ".join(raw.strip().lstrip("#").lower().split())[:MAX_TAG_LENGTH]
            if tag and tag not in tags:
                tags.append(tag)
    return tags[:MAX_TAGS]


# ---------- consent status per asset ----------

ALL_GIVEN = "given"
MISSING = "missing"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"
NOBODY = "nobody"  # no person recorded


def person_status(person: PersonShown, today: dt.date) -> str:
    """One person's consent as a word: given / missing / withdrawn / expired."""
    if person.consent == PersonShown.Consent.WITHDRAWN or person.withdrawn_at:
        return WITHDRAWN
    if person.consent != PersonShown.Consent.GIVEN:
        return MISSING
    if person.consent_until and person.consent_until < today:
        return EXPIRED
    return ALL_GIVEN


def consent_summary(people: Iterable[PersonShown], today: dt.date | None = None) -> str:
    """The worst status among the people shown (withdrawn > missing > expired > given)."""
    today = today or timezone.localdate()
    statuses = {person_status(person, today) for person in people}
    for status in (WITHDRAWN, MISSING, EXPIRED, ALL_GIVEN):
        if status in statuses:
            return status
    return NOBODY


FILTERS = ("no_alt", "no_consent", "withdrawn")


def filter_assets(
    assets: QuerySet[MediaAsset], key: str, today: dt.date | None = None
) -> QuerySet[MediaAsset]:
    """The library's filters: missing alt text, missing (or expired) consent, withdrawn."""
    today = today or timezone.localdate()
    people = PersonShown.objects.all()
    if key == "no_alt":
        return assets.filter(alt_text__regex=r"^\s*$")
    if key == "no_consent":
        lacking = people.filter(
            Q(consent=PersonShown.Consent.NONE)
            | Q(consent=PersonShown.Consent.GIVEN, consent_until__lt=today)
        ).exclude(withdrawn_at__isnull=False)
        return assets.filter(pk__in=lacking.values("asset_id"))
    if key == "withdrawn":
        withdrawn = people.filter(
            Q(consent=PersonShown.Consent.WITHDRAWN) | Q(withdrawn_at__isnull=False)
        )
        return assets.filter(pk__in=withdrawn.values("asset_id"))
    return assets


# ---------- saving ----------


def update_asset(asset: MediaAsset, actor=None, **fields) -> MediaAsset:
    """Save alt text, credit, tags and music; audit which fields changed."""
    if asset.kind != MediaAsset.Kind.VIDEO:
        fields.pop("music_title", None), fields.pop("music_licence", None)
    if "tags" in fields:
        fields["tags"] = parse_tags(fields["tags"])
    changed = sorted(name for name, value in fields.items() if getattr(asset, name) != value)
    if not changed:
        return asset
    for name in changed:
        setattr(asset, name, fields[name])
    asset.save(update_fields=changed)
    audit.record(
        asset.organisation, "media.updated", str(asset), actor=actor, asset=asset.pk, fields=changed
    )
    return asset


def check_document(upload) -> tuple[str, str]:
    """(extension, mime type) of a signed consent, or ``DocumentRejected``."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise DocumentRejected(
            _("%(name)s is larger than %(mb)d MB.")
            % {"name": upload.name, "mb": MAX_DOCUMENT_BYTES // 2**20}
        )
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise DocumentRejected(
        _("%(name)s: the signed consent must be a PDF, JPEG or PNG file.") % {"name": upload.name}
    )


def save_person(
    person: PersonShown, channels: Iterable = (), document=None, actor=None
) -> PersonShown:
    """Create or update a consent record; a new signed document replaces the old one."""
    created = person.pk is None
    if person.consent == PersonShown.Consent.GIVEN and person.withdrawn_at:
        raise ValueError("A withdrawn consent is not given again: record a new consent.")
    with transaction.atomic():
        if document is not None:
            extension, _mime = check_document(document)
            person.consent_document.save(
                f"{uuid.uuid4().hex}.{extension}", ContentFile(document.read()), save=False
            )
        person.save()
        person.consent_channels.set([] if person.consent_all_channels else list(channels))
        audit.record(
            person.asset.organisation,
            "consent.recorded" if created else "consent.changed",
            person.name,
            actor=actor,
            asset=person.asset_id,
            consent=person.consent,
            document=bool(person.consent_document),
        )
    return person


def document_type(person: PersonShown) -> str:
    """The mime type of a stored signed consent (from the extension it was stored under)."""
    name = person.consent_document.name or ""
    return DOCUMENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
