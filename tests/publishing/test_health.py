"""Dead tokens are found before the next post is due."""

import datetime as dt

from django.utils import timezone

from carecast.networks.models import ChannelStatus
from carecast.publishing import health, services


def _schedule_in(story_for, channel, hours):
    variant = story_for(channel).variants.get()
    return services.schedule(variant, timezone.now() + dt.timedelta(hours=hours))


def test_it_pauses_a_channel_with_a_revoked_token_before_its_post_is_due(
    channel_on, story_for, sandbox
):
    mastodon = channel_on("mastodon")
    _schedule_in(story_for, mastodon, 1)
    sandbox.revoke(mastodon.get_credentials()["access_token"])
    assert health.check_upcoming() == [mastodon]
    mastodon.refresh_from_db()
    assert mastodon.status == ChannelStatus.PAUSED


def test_it_leaves_a_channel_alone_when_the_network_only_blinks(channel_on, story_for, sandbox):
    x = channel_on("x")
    _schedule_in(story_for, x, 1)
    sandbox.inject_fault(network="x", status=503, times=None)
    assert health.check_upcoming() == []
    x.refresh_from_db()
    assert x.status == ChannelStatus.ACTIVE


def test_it_only_checks_channels_with_posts_due_soon(channel_on, story_for, sandbox):
    mastodon = channel_on("mastodon")
    _schedule_in(story_for, mastodon, 48)
    assert health.channels_with_upcoming_posts() == []
