"""The peer ranking page: everyone reads it, the lead adds and removes hospitals."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from carecast.peers.models import Peer, PeerDay
from carecast.peers.ranking import ranking


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _peer(org, name, followers, interactions, posts_30=10, before=None, **fields):
    peer = Peer.objects.create(
        organisation=org, network="mastodon", handle=f"{name}@x.example", name=name, **fields
    )
    PeerDay.objects.create(
        peer=peer,
        day=dt.date(2026, 12, 7),
        followers=followers,
        posts_sampled=40,
        interactions=interactions,
        posts_last_30_days=posts_30,
    )
    if before is not None:
        PeerDay.objects.create(
            peer=peer, day=dt.date(2026, 11, 7), followers=before, posts_sampled=40, interactions=0
        )
    return peer


def test_it_ranks_by_engagement_per_follower_and_puts_missing_figures_last(org, channel_on):
    own = channel_on("mastodon", "klinikum")
    _peer(org, "Gross", 10000, 400, before=9000)  # 10 per post, 0.1 % per follower
    _peer(org, "Klein", 500, 200)  # 5 per post, 1 %
    _peer(org, "Unsere", 1000, 160, channel=own)  # 4 per post, 0.4 %
    Peer.objects.create(organisation=org, network="bluesky", handle="neu.example", name="Neu")
    rows = ranking(org, dt.date(2026, 12, 7))
    assert [(r.peer.name, r.place) for r in rows] == [
        ("Klein", 1),
        ("Unsere", 2),
        ("Gross", 3),
        ("Neu", None),
    ]
    assert round(rows[2].growth, 1) == 11.1 and rows[0].growth is None
    assert rows[1].is_own and round(rows[1].posts_per_week, 2) == 2.33
    by_size = ranking(org, dt.date(2026, 12, 7), "interactions")
    assert [r.peer.name for r in by_size][:3] == ["Gross", "Klein", "Unsere"]


def test_it_shows_our_place_and_how_fast_we_answer(org, ben, channel_on, time_machine):
    from carecast.inbox.models import InboxItem, InboxReply

    time_machine.move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC))
    own = channel_on("mastodon", "klinikum")
    _peer(org, "Unsere", 1000, 160, channel=own)
    _peer(org, "Klein", 500, 200)
    received = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    for n, minutes in enumerate((30, 90, None)):
        item = InboxItem.objects.create(
            organisation=org, channel=own, remote_id=str(n), text="Frage", received_at=received
        )
        if minutes is not None:
            InboxReply.objects.create(
                item=item,
                text="Antwort",
                state="sent",
                sent_at=received + dt.timedelta(minutes=minutes),
            )
    html = _client(ben).get("/analytics/peers/").content.decode()
    assert "Platz 2 von 2" in html and "67\u202f%" in html and "60 Min." in html
    assert "Klinik hinzufügen" not in html  # the team reads, the lead chooses


def test_it_answers_a_typo_in_german_and_keeps_what_was_typed(anna, sandbox):
    page = _client(anna).post(
        "/analytics/peers/add/", {"network": "mastodon", "profile": "charite"}
    )
    html = page.content.decode()
    assert page.status_code == 400 and "@name@server" in html and 'value="charite"' in html
    assert not Peer.objects.exists()


def test_it_lets_the_lead_remove_a_peer_but_not_our_own_channel(org, anna, channel_on):
    peer = _peer(org, "Gross", 10000, 400)
    own = _peer(org, "Unsere", 1000, 160, channel=channel_on("mastodon", "klinikum"))
    client = _client(anna)
    assert client.post(f"/analytics/peers/{own.pk}/remove/").status_code == 404
    assert client.post(f"/analytics/peers/{peer.pk}/remove/").status_code == 302
    assert list(Peer.objects.values_list("name", flat=True)) == ["Unsere"]


def test_it_exports_the_ranking_and_defuses_formulas(org, ben):
    _peer(org, "=HYPERLINK(1)", 10000, 400)
    response = _client(ben).get("/analytics/peers/ranking.csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Platz,Konto,Netzwerk") and "'=HYPERLINK(1)" in text
    assert _client(ben).get("/analytics/peers/ranking.xlsx").content[:2] == b"PK"
