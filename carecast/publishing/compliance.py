"""The one place where the compliance checks meet the database: drafts from posts, overrides,
withdrawals.

The checks in ``carecast.compliance`` stay pure (a ``Draft`` in, findings out) and import no
other app; this module, in publishing because it reads channels and media and cancels posts,
turns a channel + text + media assets into a ``Draft``, decides who may override a blocking
finding, and carries out a consent withdrawal across scheduled and published posts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.compliance.draft import AccountInfo, Draft, Finding, Media, Music, PersonInMedia
from carecast.compliance.service import run_checks
from carecast.core import audit
from carecast.core.models import Role
from carecast.networks.models import Channel
from carecast.publishing.models import Publication, State
from carecast.stories.models import MediaAsset, PersonShown, Variant

LicenceKind = Literal["own", "licensed", "commercial_library", "none"]
ConsentKind = Literal["none", "given", "withdrawn"]
MediaKind = Literal["image", "video"]

# Who may publish despite a blocking finding: the communications lead. The person who wrote
# the post is usually an editor; a second, accountable person decides (four-eyes principle).
OVERRIDE_ROLES = {Role.ADMIN}


def may_override(user) -> bool:
    person = getattr(user, "person", None) if user is not None else None
    return person is not None and person.role in OVERRIDE_ROLES


def consent_state(person: PersonShown, channel: Channel, on: dt.date | None = None) -> str:
    """The consent as the checks see it: given only if the record covers this channel today."""
    if person.consent == PersonShown.Consent.WITHDRAWN or person.withdrawn_at:
        return "withdrawn"
    if person.consent != PersonShown.Consent.GIVEN:
        return "none"
    on = on or timezone.localdate()
    if person.consent_until and person.consent_until < on:
        return "none"
    covered = person.consent_all_channels or any(
        c.pk == channel.pk for c in person.consent_channels.all()
    )
    return "given" if covered else "none"


def _media(asset: MediaAsset, channel: Channel) -> Media:
    music = None
    if asset.music_licence:
        # The model's choices are the same four values as the Literal.
        music = Music(title=asset.music_title, licence=cast(LicenceKind, asset.music_licence))
    people = [
        PersonInMedia(
            name=p.name,
            consent=cast(ConsentKind, consent_state(p, channel)),
            patient=p.is_patient,
            art9=p.art9_consent,
        )
        for p in asset.people.all()
    ]
    kind = cast(MediaKind, asset.kind)
    # Tags tell the checks what a picture shows that its alt text may not say (a before/after
    # comparison); they are stored as typed, the checks compare them case- and dash-blind.
    tags = [str(tag) for tag in asset.tags or []]
    # YouTube's Shorts rule reads the shape of what will be sent: the fitted version if any.
    probe = _probe_for(asset, channel.network) if kind == "video" else {}
    return Media(
        kind=kind,
        alt_text=asset.alt_text,
        tags=tags,
        people=people,
        music=music,
        seconds=float(probe.get("duration") or 0),
        width=int(probe.get("width") or 0),
        height=int(probe.get("height") or 0),
    )


def _probe_for(asset: MediaAsset, network: str) -> dict:
    from carecast.media.video import rendition_for

    rendition = rendition_for(asset, network)
    return dict((rendition.probe if rendition else asset.probe) or {})


def draft_from(channel: Channel, text: str, media: Iterable[MediaAsset] = ()) -> Draft:
    """A post as typed in the composer (unsaved) or as saved in a variant."""
    organisation = channel.organisation
    return Draft(
        text=text,
        networks=[channel.network],
        account=AccountInfo(kind="brand", imprint_url=organisation.imprint_url or None),
        media=[_media(asset, channel) for asset in media],
        config=dict(channel.config),
    )


# A channel's own network rules already report length, media and alt text, in the composer
# and when scheduling (``Network.check``); running these again would say everything twice.
ALREADY_CHECKED_BY_NETWORK = {"format.too_long", "format.media", "a11y.alt_text_missing"}


def _checks_for_channels() -> list[str]:
    from carecast.compliance.checks import CHECKS

    return [check_id for check_id in CHECKS if check_id not in ALREADY_CHECKED_BY_NETWORK]


def findings_for(channel: Channel, text: str, media: Iterable[MediaAsset]) -> list[Finding]:
    """The compliance findings on one post for one channel (not yet saved, or saved)."""
    return run_checks(draft_from(channel, text, media), only=_checks_for_channels())


_blocking_checks: list[str] | None = None


def blocking_findings_for(
    channel: Channel, text: str, media: Iterable[MediaAsset]
) -> list[Finding]:
    """``findings_for``'s blocking findings only, for the scheduler's guard: the checks that
    can never block (warnings such as a success promise) are not run at all."""
    global _blocking_checks
    if _blocking_checks is None:
        from carecast.compliance.checks import CHECKS

        _blocking_checks = [i for i in _checks_for_channels() if type(CHECKS[i]).can_block()]
    draft = draft_from(channel, text, media)
    return [f for f in run_checks(draft, only=_blocking_checks) if f.blocks]


def findings_for_variant(variant: Variant) -> list[Finding]:
    return findings_for(variant.channel, variant.text, variant.story.media.all())


@dataclass(frozen=True)
class Flag:
    """A post that uses an asset whose consent was withdrawn."""

    publication: object
    finding: Finding
    cancelled: bool


def withdraw_consent(
    person: PersonShown, actor=None, when: dt.datetime | None = None
) -> list[Flag]:
    """Record the withdrawal and flag every scheduled and published post that uses the asset.

    Consent withdrawn is effective for the future: scheduled posts are cancelled (they must
    not go out); published ones are flagged HIGH for the team to review and take down.
    """
    with transaction.atomic():
        person.consent, person.withdrawn_at = PersonShown.Consent.WITHDRAWN, when or timezone.now()
        person.save(update_fields=["consent", "withdrawn_at"])
        organisation = person.asset.organisation
        audit.record(
            organisation, "consent.withdrawn", person.name, actor=actor, asset=person.asset_id
        )
        publications = (
            Publication.objects.filter(
                variant__story__media=person.asset,
                state__in=[State.SCHEDULED, State.PUBLISHED, State.UNCONFIRMED],
            )
            .select_related("channel", "variant__story")
            .distinct()
        )
        return [_flag(publication, person, actor) for publication in publications]


def _flag(publication, person: PersonShown, actor) -> Flag:
    """Cancel the post if it is still only scheduled; audit the flag either way."""
    # services imports this module (the guard before scheduling): imported when first needed.
    from carecast.publishing.services import PublishingError, cancel

    cancelled = False
    if publication.state == State.SCHEDULED:
        try:
            cancel(publication, actor=actor)
            cancelled = True
        except PublishingError:
            pass  # claimed by a worker this instant: it stays flagged for review
    finding = _withdrawn_finding(person, publication, cancelled)
    audit.record(
        person.asset.organisation,
        "compliance.flagged",
        str(publication.variant),
        actor=actor,
        publication=publication.pk,
        finding=finding.id,
        severity=finding.severity,
        cancelled=cancelled,
    )
    return Flag(publication, finding, cancelled)


def _withdrawn_finding(person: PersonShown, publication, cancelled: bool) -> Finding:
    if cancelled:
        message = _("%(name)s withdrew consent: this scheduled post was cancelled. Review it.")
    else:
        message = _(
            "%(name)s withdrew consent: this post is public. Review it and take it down on the "
            "network."
        )
    return Finding("consent.withdrawn", "high", message % {"name": person.name})
