"""Peer profiles (other hospitals' public accounts, and our own channels) and their daily counts.

Counts are nullable: NULL means "the network did not tell us", shown as missing, never as 0.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Organisation
from carecast.networks.models import Channel


class PeerNetwork(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    INSTAGRAM = "instagram", "Instagram"


class Peer(models.Model):
    """One public profile carecast counts daily.

    ``channel`` set: one of the organisation's own channels, ranked beside the peers (it is
    counted through the same public API, so both sides are measured the same way).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(_("network"), max_length=16, choices=PeerNetwork.choices)
    # Mastodon: "user@server"; Bluesky: the handle; Instagram: the user name.
    handle = models.CharField(_("account"), max_length=300)
    # Where the public API is asked: the Mastodon server, Bluesky's public AppView.
    api_url = models.URLField(_("server"), max_length=500, blank=True)
    name = models.CharField(_("hospital"), max_length=200, blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    profile_url = models.URLField(max_length=1000, blank=True)
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("peer profile")
        verbose_name_plural = _("peer profiles")
        ordering = ["name", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network", "handle"], name="peer_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.handle

    @property
    def is_own(self) -> bool:
        return self.channel_id is not None


class PeerDay(models.Model):
    """What one profile showed on one day (the day it was fetched, UTC)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    followers = models.BigIntegerField(null=True, blank=True)
    posts_total = models.BigIntegerField(null=True, blank=True)
    # Of the recent posts read (at most 100, replies and reposts left out):
    posts_sampled = models.PositiveIntegerField(default=0)
    posts_last_30_days = models.PositiveIntegerField(null=True, blank=True)
    interactions = models.BigIntegerField(null=True, blank=True)  # likes + reposts + replies

    class Meta:
        verbose_name = _("peer day")
        verbose_name_plural = _("peer days")
        ordering = ["peer", "day"]
        constraints = [models.UniqueConstraint(fields=["peer", "day"], name="peer_day_once")]

    def __str__(self) -> str:
        return f"{self.peer_id} {self.day}"

    @property
    def interactions_per_post(self) -> float | None:
        if self.interactions is None or not self.posts_sampled:
            return None
        return self.interactions / self.posts_sampled
