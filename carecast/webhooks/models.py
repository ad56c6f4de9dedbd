"""Outgoing webhooks: where carecast tells the hospital's other systems what happened."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Organisation


class Event(models.TextChoices):
    PUBLISHED = "published", _("A post was published")
    FAILED = "failed", _("A post failed")
    EMERGENCY = "emergency_comment", _("An emergency comment arrived")


class Endpoint(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=1000)
    events = models.JSONField(default=list)
    secret_encrypted = models.TextField(editable=False)  # carecast.core.crypto, like tokens
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Events are collected from rows changed since here (with an overlap; see events.py).
    scanned_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels[e]) for e in self.events if e in labels]


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("given up")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32, choices=Event.choices)
    key = models.CharField(max_length=100)  # what happened, once: "<post>:<attempt>", "<item>"
    payload = models.JSONField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(db_index=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two workers collecting at once queue an event once.
            models.UniqueConstraint(fields=["endpoint", "event", "key"], name="delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.key} → {self.endpoint_id}"
