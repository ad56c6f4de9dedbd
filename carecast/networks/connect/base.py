"""The one path by which an account becomes a channel, whatever the network.

Each network offers a *flow*: either a sign-in at the network (``OAuthFlow``: ``begin``
returns the address to send the browser to, ``complete`` reads the callback) or a form
carecast asks itself (``FormFlow``: ``connect`` takes the typed data). Both end in a
``ConnectedAccount``, which ``carecast.networks.services.save_connected`` turns into a channel.
Flows speak to the network over HTTP only; they never write channels themselves.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.functional import Promise


class ConnectError(Exception):
    """Connecting failed; ``message`` is for the person connecting (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


LOOPBACK_HOSTS = ("127.0.0.1:*", "localhost:*", "::1:*")  # any port: the sandbox picks one


def check_server(url: str) -> str:
    """``url`` if carecast may call it: public, or loopback while the sandbox is on.

    The server (Mastodon) or the account's PDS (Bluesky) comes from what a person typed,
    so it must not point carecast at the hospital's own network.
    """
    from django.conf import settings
    from django.utils.translation import gettext as _

    from carecast.lib.http import UnsafeURL, check_public_url

    allowed = LOOPBACK_HOSTS if settings.CARECAST_SANDBOX else ()
    try:
        return check_public_url(url, allowed)
    except UnsafeURL as exc:
        raise ConnectError(
            _("carecast does not connect to %(server)s: %(why)s") % {"server": url, "why": exc}
        ) from exc


@dataclass(frozen=True)
class ConnectedAccount:
    """An account the network confirmed, with what carecast needs to act for it."""

    remote_user_id: str
    handle: str
    base_url: str
    credentials: dict[str, str]
    config: dict[str, Any] = field(default_factory=dict)
    token_expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class Redirect:
    """Where to send the browser, and what to remember until it comes back (in the session)."""

    url: str
    pending: dict[str, Any]


@dataclass(frozen=True)
class FormField:
    """One input of a flow's start form: ``name``, label, help text and input type."""

    name: str
    label: str | Promise  # translated lazily: the flows are built at import
    help: str | Promise = ""
    input_type: str = "text"
    help_link: str = ""


class Flow:
    """How one network's accounts are connected. ``kind``: ``"oauth"`` or ``"form"``."""

    network: ClassVar[str]
    kind: ClassVar[str]
    # Whether a paused channel can sign in again (a feed has nothing to sign in to).
    reconnectable: ClassVar[bool] = True

    @property
    def label(self) -> str:
        from carecast.networks import registry

        return registry.get(self.network).label

    def fields(self) -> list[FormField]:
        """What the start form asks (the Mastodon server, a Bluesky handle, ...)."""
        return []

    def available(self) -> str:
        """Empty when the flow can run; otherwise why not (e.g. X without client id)."""
        return ""


class OAuthFlow(Flow):
    kind = "oauth"

    def begin(self, data: dict[str, str], redirect_uri: str) -> Redirect:
        raise NotImplementedError

    def complete(self, pending: dict[str, Any], params: dict[str, str]) -> ConnectedAccount:
        raise NotImplementedError


class FormFlow(Flow):
    kind = "form"

    def connect(self, data: dict[str, str]) -> ConnectedAccount:
        raise NotImplementedError


class LazyFlows(Mapping[str, "Flow"]):
    """Flows by network name, from ``"module:Class"`` paths imported on first use."""

    def __init__(self, paths: tuple[str, ...]) -> None:
        self._paths = paths
        self._flows: dict[str, Flow] | None = None

    def _load(self) -> dict[str, Flow]:
        if self._flows is None:  # two threads may both build it: the same flows either way
            flows: dict[str, Flow] = {}
            for path in self._paths:
                module, _, name = path.partition(":")
                flow = getattr(importlib.import_module(module), name)()
                flows[flow.network] = flow
            self._flows = flows
        return self._flows

    def __getitem__(self, network: str) -> Flow:
        return self._load()[network]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
