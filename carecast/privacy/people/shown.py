"""A person shown in media: found by the name (or consent reference) the library keeps.

The export holds the consent records and the pictures and videos showing the person. An
erasure withdraws the consent first (``publishing.compliance.withdraw_consent``: planned
posts are cancelled, public ones flagged), then deletes the signed form and replaces the
name by a pseudonym: the row stays as the proof of withdrawal, so the picture cannot be used
again without a new consent. Posts already public stay on the networks until someone deletes
them there; the page lists them with their links.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecast.privacy import pseudonyms
from carecast.privacy.people.base import Erased, Export, Match

KIND = "shown"
PREFIX = "person"


def rows(organisation, key: str):
    from carecast.stories.models import PersonShown

    return (
        PersonShown.objects.filter(asset__organisation=organisation, name__iexact=key.strip())
        .select_related("asset")
        .prefetch_related("consent_channels")
        .order_by("pk")
    )


def find(organisation, query: str) -> list[Match]:
    from carecast.stories.models import PersonShown

    found = PersonShown.objects.filter(asset__organisation=organisation).filter(
        Q(name__icontains=query) | Q(consent_reference__iexact=query)
    )
    groups: dict[str, list] = defaultdict(list)
    for person in found.select_related("asset").order_by("pk")[:500]:
        groups[person.name.strip().casefold()].append(person)
    return [_match(people) for _key, people in sorted(groups.items())]


def published(assets) -> list[tuple[str, str]]:
    """(channel, address) of each public post that uses one of the assets."""
    from carecast.publishing.models import Publication, State

    posts = (
        Publication.objects.filter(variant__story__media__in=assets)
        .filter(state__in=[State.PUBLISHED, State.UNCONFIRMED])
        .select_related("channel")
        .distinct()
        .order_by("pk")
    )
    return [(post.channel.name, post.remote_url) for post in posts]


def _match(people: list) -> Match:
    consents = sorted({str(p.get_consent_display()) for p in people})
    held = [
        ngettext("%(n)s media file", "%(n)s media files", len(people)) % {"n": len(people)}
        + " · "
        + ", ".join(consents)
    ]
    if any(p.consent_document for p in people):
        held.append(_("signed consent form"))
    return Match(KIND, people[0].name, people[0].name, held, published([p.asset for p in people]))


def _record(person) -> dict:
    return {
        "name": person.name,
        "media_file": (person.asset.file.name or "").rsplit("/", 1)[-1],
        "consent": person.consent,
        "consent_reference": person.consent_reference,
        "consent_purpose": person.consent_purpose,
        "consent_until": person.consent_until.isoformat() if person.consent_until else None,
        "all_channels": person.consent_all_channels,
        "channels": [c.name for c in person.consent_channels.all()],
        "patient": person.is_patient,
        "health_data_visible": person.health_data_visible,
        "art9_consent": person.art9_consent,
        "withdrawn_at": person.withdrawn_at.isoformat() if person.withdrawn_at else None,
        "signed_consent": (person.consent_document.name or "").rsplit("/", 1)[-1] or None,
    }


def export(organisation, key: str) -> Export:
    people = list(rows(organisation, key))
    files: list[tuple[str, object]] = []
    for person in people:
        if person.asset.file:
            files.append((f"medien/{person.asset.file.name.rsplit('/', 1)[-1]}", person.asset.file))
        if person.consent_document:
            name = person.consent_document.name.rsplit("/", 1)[-1]
            files.append((f"einwilligungen/{name}", person.consent_document))
    posts = published([p.asset for p in people])
    data = {
        "consents": [_record(p) for p in people],
        "published_posts": [{"channel": c, "url": u} for c, u in posts],
    }
    return Export(data, files)


def erase(organisation, key: str, actor) -> Erased:
    from carecast.publishing.compliance import withdraw_consent
    from carecast.stories.models import PersonShown

    people = list(rows(organisation, key))
    words = {key} | {p.name for p in people} | {p.consent_reference for p in people}
    pseudonym = pseudonyms.make(PREFIX)
    posts = published([p.asset for p in people])
    for person in people:
        with transaction.atomic():
            if person.consent != PersonShown.Consent.WITHDRAWN:
                withdraw_consent(person, actor)
            if person.consent_document:
                # The file goes once the rows say so: a rolled-back erasure keeps its form.
                storage, name = person.consent_document.storage, person.consent_document.name
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
            person.consent_channels.clear()
            PersonShown.objects.filter(pk=person.pk).update(
                name=pseudonym,
                consent=PersonShown.Consent.WITHDRAWN,
                consent_reference="",
                consent_purpose="",
                consent_until=None,
                consent_document="",
                consent_all_channels=False,
                art9_consent=False,
            )
    counts = {"consent_records": len(people)}
    return Erased(counts, sorted(w for w in words if w), pseudonym, posts)
