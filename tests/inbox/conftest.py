"""Inbox fixtures: a Mastodon channel on the sandbox and comments from other people on it."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client


def client_for(person) -> Client:
    """A browser-less client signed in as ``person``, with the German UI."""
    client = Client()
    client.force_login(person.user)
    client.cookies.load({"django_language": "de"})
    return client


def mastodon_comment(
    sandbox, text: str, handle: str = "lena", mention: str = "klinikum", token: str = ""
) -> dict:
    """Another account posts ``@klinikum text`` on the sandbox: a mention the channel will read."""
    token = token or f"token-{handle}"
    if not sandbox.store.account("mastodon", handle):
        sandbox.add_account("mastodon", handle, token)
    response = httpx.post(
        f"{sandbox.base_url}/api/v1/statuses",
        data={"status": f"@{mention} {text}"},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    return response.json()


@pytest.fixture
def mastodon(channel_on):
    return channel_on("mastodon", name="Mastodon – Klinikum")


@pytest.fixture
def comment(sandbox):
    def post(text: str, handle: str = "lena", mention: str = "klinikum") -> dict:
        return mastodon_comment(sandbox, text, handle, mention)

    return post


# --- Meta (Facebook Page, Instagram): the app's webhook settings and a Graph channel ---

META_SECRET = "app-secret-of-the-hospital"


@pytest.fixture
def meta_settings(settings):
    """The hospital's Meta app: webhook secret and verify token, a public address."""
    from carecast.networks.facebook.graph import reset_throttles

    settings.CARECAST_META_APP_SECRET = META_SECRET
    settings.CARECAST_META_WEBHOOK_VERIFY_TOKEN = "hook-token-7f3a"
    settings.CARECAST_PUBLIC_URL = "https://carecast.klinikum-musterstadt.de"
    reset_throttles()
    yield settings
    reset_throttles()


def meta_signature(body: bytes, secret: str = META_SECRET) -> str:
    """``X-Hub-Signature-256`` as Meta signs a webhook body with the app secret."""
    import hashlib
    import hmac

    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def graph_channel(org, sandbox):
    """A Facebook Page or Instagram channel on the sandbox's Graph API."""
    from carecast.networks.models import Channel

    def make(network: str) -> Channel:
        remote = sandbox.add_account(
            network, "klinikum", f"token-{network}", display_name="Klinikum"
        )
        channel = Channel(
            organisation=org,
            network=network,
            name=f"{network} – Klinikum",
            handle="klinikum",
            base_url=f"{sandbox.base_url}/graph",
            remote_user_id=str(remote["id"]),
            is_sandbox=True,
        )
        channel.set_credentials({"access_token": f"token-{network}"})
        channel.save()
        return channel

    return make


@pytest.fixture
def question(mastodon, comment):
    """A visitor's question on the Mastodon channel, fetched into the inbox."""
    from carecast.inbox import fetch
    from carecast.inbox.models import InboxItem

    comment("Wie sind die Besuchszeiten am Sonntag?", handle="jonas")
    fetch.fetch_channel(mastodon)
    return InboxItem.objects.get()
