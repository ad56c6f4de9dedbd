"""A year of plausible history for the demo hospital, so the numbers pages are not empty.

Posts on the demo's channels over the last 365 days (two a day on average, more
on weekdays, at office hours with a lunchtime and evening peak), each followed like a real
post: snapshots at the stages the sync reads, what each network really reports (Mastodon
and Bluesky show no views; X shows impressions and bookmarks), tracked-link clicks, daily
followers, job applications from the #GameChanger recruiting campaign, website visits.
Deterministic: a seeded random generator and dates counted back from ``today``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from carecast.analytics.links import campaign_slug
from carecast.analytics.models import (
    METRICS,
    ApplicationSource,
    FollowerCount,
    JobApplication,
    LinkClickDay,
    MetricSnapshot,
    Post,
    TrackedLink,
    VisitKind,
    WebsiteVisitDay,
)
from carecast.analytics.rollup import rebuild_days
from carecast.analytics.sync import STAGES
from carecast.core.models import Department, Organisation
from carecast.networks.models import Channel
from carecast.stories.models import Campaign

DAYS = 365
TOPICS = [
    ("Infoabend im Kreißsaal: Hebammen beantworten Ihre Fragen", "geburtshilfe", None),
    ("#GameChanger: Pflege bei uns – Schichtmodelle, die zum Leben passen", None, "game"),
    ("#GameChanger: Ausbildung zur Pflegefachkraft – jetzt bewerben", None, "game"),
    ("Weltdiabetestag: Vortrag und Blutzuckermessung im Foyer", None, None),
    ("Neuer MRT in Betrieb: leiser, schneller, mehr Platz", None, None),
    ("Brustkrebsmonat: Sprechstunde ohne Wartezeit", "brustzentrum", None),
    ("Blutspende am Samstag im Haupthaus", None, None),
    ("Unsere Notaufnahme erklärt: Wann 112, wann 116 117?", None, None),
    ("#GameChanger: Ein Tag mit unserem OP-Team", None, "game"),
]
# network → (reach per follower, which counts it reports)
NETWORK_SHAPE = {
    "mastodon": (0.0, {"likes", "comments", "shares"}),
    "bluesky": (0.0, {"likes", "comments", "shares"}),
    "x": (0.5, {"views", "likes", "comments", "shares", "saves", "link_clicks"}),
}
DEFAULT_SHAPE = (1.2, set(METRICS))
START_FOLLOWERS = {"mastodon": 1800, "bluesky": 900, "x": 5200}


def _moment(rng: random.Random, day: dt.date, zone: ZoneInfo) -> dt.datetime:
    hour = rng.choice([7, 8, 9, 10, 11, 12, 12, 13, 15, 17, 18, 19, 19, 20])
    return dt.datetime.combine(day, dt.time(hour, rng.randrange(0, 60, 5)), tzinfo=zone)


def _curve(stage_age: dt.timedelta) -> float:
    """Share of a post's final counts reached after this long (fast start, long tail)."""
    hours = stage_age.total_seconds() / 3600
    return min(1.0, 1 - math.exp(-hours / 14) * 0.92)


def _counts(rng, network: str, followers: int, kind: str, format_: str) -> dict[str, int | None]:
    reach, reported = NETWORK_SHAPE.get(network, DEFAULT_SHAPE)
    boost = {"video": 1.8, "image": 1.3, "text": 0.8}[format_] * (1.6 if kind == "game" else 1.0)
    base = followers * rng.uniform(0.01, 0.05) * boost
    values = {
        "views": int(followers * reach * rng.uniform(0.3, 1.4) * boost),
        "likes": int(base),
        "comments": int(base * rng.uniform(0.05, 0.2)),
        "shares": int(base * rng.uniform(0.1, 0.35)),
        "saves": int(base * rng.uniform(0.02, 0.1)),
        "link_clicks": int(base * rng.uniform(0.1, 0.6)),
    }
    return {name: (values[name] if name in reported else None) for name in METRICS}


class _History:
    def __init__(self, organisation: Organisation, today: dt.date, rng: random.Random) -> None:
        self.org, self.today, self.rng = organisation, today, rng
        self.zone = ZoneInfo(organisation.timezone)
        self.now = timezone.now()
        self.channels = list(
            Channel.objects.filter(organisation=organisation, network__in=NETWORK_SHAPE)
        )
        self.departments = {d.slug: d for d in Department.objects.filter(organisation=organisation)}
        self.campaign, _ = Campaign.objects.get_or_create(
            organisation=organisation,
            name="#GameChanger",
            defaults={"starts_on": today - dt.timedelta(days=200)},
        )
        self.followers: dict[int, list[int]] = {}
        self.campaign_start: dt.date = self.campaign.starts_on or today - dt.timedelta(days=200)

    def followers_on(self, channel: Channel, index: int) -> int:
        return self.followers[channel.pk][max(0, min(index, DAYS - 1))]

    def grow_followers(self) -> None:
        rows = []
        for channel in self.channels:
            count = START_FOLLOWERS.get(channel.network, 1000) // (
                2 if "Jobs" in channel.name else 1
            )
            daily = []
            for index in range(DAYS):
                count += max(0, int(self.rng.gauss(count * 0.0012, 2)))
                daily.append(count)
                day = self.today - dt.timedelta(days=DAYS - 1 - index)
                taken = dt.datetime.combine(day, dt.time(23, 0), tzinfo=self.zone)
                rows.append(FollowerCount(channel=channel, taken_at=taken, followers=count))
            self.followers[channel.pk] = daily
        FollowerCount.objects.bulk_create(rows, batch_size=2000)

    def posts(self) -> list[tuple[Post, str]]:
        """The year's posts, as if read from the networks (no stories: the desk stays tidy)."""
        posts = []
        for index in range(DAYS):
            day = self.today - dt.timedelta(days=DAYS - 1 - index)
            for _ in range(self.rng.choice([0, 1, 2, 2, 3] if day.weekday() < 5 else [0, 0, 1])):
                title, department, kind = self.rng.choice(TOPICS)
                if kind == "game" and day < self.campaign_start:
                    continue
                when = _moment(self.rng, day, self.zone)
                chosen = self.rng.sample(
                    self.channels, k=min(len(self.channels), self.rng.randint(1, 3))
                )
                for channel in chosen:
                    post = Post(
                        organisation=self.org, channel=channel, imported=True,
                        campaign=self.campaign if kind else None,
                        department=self.departments.get(department or ""), text=title,
                        format=self.rng.choice(["text", "image", "image", "video"]),
                        published_at=when,
                    )  # fmt: skip
                    posts.append((post, kind or ""))
        for number, (post, _kind) in enumerate(posts):
            post.remote_id = f"demo-{number}"
        return posts

    def follow(self, posts: list[tuple[Post, str]]) -> None:
        snapshots = []
        for post, kind in posts:
            age = self.now - post.published_at
            index = DAYS - 1 - (self.today - post.published_at.astimezone(self.zone).date()).days
            final = _counts(
                self.rng, post.channel.network, self.followers_on(post.channel, index), kind,
                post.format,
            )  # fmt: skip
            done = [stage for stage in STAGES if stage <= age]
            post.sync_stage = len(done)
            post.next_sync_at = (
                post.published_at + STAGES[len(done)] if len(done) < len(STAGES) else None
            )
            for stage in done:
                share = _curve(stage)
                counts = {k: (None if v is None else int(v * share)) for k, v in final.items()}
                snapshots.append(
                    MetricSnapshot(post=post, taken_at=post.published_at + stage, **counts)
                )
                for name in METRICS:
                    setattr(post, f"latest_{name}", counts[name])
                post.last_synced_at = post.published_at + stage
        Post.objects.bulk_create([p for p, _k in posts], batch_size=1000)
        MetricSnapshot.objects.bulk_create(snapshots, batch_size=2000)

    def links(self, posts: list[tuple[Post, str]]) -> None:
        links, days = [], []
        for post, kind in posts:
            page = "karriere" if kind else "aktuelles"
            link = TrackedLink(
                organisation=self.org, code=f"demo{post.remote_id[5:]}",
                target_url=f"https://klinikum-musterstadt.example/{page}", channel=post.channel,
                campaign=post.campaign, utm_source=post.channel.network,
                utm_campaign=campaign_slug(post.campaign),
            )  # fmt: skip
            links.append(link)
            first = post.published_at.astimezone(self.zone).date()
            total = int((post.latest_likes or 20) * self.rng.uniform(0.2, 0.8)) + 1
            for offset, share in enumerate((0.6, 0.25, 0.1, 0.05)):
                day = first + dt.timedelta(days=offset)
                if int(total * share) and day <= self.today:
                    days.append((link, day, post.channel.network, int(total * share)))
        TrackedLink.objects.bulk_create(links, batch_size=1000)
        LinkClickDay.objects.bulk_create(
            [LinkClickDay(link=k, day=d, network=n, clicks=c) for k, d, n, c in days],
            batch_size=2000,
        )

    def applications(self) -> None:
        rows: list[JobApplication] = []
        by_network: dict[str, list[Channel]] = defaultdict(list)
        for each in self.channels:
            by_network[each.network].append(each)
        jobs = ["Pflegefachkraft", "Hebamme", "Medizinische Fachangestellte", "Assistenzärztin"]
        for index in range(DAYS):
            day = self.today - dt.timedelta(days=DAYS - 1 - index)
            in_campaign = day >= self.campaign_start
            for number in range(self.rng.choice([0, 0, 1, 1, 2, 3] if in_campaign else [0, 0, 1])):
                network = self.rng.choice([*by_network, "", "", "google"])
                channel: Channel | None = (
                    self.rng.choice(by_network[network]) if network in by_network else None
                )
                from_social = channel is not None
                rows.append(
                    JobApplication(
                        organisation=self.org,
                        external_id=f"BW-{day:%Y%m%d}-{number}",
                        received_at=_moment(self.rng, day, self.zone),
                        job_title=self.rng.choice(jobs),
                        department=self.rng.choice([*self.departments.values(), None]),
                        utm_source=network,
                        utm_medium="social" if from_social else "",
                        utm_campaign="gamechanger" if from_social and in_campaign else "",
                        network=network if from_social else "",
                        channel=channel,
                        campaign=self.campaign if from_social and in_campaign else None,
                        source=ApplicationSource.DEMO,
                    )  # fmt: skip
                )
        JobApplication.objects.bulk_create(rows, batch_size=1000)

    def visits(self) -> None:
        rows = []
        labels = {"Mastodon": "mastodon", "Bluesky": "bluesky", "X": "x"}
        for index in range(DAYS):
            day = self.today - dt.timedelta(days=DAYS - 1 - index)
            for label, network in labels.items():
                visits = max(0, int(self.rng.gauss(25 + index * 0.05, 8)))
                rows.append(
                    WebsiteVisitDay(
                        organisation=self.org,
                        day=day,
                        kind=VisitKind.SOCIAL,
                        label=label,
                        network=network,
                        visits=visits,
                        actions=visits * 3,
                        source="demo",
                    )  # fmt: skip
                )
            if day >= self.campaign_start:
                visits = max(0, int(self.rng.gauss(30, 10)))
                rows.append(
                    WebsiteVisitDay(
                        organisation=self.org,
                        day=day,
                        kind=VisitKind.CAMPAIGN,
                        label="gamechanger",
                        campaign=self.campaign,
                        visits=visits,
                        actions=visits * 4,
                        source="demo",
                    )  # fmt: skip
                )
        WebsiteVisitDay.objects.bulk_create(rows, batch_size=2000)


def seed_history(organisation: Organisation, today: dt.date | None = None, seed: int = 14) -> int:
    """Seed the year once (a second call finds the demo posts and does nothing)."""
    if Post.objects.filter(organisation=organisation, remote_id__startswith="demo-").exists():
        return 0
    today = today or timezone.localdate()
    history = _History(organisation, today, random.Random(seed))
    if not history.channels:
        return 0
    with transaction.atomic():
        history.grow_followers()
        posts = history.posts()
        history.follow(posts)
        history.links(posts)
        history.applications()
        history.visits()
    rebuild_days(organisation, today - dt.timedelta(days=DAYS))
    return len(posts)
