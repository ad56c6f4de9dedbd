"""A hospital's plausible history in bulk, for ``bench/pages`` and for looking at the pages.

N publications (stories over six channels, a year and a bit back, posted at office hours
with a lunchtime and evening peak), one analytics post each, S metric snapshots spread over
the posts' sync stages, followers growing daily, applications and website visits, two
campaigns, and peer hospitals with a year of daily counts. Deterministic (seeded RNG).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

BATCH = 5000
NETWORKS = [
    ("mastodon", "Mastodon – Klinikum", None),
    ("bluesky", "Bluesky – Klinikum", None),
    ("instagram", "Instagram – Karriere", "jobs"),
    ("facebook", "Facebook – Klinikum", None),
    ("linkedin", "LinkedIn – Klinikum", "jobs"),
    ("x", "X – Jobs", "jobs"),
]
DEPARTMENTS = ["Geburtshilfe", "Brustzentrum", "Kardiologie", "Pflege", "Notaufnahme"]
TOPICS = [
    "Infoabend im Kreißsaal: Hebammen beantworten Ihre Fragen",
    "#GameChanger: Pflege bei uns – Schichtmodelle, die zum Leben passen",
    "Weltdiabetestag: Vortrag und Blutzuckermessung im Foyer",
    "Neuer MRT in Betrieb: leiser, schneller, mehr Platz",
    "Ausbildung zur Pflegefachkraft: jetzt bewerben",
    "Brustzentrum erneut zertifiziert",
    "Notaufnahme: So lange warten Sie heute – und warum",
    "Herzwoche: Was Ihr Herz stark hält",
]
PEERS = [
    ("mastodon", "Universitätsklinikum Nord", 5200, 6.5),
    ("bluesky", "Städtisches Klinikum Süd", 2100, 3.1),
    ("mastodon", "Kreiskrankenhaus am See", 800, 4.0),
    ("bluesky", "Klinikverbund West", 3900, 2.2),
]


PER_DAY = 27  # a hospital group's posts over all its channels on an ordinary day


def seed(
    organisation, publications: int, snapshots: int, today: dt.date, seed_value: int = 14
) -> None:
    """Write the history; ``today`` is the last day with posts. At most ``PER_DAY`` posts a
    day on average: 100,000 publications are about ten years, a few thousand one year."""
    from carecast.analytics import rollup

    span = max(400, publications // PER_DAY)
    rng = random.Random(seed_value)
    zone = ZoneInfo(organisation.timezone)
    channels, departments, campaigns = _setup(organisation)
    posts = _publications(
        organisation, channels, departments, campaigns, publications, (today, span), zone, rng
    )
    _snapshots(posts, snapshots, rng)
    _followers(channels, today, rng)
    _applications(organisation, channels, campaigns, departments, today, zone, rng)
    _visits(organisation, today, rng)
    _peers(organisation, today, rng)
    rollup.rebuild_days(organisation, today - dt.timedelta(days=span + 20))


def _setup(organisation):
    from carecast.core.models import Department
    from carecast.networks.models import Channel
    from carecast.stories.models import Campaign

    departments = [
        Department.objects.get_or_create(
            organisation=organisation, slug=name.lower(), defaults={"name": name}
        )[0]
        for name in DEPARTMENTS
    ]
    channels = []
    for n, (network, name, purpose) in enumerate(NETWORKS):
        channel, _created = Channel.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "network": network,
                "handle": f"klinikum{n}",
                "purpose": purpose or "news",
                "base_url": "http://127.0.0.1:9",
                "remote_user_id": f"bench-{n}",
                "is_sandbox": True,
            },
        )
        channels.append(channel)
    campaigns = [
        Campaign.objects.get_or_create(organisation=organisation, name="#GameChanger")[0],
        Campaign.objects.get_or_create(organisation=organisation, name="Weltdiabetestag")[0],
    ]
    return channels, departments, campaigns


def _when(rng: random.Random, today: dt.date, zone: ZoneInfo, days: int = 400) -> dt.datetime:
    day = today - dt.timedelta(days=int(rng.random() ** 0.8 * days))
    hour = rng.choices(range(7, 21), weights=[2, 4, 5, 4, 3, 6, 4, 3, 3, 3, 4, 6, 7, 3])[0]
    return dt.datetime.combine(day, dt.time(hour, rng.randrange(0, 60, 5)), tzinfo=zone)


def _publications(organisation, channels, departments, campaigns, total, period, zone, rng):
    today, span = period
    from carecast.analytics.models import Post
    from carecast.publishing.models import Publication, State
    from carecast.stories.models import Story, Variant

    per_story = len(channels)
    stories = []
    for n in range(math.ceil(total / per_story)):
        topic = rng.choice(TOPICS)
        campaign = (
            campaigns[0]
            if "#GameChanger" in topic
            else (campaigns[1] if "diabetes" in topic.lower() else None)
        )
        stories.append(
            Story(
                organisation=organisation,
                title=f"{topic} ({n})",
                text=topic,
                department=rng.choice(departments + [None]),
                campaign=campaign,
            )
        )
    for start in range(0, len(stories), BATCH):
        Story.objects.bulk_create(stories[start : start + BATCH])
    stories = list(Story.objects.filter(organisation=organisation).order_by("pk"))[-len(stories) :]
    variants, pubs, posts = [], [], []
    for story in stories:
        when = _when(rng, today, zone, span)
        for channel in channels:
            if len(variants) >= total:
                break
            variants.append((story, channel, when))
    variant_rows = [Variant(story=s, channel=c, text=s.text) for s, c, _w in variants]
    for start in range(0, len(variant_rows), BATCH):
        Variant.objects.bulk_create(variant_rows[start : start + BATCH])
    for (story, channel, when), variant in zip(variants, variant_rows, strict=True):
        pubs.append(
            Publication(
                variant=variant,
                channel=channel,
                state=State.PUBLISHED,
                due_at=when,
                published_at=when,
                text=story.text,
                remote_id=f"{channel.pk}-{variant.pk}",
            )
        )
    for start in range(0, len(pubs), BATCH):
        Publication.objects.bulk_create(pubs[start : start + BATCH])
    for pub, (story, channel, when) in zip(pubs, variants, strict=True):
        fmt = rng.choices(["video", "image", "text"], weights=[2, 5, 3])[0]
        reach = rng.lognormvariate(6.2 if fmt == "video" else 5.6 if fmt == "image" else 5.0, 0.7)
        lunch_or_evening = when.hour in (12, 13, 18, 19)
        reach *= 1.4 if lunch_or_evening else 1.0
        has_views = channel.network not in ("mastodon", "bluesky")  # their public counts lack views
        posts.append(
            Post(
                organisation=organisation,
                channel=channel,
                publication=pub,
                campaign=story.campaign,
                department=story.department,
                remote_id=pub.remote_id,
                text=story.text,
                format=fmt,
                published_at=when,
                sync_stage=6,
                latest_views=int(reach) if has_views else None,
                latest_likes=int(reach * rng.uniform(0.02, 0.07)),
                latest_comments=int(reach * rng.uniform(0.002, 0.01)),
                latest_shares=int(reach * rng.uniform(0.003, 0.012)),
                latest_saves=int(reach * 0.01) if channel.network == "instagram" else None,
                latest_link_clicks=int(reach * 0.01) if has_views else None,
            )
        )
    for start in range(0, len(posts), BATCH):
        Post.objects.bulk_create(posts[start : start + BATCH])
    return posts


def _snapshots(posts, total: int, rng: random.Random) -> None:
    from carecast.analytics.models import MetricSnapshot

    if not posts:
        return
    per_post = max(1, total // len(posts))
    offsets = [dt.timedelta(hours=h) for h in (1, 6, 24, 72, 168, 720, 1440, 2160, 2880, 4320)]
    rows = []
    for post in posts:
        for k in range(per_post):
            share = (k + 1) / per_post
            rows.append(
                MetricSnapshot(
                    post=post,
                    taken_at=post.published_at
                    + offsets[k % len(offsets)]
                    + dt.timedelta(days=30 * (k // len(offsets))),
                    views=None if post.latest_views is None else int(post.latest_views * share),
                    likes=int(post.latest_likes * share),
                    comments=int(post.latest_comments * share),
                    shares=int(post.latest_shares * share),
                    saves=None if post.latest_saves is None else int(post.latest_saves * share),
                    link_clicks=None
                    if post.latest_link_clicks is None
                    else int(post.latest_link_clicks * share),
                )
            )
            if len(rows) >= BATCH * 2:
                MetricSnapshot.objects.bulk_create(rows)
                rows = []
    MetricSnapshot.objects.bulk_create(rows)


def _followers(channels, today: dt.date, rng: random.Random) -> None:
    from carecast.analytics.models import FollowerCount

    rows = []
    for n, channel in enumerate(channels):
        followers = 600 + 900 * n
        for back in range(400, -1, -1):
            followers += rng.randint(-2, 9)
            day = today - dt.timedelta(days=back)
            rows.append(
                FollowerCount(
                    channel=channel,
                    taken_at=dt.datetime.combine(day, dt.time(22), tzinfo=dt.UTC),
                    followers=followers,
                )
            )
    FollowerCount.objects.bulk_create(rows, batch_size=BATCH)


def _applications(organisation, channels, campaigns, departments, today, zone, rng) -> None:
    from carecast.analytics.models import ApplicationSource, JobApplication

    rows = []
    jobs = [c for c in channels if c.purpose == "jobs"]
    for n in range(420):
        channel = rng.choice(jobs + [None])
        when = _when(rng, today, zone, 380)
        rows.append(
            JobApplication(
                organisation=organisation,
                external_id=f"bench-{n}",
                received_at=when,
                job_title=rng.choice(
                    [
                        "Pflegefachkraft (m/w/d)",
                        "Hebamme (m/w/d)",
                        "Assistenzarzt Kardiologie (m/w/d)",
                    ]
                ),
                department=rng.choice(departments),
                network=channel.network if channel else "",
                channel=channel,
                campaign=campaigns[0] if channel and rng.random() < 0.6 else None,
                utm_source=channel.network if channel else "",
                utm_medium="social" if channel else "",
                source=ApplicationSource.DEMO,
            )
        )
    JobApplication.objects.bulk_create(rows, batch_size=BATCH)


def _visits(organisation, today, rng) -> None:
    from carecast.analytics.models import VisitKind, WebsiteVisitDay

    rows = []
    for back in range(400):
        day = today - dt.timedelta(days=back)
        for network, label, base in (
            ("facebook", "Facebook", 40),
            ("instagram", "Instagram", 55),
            ("linkedin", "LinkedIn", 20),
        ):
            rows.append(
                WebsiteVisitDay(
                    organisation=organisation,
                    day=day,
                    kind=VisitKind.SOCIAL,
                    label=label,
                    network=network,
                    visits=max(0, int(rng.gauss(base, base / 3))),
                )
            )
    WebsiteVisitDay.objects.bulk_create(rows, batch_size=BATCH)


def _peers(organisation, today, rng) -> None:
    from carecast.networks.models import Channel
    from carecast.peers.models import Peer

    own = Channel.objects.filter(organisation=organisation, network__in=("mastodon", "bluesky"))
    for channel in own:  # our channels, ranked beside the peers
        Peer.objects.get_or_create(
            organisation=organisation,
            network=channel.network,
            handle=f"{channel.handle}@own.example",
            defaults={"name": channel.name, "channel": channel, "api_url": channel.base_url},
        )
    for network, name, followers, per_post in PEERS:
        handle = (
            f"{name.split()[0].lower()}@peers.example"
            if network == "mastodon"
            else f"{name.split()[0].lower()}.example"
        )
        peer, _created = Peer.objects.get_or_create(
            organisation=organisation,
            network=network,
            handle=handle,
            defaults={"name": name, "api_url": "http://127.0.0.1:9"},
        )
        _peer_days(peer, followers, per_post, today, rng)
    for peer in Peer.objects.filter(organisation=organisation, channel__isnull=False):
        _peer_days(peer, 1400 if peer.network == "mastodon" else 2600, 4.6, today, rng)


def _peer_days(peer, followers: int, per_post: float, today: dt.date, rng: random.Random) -> None:
    from carecast.peers.models import PeerDay

    rows = []
    count = followers * 0.8
    for back in range(365, -1, -1):
        count *= 1 + rng.uniform(-0.0005, 0.0015)
        sampled = 40
        rows.append(
            PeerDay(
                peer=peer,
                day=today - dt.timedelta(days=back),
                followers=int(count),
                posts_total=900,
                posts_sampled=sampled,
                posts_last_30_days=rng.randint(8, 30),
                interactions=int(sampled * per_post * rng.uniform(0.8, 1.2)),
            )
        )
    PeerDay.objects.bulk_create(rows, batch_size=BATCH)
