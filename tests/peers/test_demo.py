"""The demo's peer hospitals: a year of days, and live counts the sandbox answers."""

from __future__ import annotations

import datetime as dt

from carecast.demo.seed import seed
from carecast.peers import services
from carecast.peers.models import Peer, PeerDay
from carecast.peers.ranking import ranking


def test_it_seeds_peers_that_can_be_read_again_from_the_sandbox(db, sandbox):
    org = seed(sandbox.base_url)
    peers = Peer.objects.filter(organisation=org)
    assert (
        peers.filter(channel__isnull=True).count() == 4
        and peers.filter(channel__isnull=False).exists()
    )
    assert PeerDay.objects.filter(peer__organisation=org).count() >= 4 * 365
    yesterday = dt.date.today() - dt.timedelta(days=1)
    rows = ranking(org, yesterday)
    assert any(r.is_own and r.place for r in rows) and all(
        r.growth is not None for r in rows if not r.is_own
    )
    nord = peers.get(name="Universitätsklinikum Nord")
    assert services.count(nord) is True
    today = PeerDay.objects.get(peer=nord, day=dt.date.today())
    assert today.followers == 5200 and today.posts_sampled == 30 and today.interactions > 0
