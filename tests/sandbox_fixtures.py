"""The ``sandbox`` fixture: a local server speaking Mastodon, X and Bluesky on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carecast.networks.models import Channel
from carecast.sandbox.server import SandboxServer


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox per test (in memory); stopped afterwards, open connections closed."""
    server = SandboxServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def channel_on(org, sandbox):
    """A channel of ``network`` whose account lives on the sandbox server."""

    def make(network: str, handle: str = "klinikum", **fields) -> Channel:
        token = f"token-{network}-{handle}"
        remote = sandbox.add_account(network, handle, token, password=f"pw-{handle}")
        config = {"web_url": remote["web_url"]} if remote.get("web_url") else {}
        channel = Channel(
            organisation=org,
            network=network,
            name=fields.pop("name", f"{network} – {handle}"),
            handle=handle,
            base_url=sandbox.base_url,
            remote_user_id=str(remote["id"]),
            is_sandbox=True,
            config={**config, **fields.pop("config", {})},
            **fields,
        )
        if network == "bluesky":
            channel.set_credentials({"identifier": handle, "password": f"pw-{handle}"})
        else:
            channel.set_credentials({"access_token": token})
        channel.save()
        return channel

    return make
