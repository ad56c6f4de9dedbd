"""A refused refresh token asks for a reconnect, in the network's words (networks.tokens)."""

from __future__ import annotations

import pytest

from carecast.networks.base import Account, ConnectorError
from carecast.networks.tiktok.connector import TikTokConnector
from carecast.networks.youtube.connector import YouTubeConnector


def _account(base: str) -> Account:
    credentials = {"access_token": "old", "refresh_token": "never-issued", "keep": "me"}
    return Account(base_url=base, handle="@klinikum", credentials=credentials)


def test_it_asks_for_a_reconnect_when_tiktok_refuses_the_refresh_token(sandbox, settings):
    settings.CARECAST_TIKTOK_CLIENT_KEY, settings.CARECAST_TIKTOK_CLIENT_SECRET = "key", "secret"
    connector = TikTokConnector(_account(f"{sandbox.base_url}/tiktok"), timeout=5)
    with pytest.raises(ConnectorError) as refused:
        connector.refresh_token()
    assert refused.value.auth
    assert str(refused.value).startswith("TikTok refused the refresh token: ")
    assert connector.updated_credentials is None


def test_it_names_google_when_it_refuses_a_youtube_refresh_token(sandbox, settings):
    settings.CARECAST_GOOGLE_CLIENT_ID, settings.CARECAST_GOOGLE_CLIENT_SECRET = "id", "secret"
    settings.CARECAST_GOOGLE_TOKEN_URL = f"{sandbox.base_url}/youtube/token"
    connector = YouTubeConnector(_account(f"{sandbox.base_url}/youtube"), timeout=5)
    with pytest.raises(ConnectorError) as refused:
        connector.refresh_token()
    assert refused.value.auth
    assert (
        str(refused.value) == "Google refused the refresh token: Token has been expired or revoked."
    )
    assert connector.updated_credentials is None
