"""Sources and their items, rules, automatic posts, awareness days and trend suggestions.

Automation never writes publishing's tables: stories come from ``stories.services`` and
publications from ``publishing.services``; ``AutoPost`` only remembers what we asked for.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Department, Organisation
from carecast.networks.models import Channel
from carecast.publishing.models import Publication
from carecast.stories.models import MediaAsset, Story


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", _("Feed (RSS, Atom, JSON Feed)")
        JOBS = "jobs", _("Job feed (Personio XML, RSS, Atom)")
        CHANNEL = "channel", _("Another channel")

    class Backlog(models.TextChoices):
        RECENT = "recent", _("post the recent ones (each rule's age limit decides)")
        NONE = "none", _("post none: only items that appear after the first check")

    class Health(models.TextChoices):
        NEW = "new", _("not fetched yet")
        OK = "ok", _("fine")
        ERROR = "error", _("error")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    channel = models.ForeignKey(
        Channel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interval_minutes = models.PositiveIntegerField(_("check every (minutes)"), default=15)
    # Hosts (or host:port) an admin allowed although they are private, e.g. an intranet job feed.
    allow_hosts = models.CharField(
        _("allowed internal hosts"),
        max_length=500,
        blank=True,
        help_text=_("Only for feeds inside the hospital network, e.g. jobs.intranet:8080"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    backlog = models.CharField(
        _("items already in the feed at the first check"),
        max_length=8,
        choices=Backlog.choices,
        default=Backlog.RECENT,
    )
    # Failed checks in a row: each one doubles the wait (up to a day), so a broken source
    # is not asked every 15 minutes forever.
    failures = models.PositiveIntegerField(default=0)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # For channel sources: the newest publication id already mirrored.
    cursor = models.CharField(max_length=100, blank=True)
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.NEW)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # in English, for logs and the admin
    # The same error untranslated, so the page shows it in the reader's language.
    error_msgid = models.CharField(max_length=300, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    # How the last successful check went: {"total": n, "new": n} or {"not_modified": true}.
    last_counts = models.JSONField(default=dict, blank=True)
    next_fetch_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def error_message(self) -> str:
        from carecast.automation.errors import render

        return render(self.error_msgid, self.error_params) if self.error_msgid else self.last_error

    def allowed_hosts(self) -> list[str]:
        return [h.strip() for h in self.allow_hosts.replace(",", " ").split() if h.strip()]


class Item(models.Model):
    """One entry of a source, remembered by its GUID for as long as the source exists."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=500)
    title = models.CharField(max_length=500, blank=True)
    summary = models.TextField(blank=True)
    link = models.URLField(max_length=1000, blank=True)
    image_url = models.URLField(max_length=1000, blank=True)
    # The item's image, fetched as safely as the feed and stored without metadata.
    image = models.ForeignKey(
        MediaAsset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    categories = models.JSONField(default=list, blank=True)
    location = models.CharField(max_length=200, blank=True)
    is_job = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    # Set in the same transaction as the rules' work on the item: a worker that dies between
    # fetching and posting leaves it unset, and the next poll hands the item to the rules again.
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="item_guid_unique")]

    def __str__(self) -> str:
        return self.title or self.guid


class Policy(models.TextChoices):
    NOW = "now", _("publish at once")
    NEXT_SLOT = "next_slot", _("next free slot in the posting window")
    DRAFT = "draft", _("draft for review")
    GAP = "gap", _("gap filler only")


class Overflow(models.TextChoices):
    LATER = "later", _("wait for a later day with a free slot")
    SKIP = "skip", _("skip them")


class Rule(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=200)
    sources = models.ManyToManyField(Source, related_name="rules", verbose_name=_("sources"))
    channels = models.ManyToManyField(Channel, related_name="+", verbose_name=_("channels"))
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Comma-separated; empty: all")
    )
    categories = models.CharField(
        _("categories"), max_length=500, blank=True, help_text=_("Comma-separated; empty: all")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    route_by_purpose = models.BooleanField(
        _("route by purpose"),
        default=True,
        help_text=_("Job offers only to jobs channels, everything else only to the others."),
    )
    template = models.TextField(_("template"), default="{title}\n\n{summary}")
    # Per network, e.g. {"x": "{title}"}; falls back to ``template``.
    templates = models.JSONField(default=dict, blank=True)
    hashtags = models.CharField(_("hashtags"), max_length=300, blank=True)
    include_image = models.BooleanField(_("use the item's image"), default=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    policy = models.CharField(
        _("policy"), max_length=16, choices=Policy.choices, default=Policy.NEXT_SLOT
    )
    max_age_days = models.PositiveIntegerField(_("ignore items older than (days)"), default=14)
    overflow = models.CharField(
        _("items beyond the channel's daily cap"),
        max_length=8,
        choices=Overflow.choices,
        default=Overflow.LATER,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChannelAutomation(models.Model):
    """Per channel: caps on automatic posts, and the gap filler's settings."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="automation")
    max_per_day = models.PositiveIntegerField(_("automatic posts per day"), default=4)
    min_spacing_minutes = models.PositiveIntegerField(_("minimum spacing (minutes)"), default=90)
    gap_hours = models.PositiveIntegerField(
        _("fill gaps after (hours without a post)"), default=0, help_text=_("0: off")
    )
    evergreen_repeat_days = models.PositiveIntegerField(
        _("repeat an evergreen post after (days)"), default=60
    )

    class Meta:
        verbose_name = _("channel automation")

    def __str__(self) -> str:
        return str(self.channel)


class AutoPost(models.Model):
    """What automation asked for on one channel: from an item, the gap filler or a reminder.

    The unique (item, channel) pair is the last line against posting an item twice, whichever
    rules or feeds lead to it.
    """

    class Kind(models.TextChoices):
        RULE = "rule", _("rule")
        GAP = "gap", _("gap filler")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        DRAFT = "draft", _("draft")
        QUEUED = "queued", _("waiting for a gap")
        SKIPPED = "skipped", _("skipped")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.RULE)
    status = models.CharField(max_length=12, choices=Status.choices)
    rule = models.ForeignKey(
        Rule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    publication = models.ForeignKey(
        Publication, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "channel"],
                condition=models.Q(item__isnull=False),
                name="autopost_item_channel_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.channel} [{self.status}]"


class AwarenessDay(models.Model):
    """A health awareness day, or month: a fixed date, or the n-th weekday of a month."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="awareness_days"
    )
    name = models.CharField(_("name"), max_length=200)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    # "first Saturday in June": weekday 5 (Monday 0), nth 1. Neither day nor weekday: the month.
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    nth = models.PositiveSmallIntegerField(null=True, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    departments = models.ManyToManyField(Department, blank=True, related_name="+")
    hashtags = models.CharField(_("hashtags"), max_length=300, blank=True)
    lead_days = models.PositiveSmallIntegerField(_("remind days before"), default=14)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("awareness day")
        verbose_name_plural = _("awareness days")
        ordering = ["month", "day", "name"]

    def __str__(self) -> str:
        return self.name


class AwarenessReminder(models.Model):
    """Once per day and year: the draft story we prepared for it."""

    awareness_day = models.ForeignKey(
        AwarenessDay, on_delete=models.CASCADE, related_name="reminders"
    )
    year = models.PositiveSmallIntegerField()
    date = models.DateField()
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["awareness_day", "year"], name="reminder_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.awareness_day} {self.date}"


class TrendSuggestion(models.Model):
    class Origin(models.TextChoices):
        MASTODON = "mastodon", "Mastodon"
        BLUESKY = "bluesky", "Bluesky"
        FEEDS = "feeds", _("our sources")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    tag = models.CharField(max_length=200)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    score = models.FloatField(default=0)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    matched = models.CharField(max_length=200, blank=True)
    seen_at = models.DateTimeField()
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dismissed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-seen_at", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "tag", "origin", "department"], name="trend_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.tag}"
