"""Keeping channels in step with their accounts: connecting, pausing, resuming, limits."""

from __future__ import annotations

import datetime as dt
import ipaddress
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.core.models import Organisation
from carecast.networks.base import Connector, ConnectorError
from carecast.networks.connect.base import ConnectedAccount, ConnectError
from carecast.networks.models import Channel, ChannelStatus


class AlreadyConnected(ConnectError):
    """The account already has a channel in this organisation."""


def active_channel(channel_id: int) -> Channel | None:
    """The channel if it is still active (a queued task's channel may be paused meanwhile)."""
    return (
        Channel.objects.filter(pk=channel_id, status=ChannelStatus.ACTIVE)
        .select_related("organisation")
        .first()
    )


def connector_supports(channel: Channel, capability: str) -> bool:
    """Whether the channel's connector has a capability flag set (``supports_inbox``,
    ``supports_hide``); a network without a connector, or one that fails to import, has none."""
    try:
        return bool(getattr(channel.rules.connector_type(), capability, False))
    except (ConnectorError, KeyError, ImportError, AttributeError):
        return False


def renews_itself(channel: Channel) -> bool:
    """Whether carecast renews the channel's token before it expires (the health check's
    refresh), or a person must reconnect (LinkedIn without a refresh token)."""
    try:
        kind = channel.rules.connector_type()
    except (ConnectorError, KeyError, ImportError):
        return False
    if not hasattr(kind, "refresh_token"):
        return False
    can_renew = getattr(kind, "can_renew", None)
    return bool(can_renew(channel.get_credentials())) if can_renew else True


def reconnect_by(channel: Channel) -> dt.datetime | None:
    """When a token that cannot renew itself must be replaced: the health check pauses the
    channel this long before it expires, so that no post fails on the expiry itself."""
    if channel.token_expires_at is None or renews_itself(channel):
        return None
    from django.conf import settings

    ahead = dt.timedelta(minutes=settings.CARECAST_TOKEN_REFRESH_AHEAD_MINUTES)
    return channel.token_expires_at - ahead


def keep_refreshed_tokens(channel: Channel, connector: Connector) -> None:
    """Store tokens a connector refreshed while working (encrypted), after every call."""
    new = connector.updated_credentials
    if new:
        # Never overwrite a stored token with an empty one.
        channel.set_credentials(
            {**channel.get_credentials(), **{k: v for k, v in new.items() if v}}
        )
        fields = ["credentials_encrypted"]
        if new.get("expires_at"):
            channel.token_expires_at = dt.datetime.fromisoformat(new["expires_at"])
            fields.append("token_expires_at")
        channel.save(update_fields=fields)


def record_check(channel: Channel, ok: bool | None, message: str = "") -> None:
    """Remember the last token check: ``ok`` True/False, ``None`` when the network did not
    answer (a blip says nothing about the token)."""
    channel.checked_at, channel.check_ok, channel.check_message = timezone.now(), ok, message
    channel.save(update_fields=["checked_at", "check_ok", "check_message"])


def refresh_limits(channel: Channel) -> None:
    """Read limits the network publishes at runtime (Mastodon: the instance's max_characters).

    A network blip leaves the stored limit as it was; it never disconnects the channel.
    """
    connector = channel.rules.connector(channel.account())
    fetch = getattr(connector, "fetch_instance_limit", None)
    if fetch is None:
        return
    try:
        limit = fetch()
    except ConnectorError:
        return
    channel.config = {**channel.config, "max_characters": limit}
    channel.save(update_fields=["config"])


def reconnect(channel: Channel, credentials: dict[str, str] | None = None) -> str:
    """Check (new) credentials and resume a paused channel. Returns the account's handle.

    Raises ``ConnectorError`` if the network still refuses; the channel stays paused.
    """
    if credentials:
        channel.set_credentials({**channel.get_credentials(), **credentials})
    handle = channel.rules.connector(channel.account()).verify_credentials()
    channel.status, channel.status_reason = ChannelStatus.ACTIVE, ""
    channel.save(update_fields=["credentials_encrypted", "status", "status_reason"])
    record_check(channel, True)
    return handle


# --- connecting ---------------------------------------------------------------------------


def connected_elsewhere(
    organisation: Organisation, network: str, remote_user_id: str, but: Channel | None = None
) -> Channel | None:
    """The organisation's live (not archived) channel of this account, other than ``but``."""
    found = Channel.objects.filter(
        organisation=organisation, network=network, remote_user_id=remote_user_id
    ).exclude(status=ChannelStatus.ARCHIVED)
    if but is not None:
        found = found.exclude(pk=but.pk)
    return found.first() if remote_user_id else None


def _refuse_twice(organisation: Organisation, network: str, account: ConnectedAccount, but=None):
    other = connected_elsewhere(organisation, network, account.remote_user_id, but)
    if other is not None:
        raise AlreadyConnected(
            _("%(handle)s is already connected as the channel “%(name)s”.")
            % {"handle": account.handle, "name": other.name}
        )


def save_connected(
    organisation: Organisation,
    network: str,
    account: ConnectedAccount,
    *,
    name: str = "",
    channel: Channel | None = None,
    public_base: str = "",
    actor=None,
) -> Channel:
    """Make ``account`` a channel, or give a reconnected ``channel`` its new credentials.

    Refuses an account that already has a channel in the organisation, and a reconnect
    that signed in another account than the channel's. A reconnected channel resumes.
    """
    if (
        channel is not None
        and channel.remote_user_id
        and channel.remote_user_id != account.remote_user_id
    ):
        raise ConnectError(
            _("You signed in as %(handle)s, but this channel belongs to %(old)s.")
            % {"handle": account.handle, "old": channel.handle}
        )
    _refuse_twice(organisation, network, account, but=channel)
    action = "channel.reconnected" if channel is not None else "channel.connected"
    channel = channel or Channel(organisation=organisation, network=network)
    channel.name = channel.name or name or f"{channel.rules.label} – {account.handle}"
    _apply(channel, account)
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError as exc:  # connected at the same moment in another tab
        raise AlreadyConnected(_("This account is already connected.")) from exc
    if network == "feed" and public_base:
        channel.base_url = f"{public_base.rstrip('/')}/feeds/{channel.pk}.xml"
        channel.save(update_fields=["base_url"])
    record_check(channel, True)
    audit.record(
        organisation, action, channel.name, actor=actor, channel=channel.pk, handle=account.handle
    )
    return channel


def _apply(channel: Channel, account: ConnectedAccount) -> None:
    channel.remote_user_id, channel.handle = account.remote_user_id, account.handle
    channel.base_url = account.base_url or channel.base_url
    channel.set_credentials(account.credentials)
    channel.config = {**channel.config, **account.config}
    channel.token_expires_at = account.token_expires_at
    channel.is_sandbox = _is_loopback(account.base_url)
    channel.status, channel.status_reason = ChannelStatus.ACTIVE, ""


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def pause(channel: Channel, reason: str, actor=None) -> None:
    """Stop posting to the channel until someone resumes it; planned posts wait."""
    channel.status, channel.status_reason = ChannelStatus.PAUSED, reason
    channel.save(update_fields=["status", "status_reason"])
    audit.record(
        channel.organisation,
        "channel.paused",
        channel.name,
        actor=actor,
        channel=channel.pk,
        reason=reason,
    )


def resume(channel: Channel, actor=None) -> None:
    """Resume a paused channel after checking its token; ``ConnectorError`` if still dead."""
    if channel.network == "feed":
        channel.status, channel.status_reason = ChannelStatus.ACTIVE, ""
        channel.save(update_fields=["status", "status_reason"])
    else:
        reconnect(channel)
    audit.record(
        channel.organisation, "channel.resumed", channel.name, actor=actor, channel=channel.pk
    )
