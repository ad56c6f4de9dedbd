"""Reading comments from the sandbox: dedupe, cursor, triage at arrival, errors per channel."""

from __future__ import annotations

from carecast.inbox import fetch, tasks
from carecast.inbox.models import ChannelInbox, InboxItem
from carecast.networks.models import ChannelStatus
from tests.inbox.conftest import mastodon_comment


def test_it_stores_each_comment_once_and_moves_the_cursor(mastodon, comment):
    first = comment("Wann ist die Cafeteria geöffnet?")
    assert fetch.fetch_channel(mastodon).new == 1
    assert fetch.fetch_channel(mastodon).new == 0  # nothing new: nothing stored twice
    state = ChannelInbox.objects.get(channel=mastodon)
    assert state.since_id == first["id"] and state.last_error == ""
    second = comment("Danke an das tolle Team der Station!", handle="jonas")
    assert fetch.fetch_channel(mastodon).new == 1
    assert InboxItem.objects.count() == 2
    assert ChannelInbox.objects.get(channel=mastodon).since_id == second["id"]


def test_it_triages_every_item_at_arrival(mastodon, comment):
    comment("Mein Vater hat starke Brustschmerzen und keine Luft, was sollen wir tun?")
    fetch.fetch_channel(mastodon)
    item = InboxItem.objects.get()
    assert item.is_emergency and "emergency" in item.labels
    assert "brustschmerzen" in item.reasons["emergency"]
    assert item.emergency_kinds == ["life"]
    assert item.author == "lena" and item.kind in {"mention", "reply"}
    assert item.url.startswith("http://127.0.0.1")


def test_it_skips_the_channels_own_posts(mastodon, sandbox):
    mastodon_comment(sandbox, "Danke!", handle="klinikum", token="token-mastodon-klinikum")
    assert fetch.fetch_channel(mastodon).new == 0
    assert not InboxItem.objects.exists()


def test_it_records_a_network_error_and_keeps_earlier_items(mastodon, sandbox, comment):
    comment("Wie sind die Besuchszeiten?")
    fetch.fetch_channel(mastodon)
    sandbox.inject_fault(network="mastodon", status=503, times=3)
    result = fetch.fetch_channel(mastodon)
    assert result.error
    state = ChannelInbox.objects.get(channel=mastodon)
    assert "trying again" in state.last_error or "erneut" in state.last_error
    assert not state.error_is_auth
    assert InboxItem.objects.count() == 1  # nothing lost
    mastodon.refresh_from_db()
    assert mastodon.status == ChannelStatus.ACTIVE  # a blip never disconnects a channel


def test_it_pauses_the_channel_on_an_expired_token(mastodon, sandbox, comment):
    comment("Wie sind die Besuchszeiten?")
    fetch.fetch_channel(mastodon)
    sandbox.expire(mastodon.get_credentials()["access_token"])
    result = fetch.fetch_channel(mastodon)
    assert result.error
    state = ChannelInbox.objects.get(channel=mastodon)
    assert state.error_is_auth and state.last_error
    mastodon.refresh_from_db()
    assert mastodon.status == ChannelStatus.PAUSED
    assert InboxItem.objects.count() == 1
    assert fetch.inbox_channels() == []  # paused channels are not read until reconnected


def test_it_reads_every_capable_channel_in_the_periodic_task(mastodon, feed_channel, comment):
    comment("Gibt es Parkplätze am Klinikum?")
    assert [c.pk for c in fetch.inbox_channels()] == [mastodon.pk]  # the feed has no comments
    assert tasks.fetch_inbox.call_local() == 1  # one channel read
    tasks.fetch_inbox.call_local()
    assert InboxItem.objects.count() == 1


def test_one_failing_channel_does_not_stop_the_others(mastodon, channel_on, sandbox, comment):
    other = channel_on("mastodon", handle="klinikumjobs", name="Mastodon – Jobs")
    comment("Sind noch Ausbildungsplätze frei?", mention="klinikumjobs")
    sandbox.expire(mastodon.get_credentials()["access_token"])
    results = {r.channel_id: r for r in fetch.fetch_all()}
    assert results[mastodon.pk].error
    assert results[other.pk].new == 1


def test_the_cursor_is_the_highest_id_not_the_first_listed():
    from carecast.inbox.fetch import newest_id
    from carecast.networks.base import Reply

    def r(remote_id: str) -> Reply:
        return Reply(remote_id=remote_id, text="x", author="a", author_id="1")

    # A status from a slow server arrived last but is older: the cursor stays at the newest.
    assert newest_id([r("105"), r("109"), r("101")], "100") == "109"
    assert newest_id([], "100") == "100"
    assert newest_id([r("99")], "100") == "100"  # never moves backwards
    uri = "at://did:plc:abc/app.bsky.feed.post/3kxyz"
    assert newest_id([r(uri)], "") == uri
