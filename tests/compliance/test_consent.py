"""Consent records: what they cover, and a withdrawal that reaches every post using the asset."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from carecast.core.models import AuditLog
from carecast.networks.models import Channel
from carecast.publishing.compliance import consent_state, withdraw_consent
from carecast.publishing.models import Publication, State
from carecast.publishing.services import schedule
from carecast.stories.models import PersonShown


def test_it_counts_consent_only_for_the_channels_and_time_it_covers(
    org, mastodon, photo, person_in
):
    other = Channel.objects.create(organisation=org, network="x", name="X – Jobs")
    person = person_in(photo, consent_all_channels=False)
    person.consent_channels.add(mastodon)
    assert consent_state(person, mastodon) == "given"
    assert consent_state(person, other) == "none"
    person.consent_until = timezone.localdate() - dt.timedelta(days=1)
    assert consent_state(person, mastodon) == "none"
    person.consent = PersonShown.Consent.NONE
    assert consent_state(person, mastodon) == "none"


def test_it_flags_every_scheduled_and_published_post_using_the_asset(
    org, story_for, mastodon, photo, person_in, anna
):
    petra = person_in(photo)
    x = Channel.objects.create(organisation=org, network="x", name="X – Klinikum")
    story = story_for(mastodon, x, media=[photo])
    scheduled = schedule(
        story.variants.get(channel=mastodon), timezone.now() + dt.timedelta(days=1)
    )
    published = Publication.objects.create(
        variant=story.variants.get(channel=x),
        channel=x,
        state=State.PUBLISHED,
        due_at=timezone.now(),
        published_at=timezone.now(),
    )
    unrelated = schedule(
        story_for(mastodon, title="Ohne Foto").variants.get(), timezone.now() + dt.timedelta(days=2)
    )

    flags = withdraw_consent(petra, actor=anna.user)

    assert {f.publication.pk for f in flags} == {scheduled.pk, published.pk}
    assert all(f.finding.id == "consent.withdrawn" and f.finding.severity == "high" for f in flags)
    scheduled.refresh_from_db(), published.refresh_from_db(), unrelated.refresh_from_db()
    assert scheduled.state == State.CANCELLED  # must not go out any more
    assert published.state == State.PUBLISHED  # the team reviews and takes it down
    assert unrelated.state == State.SCHEDULED
    petra.refresh_from_db()
    assert petra.consent == PersonShown.Consent.WITHDRAWN and petra.withdrawn_at
    flagged = AuditLog.objects.filter(action="compliance.flagged")
    assert {e.detail["publication"] for e in flagged} == {scheduled.pk, published.pk}
    assert AuditLog.objects.filter(action="consent.withdrawn", actor=anna.user).count() == 1


def test_it_blocks_new_posts_with_the_withdrawn_asset(story_for, mastodon, photo, person_in, anna):
    withdraw_consent(person_in(photo))
    variant = story_for(mastodon, media=[photo]).variants.get()
    from carecast.publishing.compliance import findings_for_variant

    assert [f.id for f in findings_for_variant(variant)] == ["consent.withdrawn"]


def test_it_needs_art9_consent_for_a_patient(story_for, mastodon, photo, person_in):
    from carecast.publishing.compliance import findings_for_variant

    person = person_in(photo, is_patient=True)
    variant = story_for(mastodon, media=[photo]).variants.get()
    assert [f.id for f in findings_for_variant(variant)] == ["consent.patient_art9"]
    person.art9_consent = True
    person.save()
    assert findings_for_variant(variant) == []
