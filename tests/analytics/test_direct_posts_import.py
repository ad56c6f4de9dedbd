"""Posts made directly on a network (not through carecast) are imported and counted, on every
network with a metrics reader, against its sandbox: the account's list endpoint paged as the
network documents it, carecast's own posts never counted twice (matched by remote id), counts
the list does not carry read right after and then on the schedule, missing ones kept missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from carecast.analytics import sync
from carecast.analytics.models import MetricSnapshot, Post
from carecast.networks.facebook.graph import GRAPH_VERSION, reset_throttles
from carecast.networks.models import Channel
from carecast.publishing.models import Publication, State

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
# Two hours between direct posts: a later listing (one day's overlap) then needs one page.
EVERY = 2 * H
COUNTS = ("views", "likes", "comments", "shares", "saves", "link_clicks")


@dataclass
class Net:
    """How one network's sandbox account is made and listed."""

    name: str
    prefix: str  # the channel's base URL below the sandbox's
    page: int  # posts per page of the list endpoint as carecast asks for them
    list_path: str  # what the sandbox logs for one page of the list
    method: str
    likes: dict[str, Any]  # the stored data that gives a post 7 likes
    missing: tuple[str, ...]  # counts the network does not report
    user_id: str | None = None
    handle: str = "klinikum"
    extra: dict[str, Any] = field(default_factory=dict)

    def remote_id(self, account: dict[str, Any], n: int) -> str:
        if self.name == "bluesky":
            return f"at://{account['user_id']}/app.bsky.feed.post/3k{n:011d}"
        if self.name == "facebook":
            return f"{account['user_id']}_{n}"
        if self.name == "linkedin":
            return f"urn:li:share:{n}"
        return str(n)


NETS = [
    Net("mastodon", "", 40, "/api/v1/accounts/{uid}/statuses", "GET",
        {"favourites_count": 7}, ("views", "saves", "link_clicks")),
    Net("bluesky", "", 100, "/xrpc/app.bsky.feed.getAuthorFeed", "GET",
        {"likeCount": 7}, ("views", "saves", "link_clicks")),
    Net("x", "", 100, "/2/users/{uid}/tweets", "GET",
        {"public_metrics": {"like_count": 7}}, ("link_clicks",)),
    Net("facebook", "/graph", 100, f"/graph/{GRAPH_VERSION}/{{uid}}/published_posts", "GET",
        {"reactions": 7}, ("saves",)),
    Net("instagram", "/graph", 100, f"/graph/{GRAPH_VERSION}/{{uid}}/media", "GET",
        {"like_count": 7}, ("link_clicks",)),
    Net("threads", "/threads-graph", 100, "/threads-graph/v1.0/{uid}/threads",
        "GET", {"likes": 7}, ("saves", "link_clicks")),
    Net("linkedin", "/linkedin", 100, "/linkedin/rest/posts", "GET",
        {"likeCount": 7}, ("saves",), user_id="2414183"),
    Net("youtube", "/youtube", 50, "/youtube/youtube/v3/playlistItems", "GET",
        {"likeCount": 7}, ("shares", "saves", "link_clicks")),
    Net("tiktok", "/tiktok", 20, "/tiktok/v2/video/list", "POST",
        {"like_count": 7}, ("saves", "link_clicks")),
]  # fmt: skip


@pytest.fixture(params=NETS, ids=[n.name for n in NETS])
def net(request, org, sandbox, time_machine):
    reset_throttles()
    time_machine.move_to(T0, tick=False)
    spec: Net = request.param
    options = {"followers_count": 100, **({"user_id": spec.user_id} if spec.user_id else {})}
    account = sandbox.add_account(spec.name, spec.handle, f"tok-{spec.name}",
                                  password="pw-klinikum", **options)  # fmt: skip
    channel = Channel(
        organisation=org, network=spec.name, name=spec.name, handle=spec.handle,
        base_url=sandbox.base_url + spec.prefix, remote_user_id=str(account["id"]),
        is_sandbox=True,
    )  # fmt: skip
    if spec.name == "bluesky":
        channel.set_credentials({"identifier": spec.handle, "password": "pw-klinikum"})
    else:
        channel.set_credentials({"access_token": f"tok-{spec.name}"})
    channel.save()
    yield spec, account, channel
    reset_throttles()


def _direct(sandbox, spec: Net, account, n: int, at: dt.datetime, **data) -> str:
    """A post the team made in the network's own app, ``n`` its number (ids grow with it)."""
    remote_id = spec.remote_id(account, 1000 + n)
    stored: dict[str, Any] = {"created_at": at.isoformat().replace("+00:00", "Z"), **data}
    if spec.name == "bluesky":
        record = {
            "$type": "app.bsky.feed.post",
            "text": f"Post {n}",
            "createdAt": stored["created_at"],
        }
        stored.update(uri=remote_id, collection="app.bsky.feed.post", record=record)
    if spec.name == "x":
        stored.setdefault("text", f"Post {n}")
        stored.setdefault("author_id", account["user_id"])
    sandbox.store.add_post(
        spec.name, spec.handle, remote_id, f"Post {n}", f"https://net/{n}", stored
    )
    return remote_id


def _history(sandbox, spec: Net, account, how_many: int) -> list[str]:
    """``how_many`` direct posts, the newest an hour before T0, oldest stored first."""
    return [
        _direct(sandbox, spec, account, n, T0 - H - (how_many - 1 - n) * EVERY)
        for n in range(how_many)
    ]


def _pages(sandbox, spec: Net, account) -> int:
    # By path alone: Instagram's Graph calls are logged under Facebook's prefix.
    path = spec.list_path.format(uid=account["user_id"])
    return len(sandbox.requests(None, path, spec.method))


def _ours(org, channel, story_for, remote_id: str, at: dt.datetime) -> Publication:
    """A post carecast published (the dispatch's end state): its remote id is on the list too."""
    variant = story_for(channel).variants.get()
    return Publication.objects.create(
        variant=variant, channel=channel, state=State.PUBLISHED, due_at=at, published_at=at,
        remote_id=remote_id, text=variant.text,
    )  # fmt: skip


def test_it_imports_every_direct_post_across_the_pages_and_never_carecasts_own(
    net, org, sandbox, story_for, time_machine
):
    spec, account, channel = net
    how_many = 2 * spec.page + 3  # three pages
    # One from before the 30 days a post is followed: listed, not imported.
    _direct(sandbox, spec, account, -1, T0 - dt.timedelta(days=40))
    remote_ids = _history(sandbox, spec, account, how_many)
    # The oldest of the others is carecast's own.
    ours = _ours(org, channel, story_for, remote_ids[0], T0 - H - (how_many - 1) * EVERY)

    result = sync.sync_channel(channel)

    assert result.error == ""
    assert result.imported == how_many - 1
    assert _pages(sandbox, spec, account) == 3
    imported = Post.objects.filter(channel=channel, imported=True)
    assert imported.count() == how_many - 1
    assert not imported.filter(remote_id=ours.remote_id).exists()
    newest = imported.get(remote_id=remote_ids[-1])
    assert (newest.published_at, newest.publication) == (T0 - H, None)
    assert f"Post {how_many - 1}" in newest.text
    # carecast's own post is followed once, through its publication.
    assert sync.discover() == 1
    assert Post.objects.filter(channel=channel, remote_id=ours.remote_id).count() == 1
    assert Post.objects.get(remote_id=ours.remote_id).publication == ours


def test_a_later_listing_reads_only_the_new_pages_and_adds_only_new_posts(
    net, org, sandbox, time_machine
):
    spec, account, channel = net
    how_many = 2 * spec.page + 3
    _history(sandbox, spec, account, how_many)
    sync.sync_channel(channel)
    asked = _pages(sandbox, spec, account)

    # An hour on: one more post made on the network since.
    time_machine.move_to(T0 + H, tick=False)
    fresh = _direct(sandbox, spec, account, how_many, T0 + dt.timedelta(minutes=30))
    result = sync.sync_channel(channel)

    assert result.imported == 1
    assert _pages(sandbox, spec, account) == asked + 1  # the newest page reaches back a day
    assert Post.objects.filter(channel=channel, imported=True).count() == how_many + 1
    assert Post.objects.get(remote_id=fresh).published_at == T0 + dt.timedelta(minutes=30)


def test_its_counts_are_read_and_what_the_network_does_not_report_stays_missing(
    net, org, sandbox, time_machine
):
    spec, account, channel = net
    remote_id = _direct(sandbox, spec, account, 1, T0 - 2 * H, **spec.likes)
    sync.sync_channel(channel)

    post = Post.objects.get(remote_id=remote_id)
    snapshot = MetricSnapshot.objects.get(post=post)  # read in the same run as the listing
    assert (post.latest_likes, snapshot.likes) == (7, 7)
    for name in spec.missing:
        assert getattr(snapshot, name) is None, name
        assert getattr(post, f"latest_{name}") is None, name
    assert {n for n in COUNTS if getattr(snapshot, n) is None} == set(spec.missing)
    # From now on it is read on the stages of its life, like carecast's posts.
    assert post.next_sync_at == T0 - 2 * H + 6 * H

    sandbox.store.update_post_data(spec.name, remote_id, **_more_likes(spec))
    time_machine.move_to(T0 + 4 * H, tick=False)
    sync.sync_channel(channel)
    post.refresh_from_db()
    assert post.latest_likes == 9
    assert MetricSnapshot.objects.filter(post=post).count() == 2


def _more_likes(spec: Net) -> dict[str, Any]:
    ((key, value),) = spec.likes.items()
    return {key: {"like_count": 9}} if isinstance(value, dict) else {key: 9}


def test_a_failed_listing_imports_nothing_and_pauses_the_channel(net, org, sandbox, time_machine):
    spec, account, channel = net
    _history(sandbox, spec, account, 3)
    path = spec.list_path.format(uid=account["user_id"])
    sandbox.inject_fault(path=path, status=429, retry_after=120)

    result = sync.sync_channel(channel)

    assert result.error and result.imported == 0
    assert result.blocked_until and result.blocked_until > T0
    assert not Post.objects.filter(channel=channel).exists()
    assert sync.sync_channel(channel).imported == 0  # not asked again while paused
    # Past the network's window (Meta's usage limits pause longer than a Retry-After).
    time_machine.move_to(result.blocked_until + dt.timedelta(seconds=1), tick=False)
    sandbox.clear_faults()
    assert sync.sync_channel(channel).imported == 3


@pytest.mark.parametrize(
    "net", [n for n in NETS if n.name == "threads"], indirect=True, ids=["threads"]
)
def test_a_threads_repost_of_someone_else_is_not_imported(net, org, sandbox, time_machine):
    spec, account, channel = net
    own = _direct(sandbox, spec, account, 1, T0 - H)
    _direct(sandbox, spec, account, 2, T0 - H, media_type="REPOST_FACADE")

    assert sync.sync_channel(channel).imported == 1
    assert list(Post.objects.filter(channel=channel).values_list("remote_id", flat=True)) == [own]
