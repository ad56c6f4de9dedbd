"""Comments and mentions from the channels, the replies sent to them, and who is on duty.

An item is stored once per channel and remote id, triaged when it arrives. A reply
leaves carecast exactly once: claimed by a conditional UPDATE, sent with a key
derived from its id, and ``unconfirmed`` when we cannot tell whether the network
got it (never sent again without a person looking first).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Organisation, Person
from carecast.networks.models import Channel


class Kind(models.TextChoices):
    REPLY = "reply", _("Reply")
    MENTION = "mention", _("Mention")
    # A private message to the channel (Mastodon direct status, X DM): answered privately.
    DIRECT = "direct", _("Direct message")


class Status(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")
    DONE = "done", _("done")


class Erasure(models.TextChoices):
    RETENTION = "retention", _("retention period over")
    REQUEST = "request", _("on request")


class InboxItem(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="inbox_items")
    remote_id = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REPLY)
    author = models.CharField(_("author"), max_length=200, blank=True)
    author_id = models.CharField(max_length=300, blank=True)
    text = models.TextField(_("text"))
    url = models.CharField(max_length=1000, blank=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    fetched_at = models.DateTimeField(auto_now_add=True)
    labels = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=dict, blank=True)
    emergency_kinds = models.JSONField(default=list, blank=True)
    # Labels the triage model added (its words are in ``reasons``), and labels the word rules
    # gave but the model dropped as a figure of speech, with the rules' words.
    guessed = models.JSONField(default=list, blank=True)
    doubted = models.JSONField(default=dict, blank=True)
    # ",emergency,question," — filterable the same way on SQLite and PostgreSQL.
    label_index = models.CharField(max_length=200, blank=True, editable=False)
    is_emergency = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    # Set once, by the one worker that notifies the people on duty (conditional UPDATE).
    notified_at = models.DateTimeField(null=True, blank=True)
    # Hidden under the hospital's post on the network (inbox.hide); the comment stays there.
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Text, author and link erased (inbox.retention); labels and times stay for the numbers.
    erased_at = models.DateTimeField(null=True, blank=True)
    erasure = models.CharField(max_length=16, choices=Erasure.choices, blank=True)
    # Who should answer it (``inbox.assign``; only someone who may act on the channel).
    assigned_to = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_items"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        constraints = [
            models.UniqueConstraint(fields=["channel", "remote_id"], name="inbox_item_unique")
        ]
        indexes = [models.Index(fields=["organisation", "status", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.channel} · {self.author} · {self.remote_id}"

    def set_labels(self, labels: list[str]) -> None:
        self.labels = list(labels)
        self.label_index = "".join(f",{label}" for label in labels) + ("," if labels else "")
        self.is_emergency = "emergency" in labels


class ChannelInbox(models.Model):
    """Where reading a channel's comments stands: the cursor and the last error."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="inbox_state")
    since_id = models.CharField(max_length=300, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    error_is_auth = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.channel}: {self.since_id or '-'}"


class ReplyState(models.TextChoices):
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    UNCONFIRMED = "unconfirmed", _("unconfirmed")


class InboxReply(models.Model):
    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("reply"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=16, choices=ReplyState.choices, default=ReplyState.SENDING)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.CharField(max_length=1000, blank=True)
    error = models.TextField(blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # True from the moment a request may have left until its answer was recorded.
    outcome_unknown = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"reply {self.pk} ({self.state})"

    @property
    def key(self) -> str:
        """Stable per reply: the network's idempotency anchor on every attempt."""
        return f"carecast-reply-{self.pk}"


class DutyShift(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="duty_shifts")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="duty_shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class Notification(models.Model):
    """Someone was told about an emergency (``item``) or a spike of negative comments
    (``spike``): in the app always, by email when it worked."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    item = models.ForeignKey(
        InboxItem, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    spike = models.ForeignKey(
        "SpikeAlert", on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    # Nobody's shift covered the moment: every admin was told instead, and the message says so.
    nobody_on_duty = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["item", "recipient"], name="notification_unique"),
            models.UniqueConstraint(
                fields=["spike", "recipient"], name="notification_spike_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · item {self.item_id or '-'} · spike {self.spike_id or '-'}"


class InboxNote(models.Model):
    """A colleague's note on an item: inside carecast only, never sent to the network."""

    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"note {self.pk} on item {self.item_id}"


class SavedReply(models.Model):
    """A saved reply (Textbaustein) the leads keep; ``{name}`` and friends are filled in."""

    LANGUAGES = [("de", _("German")), ("en", _("English"))]

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=80)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="de")
    text = models.TextField(_("text"), max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["language", "title", "pk"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class SpikeSettings(models.Model):
    """When negative comments count as a spike (``inbox.spikes``), per organisation."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="spike_settings"
    )
    # At least this many complaints or abusive comments within the window …
    threshold = models.PositiveSmallIntegerField(_("at least (comments)"), default=5)
    window_minutes = models.PositiveSmallIntegerField(_("within (minutes)"), default=60)
    # … and this many times the usual number for a window of that length (last 7 days).
    factor = models.PositiveSmallIntegerField(_("times the usual rate"), default=3)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.threshold} in {self.window_minutes} min"


class SpikeAlert(models.Model):
    """Negative comments on one post (``post_id``) or one channel (``post_id`` empty) spiked.

    One open alert per scope (a partial unique constraint): the people on duty are told once
    per spike. It closes when a window passes without a new negative comment there.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="spike_alerts")
    post_id = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField()
    last_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    usual = models.FloatField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("spike of negative comments")
        verbose_name_plural = _("spikes of negative comments")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "post_id"],
                condition=Q(ended_at__isnull=True),
                name="spike_alert_one_open_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.post_id or '*'}: {self.count}"
