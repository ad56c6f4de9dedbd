"""What social media brought: metric snapshots, rollups, tracked links, applications, visits.

Every metric column is nullable on purpose: NULL means "the network did not tell us"
(not offered, not permitted, not fetched yet) and is shown as missing — never as 0.
Campaigns are ``stories.Campaign`` (they group stories); this app only counts for them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Department, Organisation
from carecast.networks.models import Channel
from carecast.publishing.models import Publication
from carecast.stories.models import Campaign

# The counts every snapshot and rollup carries, in display order.
METRICS = ("views", "likes", "comments", "shares", "saves", "link_clicks")


def _count(label: Any) -> models.BigIntegerField:
    return models.BigIntegerField(label, null=True, blank=True)


class PostFormat(models.TextChoices):
    TEXT = "text", _("text")
    IMAGE = "image", _("image")
    VIDEO = "video", _("video")


class Post(models.Model):
    """One post on one channel whose numbers we follow.

    Made by carecast (``publication`` set) or imported because someone posted directly on
    the network (``publication`` empty, ``imported`` true). ``latest_*`` repeat the newest
    snapshot so top-post lists need no join; ``next_sync_at`` drives the sync schedule
    (1 h, 6 h, 1 d, 3 d, 7 d, 30 d after ``published_at``; ``sync_stage`` counts stages done).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="analytics_posts")
    publication = models.OneToOneField(
        Publication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="analytics_post",
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="analytics_posts"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    remote_id = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, blank=True)
    text = models.TextField(blank=True)
    format = models.CharField(max_length=8, choices=PostFormat.choices, default=PostFormat.TEXT)
    thumbnail_url = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField(db_index=True)
    imported = models.BooleanField(default=False)
    sync_stage = models.PositiveSmallIntegerField(default=0)
    next_sync_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # The post was deleted on the network (404): kept with its last numbers, no more syncs.
    gone = models.BooleanField(default=False)
    latest_views = _count(_("views"))
    latest_likes = _count(_("likes"))
    latest_comments = _count(_("comments"))
    latest_shares = _count(_("shares"))
    latest_saves = _count(_("saves"))
    latest_link_clicks = _count(_("link clicks"))

    class Meta:
        verbose_name = _("post (analytics)")
        verbose_name_plural = _("posts (analytics)")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "remote_id"], name="analytics_post_channel_remote_unique"
            )
        ]
        indexes = [
            models.Index(fields=["next_sync_at"], name="analytics_post_due_idx"),
            models.Index(fields=["organisation", "published_at"], name="analytics_post_org_idx"),
            models.Index(fields=["campaign", "published_at"], name="analytics_post_campaign_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.remote_id}"


class MetricSnapshot(models.Model):
    """The counts of one post as the network reported them at ``taken_at`` (NULL: missing)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField()
    views = _count(_("views"))
    likes = _count(_("likes"))
    comments = _count(_("comments"))
    shares = _count(_("shares"))
    saves = _count(_("saves"))
    link_clicks = _count(_("link clicks"))

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        ordering = ["post", "taken_at"]
        indexes = [models.Index(fields=["post", "taken_at"], name="analytics_snapshot_post_idx")]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.taken_at:%Y-%m-%d %H:%M}"


class FollowerCount(models.Model):
    """A channel's followers at one moment (one row per sync, at most one per hour)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="follower_counts")
    taken_at = models.DateTimeField()
    followers = models.BigIntegerField(_("followers"))

    class Meta:
        verbose_name = _("follower count")
        verbose_name_plural = _("follower counts")
        ordering = ["channel", "taken_at"]
        indexes = [models.Index(fields=["channel", "taken_at"], name="analytics_followers_idx")]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.followers}"


class _DayCounts(models.Model):
    """The columns a daily rollup carries.

    ``posts``: posts published that day; the metric columns: the latest counts of those
    posts (NULL when no post of that day reported that metric); ``tracked_clicks``,
    ``applications`` and ``visits``: what happened on that day, by the day it happened.
    """

    day = models.DateField()
    posts = models.PositiveIntegerField(default=0)
    views = _count(_("views"))
    likes = _count(_("likes"))
    comments = _count(_("comments"))
    shares = _count(_("shares"))
    saves = _count(_("saves"))
    link_clicks = _count(_("link clicks"))
    tracked_clicks = models.PositiveIntegerField(default=0)
    applications = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class ChannelDay(_DayCounts):
    """One channel's day (in the organisation's time zone); ``followers`` at the day's end."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="days")
    followers = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("channel day")
        verbose_name_plural = _("channel days")
        ordering = ["channel", "day"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "day"], name="analytics_channelday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}"


class CampaignDay(_DayCounts):
    """One campaign's day on one channel: sums give totals, shares per channel."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="days")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("campaign day")
        verbose_name_plural = _("campaign days")
        ordering = ["campaign", "day", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "channel", "day"], name="analytics_campaignday_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.channel_id} {self.day}"


class TrackedLink(models.Model):
    """A link in a post, sent out as ``<public address>/l/<code>``.

    The redirect adds ``utm_source`` (the network), ``utm_medium=social`` and
    ``utm_campaign`` (the campaign's slug, else "carecast") to ``target_url``.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16, unique=True)
    target_url = models.URLField(max_length=2000)
    channel = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracked_links"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracked_links"
    )
    publication = models.ForeignKey(
        Publication, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracked_links"
    )
    utm_source = models.CharField(max_length=64)
    utm_medium = models.CharField(max_length=64, default="social")
    utm_campaign = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"/l/{self.code}"


class LinkClickDay(models.Model):
    """Clicks on one tracked link on one day from one network. No address, no agent kept."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="click_days")
    day = models.DateField()
    # The link's channel's network, else the one its referrer shows; "" when unknown.
    network = models.CharField(max_length=32, blank=True)
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("link clicks per day")
        verbose_name_plural = _("link clicks per day")
        ordering = ["link", "day", "network"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "day", "network"], name="analytics_linkclickday_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.day} {self.network}: {self.clicks}"


class ApplicationSource(models.TextChoices):
    CSV = "csv", _("CSV import")
    WEBHOOK = "webhook", _("webhook")
    DEMO = "demo", _("demo")


class JobApplication(models.Model):
    """One application from the applicant system, attributed by its UTM parameters.

    No applicant's name or contact is stored: only when, for which job, and where from.
    ``channel``/``campaign``/``network`` are the match (empty when nothing matched).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("reference"), max_length=200)
    received_at = models.DateTimeField(_("received"))
    job_title = models.CharField(_("job"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    network = models.CharField(max_length=32, blank=True)
    channel = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    source = models.CharField(max_length=8, choices=ApplicationSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="analytics_application_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "received_at"], name="analytics_application_idx")
        ]

    def __str__(self) -> str:
        return self.external_id


class VisitKind(models.TextChoices):
    CAMPAIGN = "campaign", _("campaign")
    SOCIAL = "social", _("social network")


class WebsiteVisitDay(models.Model):
    """Website visits on one day from one campaign or social network (Matomo or CSV).

    ``label`` is what the web analytics called it (campaign name, e.g. "gamechanger", or
    network, e.g. "Facebook"); ``network``/``campaign`` are our match of it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=8, choices=VisitKind.choices)
    label = models.CharField(max_length=200)
    network = models.CharField(max_length=32, blank=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visits = models.PositiveIntegerField(default=0)
    actions = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=8, default="matomo")

    class Meta:
        verbose_name = _("website visits per day")
        verbose_name_plural = _("website visits per day")
        ordering = ["organisation", "day", "kind", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day", "kind", "label"], name="analytics_visitday_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.label}: {self.visits}"


class AnalyticsSettings(models.Model):
    """Per organisation: the webhook secret and where its Matomo lives."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="analytics_settings"
    )
    webhook_secret = models.CharField(max_length=64)
    matomo_url = models.URLField(_("Matomo address"), blank=True)
    matomo_site_id = models.PositiveIntegerField(_("Matomo site id"), null=True, blank=True)
    # token_auth, encrypted at rest like the networks' tokens.
    matomo_token_encrypted = models.TextField(blank=True, editable=False)
    matomo_imported_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")

    def __str__(self) -> str:
        return str(self.organisation_id)


class ChannelSync(models.Model):
    """Per channel: when metrics may be asked for again (rate limits) and what went wrong."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="metric_sync")
    # The network asked us to wait (429 + Retry-After / rate-limit reset) until then.
    blocked_until = models.DateTimeField(null=True, blank=True)
    last_import_at = models.DateTimeField(null=True, blank=True)
    last_followers_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.channel_id)
