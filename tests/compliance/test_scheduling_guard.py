"""A blocking finding stops scheduling, unless the communications lead overrides it with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.core.models import AuditLog
from carecast.publishing.models import Publication, State
from carecast.publishing.services import (
    ComplianceBlocked,
    PublishingError,
    publish_now,
    schedule,
    schedule_local,
)

BEFORE_AFTER = "Vorher/Nachher: Lippenunterspritzung mit Hyaluron in unserer Ästhetik-Sprechstunde."


def soon() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=1)


@pytest.fixture
def blocked(story_for, mastodon):
    return story_for(
        mastodon, text=BEFORE_AFTER, variant_texts={mastodon.pk: BEFORE_AFTER}
    ).variants.get()


def test_it_stops_a_blocked_post_from_being_scheduled(blocked, anna):
    with pytest.raises(ComplianceBlocked) as error:
        schedule(blocked, soon(), actor=anna.user)
    assert [f.id for f in error.value.findings] == ["hwg.before_after"]
    assert isinstance(error.value, PublishingError) and "Vorher-Nachher-Vergleich" in str(
        error.value
    )
    assert not Publication.objects.exists()


def test_it_stops_publish_now_and_local_scheduling_too(blocked, anna):
    with pytest.raises(ComplianceBlocked):
        publish_now(blocked, actor=anna.user)
    with pytest.raises(ComplianceBlocked):
        schedule_local(blocked, dt.datetime(2099, 1, 1, 10, 0), actor=anna.user)
    assert not Publication.objects.exists()


def test_it_refuses_an_override_by_an_editor(blocked, ben):
    with pytest.raises(ComplianceBlocked) as error:
        schedule(blocked, soon(), actor=ben.user, override_reason="Kampagne ist freigegeben")
    assert "Nur die Leitung der Unternehmenskommunikation" in str(error.value)
    assert not Publication.objects.exists()


def test_it_needs_a_reason_even_from_the_lead(blocked, anna):
    with pytest.raises(ComplianceBlocked):
        schedule(blocked, soon(), actor=anna.user, override_reason="   ")


def test_it_lets_the_lead_override_with_a_reason_and_audits_it(blocked, anna):
    publication = schedule(
        blocked, soon(), actor=anna.user, override_reason="Rekonstruktive OP, Rechtsabteilung ok"
    )
    assert publication.state == State.SCHEDULED
    entry = AuditLog.objects.get(action="compliance.override")
    assert entry.actor == anna.user and entry.detail == {
        "publication": publication.pk,
        "reason": "Rekonstruktive OP, Rechtsabteilung ok",
        "findings": ["hwg.before_after"],
    }


def test_it_schedules_clean_posts_as_before(story_for, mastodon, ben):
    variant = story_for(mastodon).variants.get()
    publication = schedule(variant, soon(), actor=ben.user)
    assert publication.state == State.SCHEDULED
    assert not AuditLog.objects.filter(action="compliance.override").exists()


def test_it_lets_high_findings_through_for_review(story_for, mastodon, ben):
    variant = story_for(mastodon, text="Schmerzfreie Geburt mit PDA").variants.get()
    assert schedule(variant, soon(), actor=ben.user).state == State.SCHEDULED


def test_it_blocks_a_photo_of_a_person_without_consent_for_the_channel(
    story_for, mastodon, photo, person_in, anna
):
    person_in(photo, consent_all_channels=False)
    variant = story_for(mastodon, media=[photo]).variants.get()
    with pytest.raises(ComplianceBlocked) as error:
        schedule(variant, soon(), actor=anna.user)
    assert [f.id for f in error.value.findings] == ["consent.person_missing"]
