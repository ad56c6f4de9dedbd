"""Connecting an X account: OAuth 2.0 authorization code with PKCE, user context.

The operator registers one app at developer.x.com and sets ``CARECAST_X_CLIENT_ID`` (and
``CARECAST_X_CLIENT_SECRET`` for a confidential client). ``offline.access`` gets a refresh
token: X's access tokens live two hours, and ``publishing.health`` refreshes them in time.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.lib.http import make_client
from carecast.networks.connect import oauth
from carecast.networks.connect.base import ConnectedAccount, ConnectError

# Posting, media, reading mentions, hiding replies, and a refresh token (offline.access).
SCOPES = (
    "tweet.read tweet.write users.read media.write tweet.moderate.write dm.read dm.write "
    "offline.access"
)


class XFlow(oauth.AppOAuthFlow):
    network = "x"
    client_id_setting = "CARECAST_X_CLIENT_ID"
    authorize_url_setting = "CARECAST_X_AUTHORIZE_URL"
    api_url_setting = "CARECAST_X_API_URL"
    scopes = SCOPES
    missing_app = gettext_lazy(
        "X needs the operator's app registration: CARECAST_X_CLIENT_ID is not set (see the README)."
    )

    def complete(self, pending: dict[str, Any], params: dict[str, str]) -> ConnectedAccount:
        code = oauth.check_callback(pending, params)
        base = pending["base_url"]
        client_id, secret = settings.CARECAST_X_CLIENT_ID, settings.CARECAST_X_CLIENT_SECRET
        token = oauth.exchange(
            f"{base}/2/oauth2/token",
            pending,
            code,
            client_id=client_id,
            client_secret=secret,
            auth_method="client_secret_basic",  # X wants HTTP Basic from confidential clients
        )
        user = _me(base, token["access_token"])
        credentials = {"access_token": token["access_token"], "client_id": client_id}
        if secret:
            credentials["client_secret"] = secret
        if token.get("refresh_token"):  # never store an empty refresh token
            credentials["refresh_token"] = token["refresh_token"]
        return ConnectedAccount(
            remote_user_id=str(user["id"]),
            handle=f"@{user.get('username', '')}",
            base_url=base,
            credentials=credentials,
            token_expires_at=oauth.expires_at(token),
        )


def _me(base: str, access_token: str) -> dict[str, Any]:
    try:
        with make_client(base, headers={"Authorization": f"Bearer {access_token}"}) as http:
            response = http.get("/2/users/me")
    except httpx.HTTPError as exc:
        raise ConnectError(_("X cannot be reached. Please try again.")) from exc
    try:
        user = response.json().get("data") or {}
    except ValueError:
        user = {}
    if response.status_code >= 400 or not user.get("id"):
        raise ConnectError(_("X did not say which account signed in."))
    return user
