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
