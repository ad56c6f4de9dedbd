"""Publications: one post on one channel, moving through the state machine of DESIGN.md.

draft → scheduled → publishing → published | failed | unconfirmed | cancelled

Every transition is a conditional UPDATE (see ``publishing.states``), so two
workers can never both claim the same publication.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.networks.models import Channel
from carecast.stories.models import Variant


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHING = "publishing", _("publishing")
    PUBLISHED = "published", _("published")
    FAILED = "failed", _("failed")
    UNCONFIRMED = "unconfirmed", _("unconfirmed")
    CANCELLED = "cancelled", _("cancelled")


FINAL_STATES = {State.PUBLISHED, State.FAILED, State.UNCONFIRMED, State.CANCELLED}


class Publication(models.Model):
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="publications")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="publications")
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    # Set when a DST gap/overlap moved the requested wall-clock time ("nonexistent"/"ambiguous").
    due_note = models.CharField(max_length=16, blank=True)
    # The text and media as they were when scheduled: what goes out is what was approved.
    text = models.TextField(blank=True)
    # Retry bookkeeping: transient errors come back at ``next_attempt_at``.
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempt_count = models.PositiveIntegerField(default=0)
    # Look-ups of an unknown outcome that failed (429/5xx/timeout): retried with backoff,
    # and only after several is the post ``unconfirmed``.
    lookup_failures = models.PositiveSmallIntegerField(default=0)
    # Claim: who is publishing it now; ``claimed_at`` is renewed by the holder's heartbeat
    # (a lease; see ``states.release_stale_claims``).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    # True once a request may have reached the network: a retry must not blindly re-send.
    outcome_unknown = models.BooleanField(default=False)
    remote_id = models.CharField(max_length=200, blank=True)
    remote_url = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A multi-step video upload under way (a YouTube session address, a TikTok publish_id),
    # stored before the request that could create the post: a retry resumes it.
    upload_state = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["state", "due_at"], name="publication_due_idx")]

    def __str__(self) -> str:
        return f"{self.variant} [{self.state}]"

    @property
    def idempotency_key(self) -> str:
        """Stable per publication: the same key on every attempt is what makes retries safe."""
        return f"carecast-pub-{self.pk}"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class Attempt(models.Model):
    """One try to publish, written before the request goes out and finished after."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("in progress")
        SUCCESS = "success", _("success")
        RETRY = "retry", _("temporary error")
        ERROR = "error", _("error")
        UNKNOWN = "unknown", _("outcome unknown")
        RECOVERED = "recovered", _("found on the network")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    message = models.TextField(blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["publication", "number"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self) -> str:
        return f"#{self.number} {self.outcome}"
