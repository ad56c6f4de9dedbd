"""A queued per-channel task (inbox read, metric sync) acts only on a channel still active."""

from __future__ import annotations

import pytest

from carecast.networks.services import active_channel, pause

pytestmark = pytest.mark.django_db


def test_it_finds_the_active_channel_with_its_organisation(feed_channel, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = active_channel(feed_channel.pk)
        assert found == feed_channel and found.organisation.pk == feed_channel.organisation_id


def test_it_finds_nothing_once_the_channel_is_paused_or_gone(feed_channel):
    pause(feed_channel, "Zugang abgelaufen")
    assert active_channel(feed_channel.pk) is None
    assert active_channel(feed_channel.pk + 1000) is None
