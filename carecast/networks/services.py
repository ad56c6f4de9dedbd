"""Keeping channels in step with their accounts: limits read from the network, reconnection."""

from __future__ import annotations

from carecast.networks.base import Connector, ConnectorError
from carecast.networks.models import Channel, ChannelStatus


def connector_supports(channel: Channel, capability: str) -> bool:
    """Whether the channel's connector has a capability flag set (``supports_inbox``,
    ``supports_hide``); a network without a connector, or one that fails to import, has none."""
    try:
        return bool(getattr(channel.rules.connector_type(), capability, False))
    except (ConnectorError, KeyError, ImportError, AttributeError):
        return False


def keep_refreshed_tokens(channel: Channel, connector: Connector) -> None:
    """Store tokens a connector refreshed while working (encrypted), after every call."""
    new = connector.updated_credentials
    if new:
        # Never overwrite a stored token with an empty one.
        channel.set_credentials(
            {**channel.get_credentials(), **{k: v for k, v in new.items() if v}}
        )
        channel.save(update_fields=["credentials_encrypted"])


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
    return handle
