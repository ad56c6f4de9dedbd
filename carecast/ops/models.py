"""What operating carecast needs to remember: which workers are alive, which channels fail."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.networks.models import Channel


class WorkerBeat(models.Model):
    """One worker process (host and pid) and when it last said it is alive."""

    worker = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker


class ChannelIncident(models.Model):
    """A stretch of time in which publishing to one channel kept failing.

    The leads hear of it once when it opens, not at every failed post; it closes at the
    channel's next successful post.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="incidents")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("channel incident")
        verbose_name_plural = _("channel incidents")
        constraints = [
            # At most one open incident per channel: two workers cannot both open (and mail) one.
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(closed_at__isnull=True),
                name="ops_one_open_incident_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.opened_at:%Y-%m-%d %H:%M}"
