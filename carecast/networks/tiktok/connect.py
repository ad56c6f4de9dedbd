"""Connecting a TikTok account: Login Kit for Web
(https://developers.tiktok.com/doc/login-kit-web) with the scopes ``user.info.basic`` (who
the account is), ``video.publish`` (Direct Post), ``video.list`` and ``user.info.stats`` (the
numbers analytics reads), PKCE (S256), then the token exchange
(https://developers.tiktok.com/doc/oauth-user-access-token-management): access tokens live
24 hours, refresh tokens a year; the health check refreshes before expiry."""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.lib.http import json_object, make_client
from carecast.networks.connect import oauth
from carecast.networks.connect.base import ConnectedAccount, ConnectError, Redirect

# video.list and user.info.stats: the counts of each video and the followers (analytics).
SCOPES = "user.info.basic,video.publish,video.list,user.info.stats"


class TikTokFlow(oauth.AppOAuthFlow):
    network = "tiktok"
    client_id_setting = "CARECAST_TIKTOK_CLIENT_KEY"
    authorize_url_setting = "CARECAST_TIKTOK_AUTHORIZE_URL"
    api_url_setting = "CARECAST_TIKTOK_API_URL"
    scopes = SCOPES
    missing_app = gettext_lazy(
        "TikTok needs the hospital's TikTok app: CARECAST_TIKTOK_CLIENT_KEY is not set "
        "(see the README)."
    )

    def adapt(self, redirect: Redirect) -> Redirect:
        # TikTok names the client id ``client_key``.
        return Redirect(redirect.url.replace("client_id=", "client_key=", 1), redirect.pending)

    def complete(self, pending: dict[str, Any], params: dict[str, str]) -> ConnectedAccount:
        code = oauth.check_callback(pending, params)
        base = str(pending["base_url"]).rstrip("/")
        token = _post(
            f"{base}/v2/oauth/token/",
            {
                "client_key": settings.CARECAST_TIKTOK_CLIENT_KEY,
                "client_secret": settings.CARECAST_TIKTOK_CLIENT_SECRET,
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": pending["redirect_uri"],
                "code_verifier": pending["verifier"],
            },
        )
        granted = set(str(token.get("scope") or "").split(","))
        if "video.publish" not in granted:
            raise ConnectError(
                _("TikTok did not grant permission to publish videos. Please allow it.")
            )
        user = _user(base, token["access_token"])
        expires = oauth.expires_at(token)
        credentials = {
            "access_token": str(token["access_token"]),
            "refresh_token": str(token.get("refresh_token") or ""),
            "expires_at": expires.isoformat(timespec="seconds") if expires else "",
        }
        return ConnectedAccount(
            remote_user_id=str(token.get("open_id") or user.get("open_id") or ""),
            handle=f"@{user.get('username') or user.get('display_name')}",
            base_url=base,
            credentials=credentials,
            config=_creator(base, token["access_token"]),
            token_expires_at=expires,
        )


def _creator(base: str, token: str) -> dict[str, Any]:
    """What the composer shows until the post (which reads it again): the creator's
    nickname, privacy levels, disabled interactions and longest video (for the limits)."""
    keep = (
        "creator_nickname",
        "creator_username",
        "privacy_level_options",
        "comment_disabled",
        "duet_disabled",
        "stitch_disabled",
        "max_video_post_duration_sec",
    )
    try:
        with make_client() as http:
            response = http.post(
                f"{base}/v2/post/publish/creator_info/query/",
                headers={"Authorization": f"Bearer {token}"},
                json={},
            )
    except httpx.HTTPError:
        return {}  # read again before each post; the composer offers every level meanwhile
    data = json_object(response).get("data")
    return {k: data[k] for k in keep if k in data} if isinstance(data, dict) else {}


def _post(url: str, data: dict[str, str]) -> dict[str, Any]:
    try:
        with make_client() as http:
            response = http.post(url, data=data)
    except httpx.HTTPError as exc:
        raise ConnectError(_("TikTok cannot be reached. Please try again.")) from exc
    body = json_object(response)
    if response.status_code >= 400 or not body.get("access_token"):
        why = body.get("error_description") or body.get("error") or response.status_code
        raise ConnectError(_("TikTok refused the sign-in: %(why)s") % {"why": why})
    return body


def _user(base: str, token: str) -> dict[str, Any]:
    try:
        with make_client() as http:
            response = http.get(
                f"{base}/v2/user/info/",
                params={"fields": "open_id,display_name,username"},
                headers={"Authorization": f"Bearer {token}"},
            )
    except httpx.HTTPError as exc:
        raise ConnectError(_("TikTok cannot be reached. Please try again.")) from exc
    user = (json_object(response).get("data") or {}).get("user")
    if response.status_code >= 400 or not isinstance(user, dict):
        raise ConnectError(_("TikTok did not say which account signed in."))
    return user
