"""What people do with publications: schedule, publish now, cancel, resolve.

Views and other apps call these; they never write ``Publication`` rows directly.
Each function audits what it did and enqueues the dispatch after commit.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.core.timezones import resolve_local
from carecast.publishing import states
from carecast.publishing.models import Publication, State
from carecast.stories.models import Variant


class PublishingError(Exception):
    """A request that cannot be carried out, with a message for the person who asked."""


class ComplianceBlocked(PublishingError):
    """A check blocks this post; the communications lead may override it with a reason."""

    def __init__(self, message: str, findings: list) -> None:
        super().__init__(message)
        self.findings = findings


def schedule(
    variant: Variant,
    due_at: dt.datetime,
    actor=None,
    due_note: str = "",
    override_reason: str = "",
) -> Publication:
    """Schedule ``variant`` for ``due_at`` (aware). Returns the new publication.

    A blocking compliance finding raises ``ComplianceBlocked`` unless ``actor`` may
    override and gives ``override_reason`` (audited with the findings). A post that
    needs approval (``approvals.guard``) and has none raises ``PublishingError``.
    """
    if timezone.is_naive(due_at):
        raise PublishingError("due_at must be timezone-aware")
    _approval_guard(variant, actor)
    channel = variant.channel
    problems = [
        p for p in channel.rules.check(variant.text, _media(variant), channel.config) if p.blocking
    ]
    if problems:
        raise PublishingError(" ".join(p.message for p in problems))
    overridden = _compliance_guard(variant, actor, override_reason)
    with transaction.atomic():
        publication = Publication.objects.create(
            variant=variant,
            channel=channel,
            state=State.SCHEDULED,
            due_at=due_at,
            due_note=due_note,
            text=variant.text,
        )
        audit.record(
            channel.organisation,
            "publication.scheduled",
            str(variant),
            actor=actor,
            publication=publication.pk,
            due_at=due_at.isoformat(),
            note=due_note,
        )
        if overridden:
            audit.record(
                channel.organisation,
                "compliance.override",
                str(variant),
                actor=actor,
                publication=publication.pk,
                reason=override_reason.strip(),
                findings=[f.id for f in overridden],
            )
        transaction.on_commit(lambda: _enqueue(due_at))
    return publication


def schedule_many(
    planned: list[tuple[Variant, dt.datetime]], actor=None
) -> list[Publication | PublishingError]:
    """Schedule many new posts at once, with the same guards as ``schedule`` for each.

    For the automation: the guards (approval, network rules, compliance) run per post on
    media read once for the batch; the posts that pass are inserted and audited together,
    and one dispatch is enqueued per due time. Returns a publication or the refusal for
    each entry, in order; a blocking compliance finding is a refusal (no override here).
    """
    if any(timezone.is_naive(due) for _v, due in planned):
        raise PublishingError("due_at must be timezone-aware")
    media = _media_many([v for v, _due in planned])
    outcomes: list[Publication | PublishingError] = []
    for variant, due_at in planned:
        try:
            outcomes.append(_guarded(variant, due_at, actor, media[variant.story_id]))
        except PublishingError as exc:
            outcomes.append(exc)
    created = [
        (o, due)
        for o, (_v, due) in zip(outcomes, planned, strict=True)
        if isinstance(o, Publication)
    ]
    with transaction.atomic():
        Publication.objects.bulk_create([p for p, _due in created], batch_size=500)
        audit.record_many(
            [
                audit.entry(
                    p.channel.organisation,
                    "publication.scheduled",
                    str(p.variant),
                    actor=actor,
                    publication=p.pk,
                    due_at=due.isoformat(),
                    note="",
                )
                for p, due in created
            ]
        )
        for due in sorted({due for _p, due in created}):
            transaction.on_commit(partial(_enqueue, due))
    return outcomes


def _guarded(variant: Variant, due_at: dt.datetime, actor, assets: list) -> Publication:
    """``schedule``'s checks on one post of a batch; the publication is not saved yet."""
    from carecast.media.video import media_file
    from carecast.publishing.compliance import blocking_findings_for

    _approval_guard(variant, actor)
    channel = variant.channel
    files = [media_file(asset, channel.network) for asset in assets]
    problems = [p for p in channel.rules.check(variant.text, files, channel.config) if p.blocking]
    if problems:
        raise PublishingError(" ".join(p.message for p in problems))
    blocks = blocking_findings_for(channel, variant.text, assets)
    if blocks:
        raise ComplianceBlocked(" ".join(f.message for f in blocks), blocks)
    return Publication(
        variant=variant, channel=channel, state=State.SCHEDULED, due_at=due_at, text=variant.text
    )


def _media_many(variants: list[Variant]) -> dict[int, list]:
    """Each story's media assets, read in one query for the whole batch."""
    from carecast.stories.models import Story

    through = Story.media.through
    by_story: dict[int, list] = {v.story_id: [] for v in variants}
    rows = through.objects.filter(story_id__in=list(by_story)).select_related("mediaasset")
    for row in rows.order_by("pk"):
        by_story[row.story_id].append(row.mediaasset)
    return by_story


def schedule_local(
    variant: Variant,
    wall_time: dt.datetime,
    actor=None,
    zone: str | None = None,
    override_reason: str = "",
) -> Publication:
    """Schedule at a wall-clock time in ``zone`` (default: the channel's).

    DST gaps and overlaps are resolved explicitly and noted on the publication.
    """
    resolved = resolve_local(wall_time, zone or variant.channel.timezone)
    return schedule(
        variant,
        resolved.instant,
        actor=actor,
        due_note=resolved.note,
        override_reason=override_reason,
    )


def publish_now(variant: Variant, actor=None, override_reason: str = "") -> Publication:
    return schedule(variant, timezone.now(), actor=actor, override_reason=override_reason)


def cancel(publication: Publication, actor=None) -> None:
    # A failed post can be cancelled too: the team decided not to send it after all.
    if not states.move(publication, {State.DRAFT, State.SCHEDULED, State.FAILED}, State.CANCELLED):
        raise PublishingError(_("Only drafts, scheduled and failed posts can be cancelled."))
    audit.record(
        publication.channel.organisation,
        "publication.cancelled",
        str(publication.variant),
        actor=actor,
    )


def resend(publication: Publication, actor=None) -> None:
    """Send a failed or unconfirmed post again — after a person checked the network."""
    if not states.move(
        publication,
        {State.FAILED, State.UNCONFIRMED},
        State.SCHEDULED,
        due_at=timezone.now(),
        next_attempt_at=None,
        outcome_unknown=False,
        attempt_count=0,
    ):
        raise PublishingError(_("Only failed or unconfirmed posts can be sent again."))
    audit.record(
        publication.channel.organisation,
        "publication.resent",
        str(publication.variant),
        actor=actor,
    )
    transaction.on_commit(lambda: _enqueue(timezone.now()))


def confirm_published(publication: Publication, url: str = "", actor=None) -> None:
    """A person found an unconfirmed post on the network: record it as published, never resend."""
    if not states.move(
        publication,
        {State.UNCONFIRMED},
        State.PUBLISHED,
        remote_url=url,
        published_at=timezone.now(),
        outcome_unknown=False,
    ):
        raise PublishingError(_("Only unconfirmed posts can be confirmed."))
    audit.record(
        publication.channel.organisation,
        "publication.confirmed",
        str(publication.variant),
        actor=actor,
        url=url,
    )


def _approval_guard(variant: Variant, actor) -> None:
    """Nothing goes out that needs approval and has none (or was changed since)."""
    from carecast.approvals.guard import approval_missing  # approvals schedules through here

    if approval_missing(variant, actor):
        raise PublishingError(
            _("%(channel)s needs approval first: submit the story for review.")
            % {"channel": variant.channel.name}
        )


def _compliance_guard(variant: Variant, actor, override_reason: str) -> list:
    """The blocking findings that an allowed person overrode; raises if not overridden."""
    from carecast.publishing.compliance import blocking_findings_for, may_override

    blocks = blocking_findings_for(variant.channel, variant.text, variant.story.media.all())
    if not blocks:
        return []
    if override_reason.strip() and may_override(actor):
        return blocks
    reasons = " ".join(f.message for f in blocks)
    if override_reason.strip():
        reasons += " " + _("Only the communications lead may override a blocking check.")
    raise ComplianceBlocked(reasons, blocks)


def _media(variant: Variant):
    from carecast.publishing.dispatch import build_request  # local: dispatch imports tasks lazily

    return list(
        build_request(
            Publication(variant=variant, channel=variant.channel, text=variant.text)
        ).media
    )


def _enqueue(due_at: dt.datetime) -> None:
    from carecast.publishing.tasks import enqueue_dispatch

    enqueue_dispatch(due_at)
