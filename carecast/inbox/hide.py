"""Hiding a comment under the hospital's post on the network.

The health-data hint says "consider hiding": where the network lets the account hide
replies in its own conversations (X), the team can do it from the inbox. Hidden is not
deleted: the network still shows it behind "hidden replies", and the author is not told.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.inbox.models import InboxItem, Kind
from carecast.networks.base import ConnectorError
from carecast.networks.services import connector_supports, keep_refreshed_tokens

# Hiding is offered for what should not stand in public under the hospital's post; never
# for a complaint, which deserves an answer, not a hiding place.
HIDE_FOR = frozenset({"health_data", "abuse", "spam"})


def offer_hide(item: InboxItem) -> bool:
    """Only comments under the account's own posts: mentions elsewhere are not ours to hide."""
    return (
        item.kind == Kind.REPLY
        and not item.hidden_at
        and bool(HIDE_FOR & set(item.labels))
        and connector_supports(item.channel, "supports_hide")
    )


def hide_on_network(item: InboxItem, actor) -> str:
    """Hide the comment; "" when it worked, else what went wrong, in words for the team."""
    channel = item.channel
    connector = channel.rules.connector(channel.account())
    try:
        connector.hide_reply(item.remote_id)
    except ConnectorError as exc:
        return _why_not(exc)
    finally:
        keep_refreshed_tokens(channel, connector)
        connector.close()
    now = timezone.now()
    InboxItem.objects.filter(pk=item.pk).update(hidden_at=now)
    item.hidden_at = now
    audit.record(
        channel.organisation, "inbox.hidden", f"#{item.pk}", actor=actor, channel=channel.name
    )
    return ""


def _why_not(exc: ConnectorError) -> str:
    if exc.auth:
        return _("Access expired or revoked — reconnect the channel. (%(error)s)") % {"error": exc}
    if exc.status == 403:
        return _(
            "The network only lets the account hide replies under its own posts. (%(error)s)"
        ) % {"error": exc}
    if exc.retry_after:
        return _("The network asked us to wait (rate limit). Try again later. (%(error)s)") % {
            "error": exc
        }
    return _("Not hidden: %(error)s Try again in a minute.") % {"error": exc}
