"""Facebook and Instagram through carecast's own paths: dispatch pauses on code 190 and
waits before Meta's rate limit; the inbox reads comments and hides one on the network (Threads replies too)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from carecast.inbox import fetch
from carecast.inbox.hide import hide_on_network
from carecast.inbox.models import InboxItem
from carecast.networks.facebook.graph import reset_throttles
from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing import dispatch, services
from carecast.publishing.models import State


@pytest.fixture(autouse=True)
def _no_remembered_limits():
    reset_throttles()
    yield
    reset_throttles()


@pytest.fixture
def graph_channel(org, sandbox):
    def make(network: str, handle: str, name: str) -> Channel:
        remote = sandbox.add_account(network, handle, f"token-{handle}", display_name=name)
        prefix = "threads-graph" if network == "threads" else "graph"
        channel = Channel(
            organisation=org,
            network=network,
            name=f"{network} – {name}",
            handle=name,
            base_url=f"{sandbox.base_url}/{prefix}",
            remote_user_id=remote["id"],
            is_sandbox=True,
        )
        channel.set_credentials({"access_token": f"token-{handle}"})
        channel.save()
        return channel

    return make


def test_it_pauses_the_page_on_an_expired_token_and_keeps_the_post(
    graph_channel, story_for, sandbox
):
    page = graph_channel("facebook", "babytown", "Babytown")
    sandbox.expire("token-babytown")
    publication = services.schedule(story_for(page).variants.get(), timezone.now())
    dispatch.publish_one(publication.pk)
    page.refresh_from_db()
    publication.refresh_from_db()
    assert page.status == ChannelStatus.PAUSED
    assert "190" in page.status_reason
    assert publication.state == State.SCHEDULED
    assert sandbox.posts("facebook") == []


def test_it_waits_before_the_rate_limit_when_meta_reports_high_usage(
    graph_channel, story_for, sandbox
):
    page = graph_channel("facebook", "babytown", "Babytown")
    sandbox.settings["meta_buc_usage"] = {
        page.remote_user_id: [
            {
                "type": "pages",
                "call_count": 92,
                "total_time": 5,
                "estimated_time_to_regain_access": 0,
            }
        ]
    }
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        first = services.schedule(story_for(page, text="Erster").variants.get(), timezone.now())
        second = services.schedule(story_for(page, text="Zweiter").variants.get(), timezone.now())
        dispatch.publish_one(first.pk)
        dispatch.publish_one(second.pk)
        second.refresh_from_db()
        assert second.state not in (State.PUBLISHED, State.FAILED)
        assert second.next_attempt_at >= timezone.now() + dt.timedelta(seconds=290)
    assert [p["text"] for p in sandbox.posts("facebook")] == ["Erster"]


@pytest.mark.parametrize("network", ["facebook", "instagram", "threads"])
def test_it_reads_a_comment_into_the_inbox_and_hides_it_on_the_network(
    graph_channel, sandbox, anna, network
):
    channel = graph_channel(network, "klinikum", "Klinikum")
    post_id = f"{channel.remote_user_id}_1" if network == "facebook" else "17890001"
    sandbox.store.add_post(network, "klinikum", post_id, "Neuer MRT", "", {})
    sandbox.add_comment(network, post_id, "Billige Kredite hier: spam.example", "spambot")
    assert fetch.fetch_channel(channel).new == 1
    item = InboxItem.objects.get(channel=channel)
    assert item.in_reply_to == post_id
    assert hide_on_network(item, anna.user) == ""
    flag = "is_hidden" if network == "facebook" else "hidden"
    assert sandbox.store.post(network, item.remote_id)["data"][flag] is True
    item.refresh_from_db()
    assert item.hidden_at is not None


@pytest.mark.parametrize("network", ["facebook", "instagram", "threads", "linkedin"])
def test_it_reads_the_comments_on_one_announcement(sandbox, network):
    """``fetch_replies``: what a live consultation reads under its announcement post."""
    from carecast.networks import registry
    from carecast.networks.base import Account

    prefix = {"threads": "threads-graph", "linkedin": "linkedin"}.get(network, "graph")
    remote = sandbox.add_account(network, "klinikum", "token-k", display_name="Klinikum")
    post_id = {"facebook": f"{remote['id']}_1", "linkedin": "urn:li:share:1"}.get(network, "901")
    sandbox.store.add_post(network, "klinikum", post_id, "Live-Sprechstunde ab 18 Uhr", "", {})
    sandbox.store.add_post(network, "klinikum", "902", "Ein anderer Beitrag", "", {})
    sandbox.add_comment(network, post_id, "Wie lange dauert die Narkose?", "lena")
    sandbox.add_comment(network, "902", "Nicht diese Frage", "ole")
    account = Account(
        base_url=f"{sandbox.base_url}/{prefix}",
        handle="klinikum",
        remote_user_id=remote["id"],
        credentials={"access_token": "token-k"},
    )
    connector = registry.get(network).connector(account)
    [reply] = connector.fetch_replies(post_id)
    connector.close()
    assert (reply.text, reply.in_reply_to) == ("Wie lange dauert die Narkose?", post_id)
