"""Live consultation hours: a session, its questions and their upvotes.

State changes go through ``carecast.live.actions`` (which broadcast after commit);
nothing here sends events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Department, Organisation, Person
from carecast.networks.models import Channel
from carecast.stories.models import Story


class LiveSession(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    topic = models.TextField(_("topic"), blank=True)
    doctors = models.CharField(
        _("doctors"), max_length=300, blank=True, help_text=_("e.g. Dr. Maria Weber, Chefärztin")
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    stream_links = models.TextField(_("stream links"), blank=True, help_text=_("One per line"))
    # Filled in after the hour: the recap links to it on every network.
    recording_url = models.URLField(
        _("recording"),
        max_length=500,
        blank=True,
        help_text=_("Address of the recording, once it is online (the recap links to it)"),
    )
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="+", verbose_name=_("channels for announcements")
    )
    accepting = models.BooleanField(_("accepting questions"), default=True)
    recap_story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("live consultation")
        verbose_name_plural = _("live consultations")

    def __str__(self) -> str:
        return self.title

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.stream_links.splitlines() if line.strip()]

    @property
    def stream_list(self) -> list[dict[str, str]]:
        """Stream links with the site's name, so that two links do not read the same."""
        from urllib.parse import urlsplit

        links = [link for link in self.link_list if link.startswith(("https://", "http://"))]
        return [
            {"url": link, "host": (urlsplit(link).hostname or link).removeprefix("www.")}
            for link in links
        ]

    @property
    def is_over(self) -> bool:
        return timezone.now() > self.ends_at


class Announcement(models.Model):
    """One announcement story of a session (a week before, the day before, …)."""

    class Kind(models.TextChoices):
        WEEK = "week", _("a week before")
        DAY = "day", _("the day before")
        HOUR = "hour", _("an hour before")
        START = "start", _("at the start")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="announcements")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="live_announcement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.get_kind_display()}"


class Status(models.TextChoices):
    PENDING = "pending", _("waiting")
    APPROVED = "approved", _("approved")
    ANSWERING = "answering", _("being answered")
    ANSWERED = "answered", _("answered")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged")


PUBLIC_STATUSES = (Status.APPROVED, Status.ANSWERING, Status.ANSWERED)


class Source(models.TextChoices):
    WEB = "web", _("question page")
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    THREADS = "threads", "Threads"
    LINKEDIN = "linkedin", "LinkedIn"


class Question(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="questions")
    # As the visitor wrote it: shown to the moderator only.
    text = models.TextField(_("question"))
    # What the audience sees; the moderator may edit it (anonymity, emergencies).
    public_text = models.TextField(_("public wording"))
    nickname = models.CharField(_("name"), max_length=40, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Guard findings: "emergency", "health_data".
    flags = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.WEB)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=1000, blank=True)
    # A hash of the visitor's cookie id (never the IP): rate limits and upvotes.
    client = models.CharField(max_length=64, blank=True, db_index=True)
    # A keyed hash of the address it came from: flood protection across cookie-less clients.
    origin = models.CharField(max_length=64, blank=True, db_index=True)
    votes = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    answer_note = models.TextField(_("short answer"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Set once, by the one call that tells the people on duty about an emergency.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "source", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="live_question_remote_unique",
            )
        ]

    def __str__(self) -> str:
        return self.public_text[:60]

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags)

    @property
    def was_edited(self) -> bool:
        return self.public_text.strip() != self.text.strip()


class Upvote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    client = models.CharField(max_length=64)
    # The visitor's address, hashed like ``Question.origin``: a dropped cookie is a new
    # client, not a new address, so votes are also limited per address.
    origin = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "client"], name="live_upvote_once")
        ]
        indexes = [models.Index(fields=["question", "origin"], name="live_upvote_origin")]

    def __str__(self) -> str:
        return f"+1 {self.question_id}"


class Alert(models.Model):
    """Someone on duty was told about a possible emergency in a live session's questions.

    The inbox's notifications belong to inbox items; a question is not one, so the live
    app keeps its own, chosen by the inbox's duty rules (``inbox.duty.recipients``).
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="live_alerts")
    # Nobody's shift covered the moment: every lead was told instead, and the message says so.
    nobody_on_duty = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("live emergency notice")
        verbose_name_plural = _("live emergency notices")
        constraints = [
            models.UniqueConstraint(fields=["question", "recipient"], name="live_alert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · question {self.question_id}"
