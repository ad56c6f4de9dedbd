"""Connecting a YouTube channel: Google's OAuth 2.0 for web server apps
(https://developers.google.com/identity/protocols/oauth2/web-server) with PKCE,
``access_type=offline`` (a refresh token; access tokens live an hour) and the scopes
``youtube.upload`` (videos.insert), ``youtube.readonly`` (which channel signed in,
https://developers.google.com/youtube/v3/docs/channels/list with ``mine=true``) and
``youtube.force-ssl`` (captions.insert: the story's captions file beside the video,
https://developers.google.com/youtube/v3/docs/captions/insert)."""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.lib.http import make_client
from carecast.networks.connect import oauth
from carecast.networks.connect.base import ConnectedAccount, ConnectError, Redirect

SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload "
    "https://www.googleapis.com/auth/youtube.readonly "
    # captions.insert accepts no narrower scope; without it captions are skipped, not the video.
    "https://www.googleapis.com/auth/youtube.force-ssl"
)


class YouTubeFlow(oauth.AppOAuthFlow):
    network = "youtube"
    client_id_setting = "CARECAST_GOOGLE_CLIENT_ID"
    authorize_url_setting = "CARECAST_GOOGLE_AUTHORIZE_URL"
    api_url_setting = "CARECAST_YOUTUBE_API_URL"
    scopes = SCOPES
    missing_app = gettext_lazy(
        "YouTube needs the hospital's Google app: CARECAST_GOOGLE_CLIENT_ID is not set "
        "(see the README)."
    )

    def adapt(self, redirect: Redirect) -> Redirect:
        # A refresh token comes only with offline access, and again only with consent.
        return Redirect(f"{redirect.url}&access_type=offline&prompt=consent", redirect.pending)

    def complete(self, pending: dict[str, Any], params: dict[str, str]) -> ConnectedAccount:
        code = oauth.check_callback(pending, params)
        token = oauth.exchange(
            settings.CARECAST_GOOGLE_TOKEN_URL,
            pending,
            code,
            client_id=settings.CARECAST_GOOGLE_CLIENT_ID,
            client_secret=settings.CARECAST_GOOGLE_CLIENT_SECRET,
        )
        granted = str(token.get("scope") or "")
        if "youtube.upload" not in granted:
            raise ConnectError(
                _("Google did not grant permission to upload videos. Please allow it.")
            )
        base = str(pending["base_url"]).rstrip("/")
        channel = _channel(base, str(token["access_token"]))
        expires = oauth.expires_at(token)
        credentials = {
            "access_token": str(token["access_token"]),
            "refresh_token": str(token.get("refresh_token") or ""),
            "expires_at": expires.isoformat(timespec="seconds") if expires else "",
            # What Google granted: captions need youtube.force-ssl (see the connector).
            "scope": granted,
        }
        snippet = channel.get("snippet") or {}
        return ConnectedAccount(
            remote_user_id=str(channel.get("id") or ""),
            handle=str(snippet.get("customUrl") or snippet.get("title") or channel.get("id")),
            base_url=base,
            credentials=credentials,
            token_expires_at=expires,
        )


def _channel(base: str, token: str) -> dict[str, Any]:
    try:
        with make_client() as http:
            response = http.get(
                f"{base}/youtube/v3/channels",
                params={"part": "snippet", "mine": "true"},
                headers={"Authorization": f"Bearer {token}"},
            )
    except httpx.HTTPError as exc:
        raise ConnectError(_("YouTube cannot be reached. Please try again.")) from exc
    try:
        items = response.json().get("items") or []
    except (ValueError, AttributeError):
        items = []
    if response.status_code >= 400 or not items:
        raise ConnectError(_("This Google account has no YouTube channel."))
    return items[0]
