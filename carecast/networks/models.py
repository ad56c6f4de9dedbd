"""A channel: one account of the organisation on one network."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecast.core.crypto import decrypt_json, encrypt_json
from carecast.core.models import Department, Organisation
from carecast.networks import registry
from carecast.networks.base import Account, Network


class Purpose(models.TextChoices):
    NEWS = "news", _("News")
    JOBS = "jobs", _("Jobs")
    DEPARTMENT = "department", _("Department")


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    # Kept with its history, never posts again; its account may be connected anew.
    ARCHIVED = "archived", _("archived")


class Channel(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="channels"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="channels"
    )
    network = models.CharField(_("network"), max_length=32, choices=registry.choices)
    name = models.CharField(_("name"), max_length=120, help_text=_('e.g. "X – Jobs"'))
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.NEWS
    )
    handle = models.CharField(_("account"), max_length=200, blank=True)
    base_url = models.URLField(
        _("server"), blank=True, help_text=_("API address, e.g. https://mastodon.social")
    )
    remote_user_id = models.CharField(max_length=200, blank=True)
    credentials_encrypted = models.TextField(blank=True, editable=False)
    # Network-specific settings, e.g. Mastodon's instance limit {"max_characters": 1000}.
    config = models.JSONField(default=dict, blank=True)
    # [{"days": [0..6], "start": "07:00", "end": "20:00"}], local to ``timezone``.
    posting_windows = models.JSONField(_("posting windows"), default=list, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    status = models.CharField(
        max_length=16, choices=ChannelStatus.choices, default=ChannelStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    is_sandbox = models.BooleanField(
        _("sandbox"),
        default=False,
        help_text=_("Publishes to a local test server, not the real network."),
    )
    max_concurrent = models.PositiveSmallIntegerField(default=2)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the access token stops working unless refreshed (X: two hours); null: no expiry.
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # The last time carecast asked the network whether the token works, and the answer.
    checked_at = models.DateTimeField(null=True, blank=True)
    check_ok = models.BooleanField(null=True, blank=True)
    check_message = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            # One account, one channel per organisation (archived channels keep their history).
            models.UniqueConstraint(
                fields=["organisation", "network", "remote_user_id"],
                condition=~models.Q(remote_user_id="") & ~models.Q(status="archived"),
                name="channel_one_account_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rules(self) -> Network:
        return registry.get(self.network)

    @property
    def text_limit(self) -> int:
        return self.rules.limit_for(self.config)

    @property
    def is_paused(self) -> bool:
        return self.status == ChannelStatus.PAUSED

    @property
    def is_archived(self) -> bool:
        return self.status == ChannelStatus.ARCHIVED

    def set_credentials(self, credentials: dict[str, str]) -> None:
        self.credentials_encrypted = encrypt_json(credentials)

    def get_credentials(self) -> dict[str, str]:
        return decrypt_json(self.credentials_encrypted)

    def account(self) -> Account:
        return Account(
            base_url=self.base_url,
            handle=self.handle,
            remote_user_id=self.remote_user_id,
            credentials=self.get_credentials(),
            config=dict(self.config),
        )


class ServerApp(models.Model):
    """carecast's app registration on one Mastodon-API server (``POST /api/v1/apps``).

    Registered once per server, redirect address and scopes, and reused for every account
    connected there: servers rate-limit app creation and keep every app they were sent.
    """

    base_url = models.URLField(_("server"))
    redirect_uri = models.URLField()
    scopes = models.CharField(max_length=200)
    client_id = models.CharField(max_length=200)
    client_secret_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("server app registration")
        constraints = [
            models.UniqueConstraint(
                fields=["base_url", "redirect_uri", "scopes"], name="server_app_once"
            )
        ]

    def __str__(self) -> str:
        return self.base_url

    @property
    def client_secret(self) -> str:
        return decrypt_json(self.client_secret_encrypted).get("client_secret", "")

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.client_secret_encrypted = encrypt_json({"client_secret": value})
