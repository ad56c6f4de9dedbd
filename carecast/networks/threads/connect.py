"""Connecting a Threads profile: Threads' own OAuth
(https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions):
``threads.net/oauth/authorize`` → ``POST /oauth/access_token`` (short-lived, one hour) →
``GET /access_token?grant_type=th_exchange_token`` (long-lived, 60 days, refreshed by
``ThreadsConnector.refresh_token`` before it runs out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.lib.http import make_client
from carecast.networks.connect import oauth
from carecast.networks.connect.base import ConnectedAccount, ConnectError

# Reading the profile, publishing, reading and hiding replies.
SCOPES = "threads_basic,threads_content_publish,threads_read_replies,threads_manage_replies"


class ThreadsFlow(oauth.AppOAuthFlow):
    network = "threads"
    client_id_setting = "CARECAST_THREADS_APP_ID"
    authorize_url_setting = "CARECAST_THREADS_AUTHORIZE_URL"
    api_url_setting = "CARECAST_THREADS_API_URL"
    scopes = SCOPES
    missing_app = gettext_lazy(
        "Threads needs the hospital's Threads app: CARECAST_THREADS_APP_ID is not set "
        "(see the README)."
    )

    def complete(self, pending: dict[str, Any], params: dict[str, str]) -> ConnectedAccount:
        code = oauth.check_callback(pending, params)
        base, secret = pending["base_url"], settings.CARECAST_THREADS_APP_SECRET
        short = _call(
            base,
            "POST",
            "/oauth/access_token",
            {
                "client_id": settings.CARECAST_THREADS_APP_ID,
                "client_secret": secret,
                "grant_type": "authorization_code",
                "redirect_uri": pending["redirect_uri"],
                "code": code,
            },
        )
        exchange = {
            "grant_type": "th_exchange_token",
            "client_secret": secret,
            "access_token": short["access_token"],
        }
        long_lived = _call(base, "GET", "/access_token", exchange)
        me = _call(
            base,
            "GET",
            "/v1.0/me",
            {"fields": "id,username", "access_token": long_lived["access_token"]},
        )
        public_base = str(pending.get("redirect_uri", "")).split("/channels/")[0]
        return ConnectedAccount(
            remote_user_id=str(me["id"]),
            handle=f"@{me.get('username', '')}",
            base_url=base,
            credentials={"access_token": str(long_lived["access_token"])},
            config={"public_base": public_base},
            token_expires_at=timezone.now()
            + dt.timedelta(seconds=int(long_lived.get("expires_in") or 0)),
        )


def _call(base: str, method: str, path: str, params: dict[str, str]) -> dict[str, Any]:
    try:
        with make_client(base) as http:
            if method == "POST":
                response = http.post(path, data=params)
            else:
                response = http.get(path, params=params)
    except httpx.HTTPError as exc:
        raise ConnectError(_("Threads cannot be reached. Please try again.")) from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 or not isinstance(body, dict) or "error" in body:
        error = body.get("error") if isinstance(body, dict) else None
        why = error.get("message") if isinstance(error, dict) else response.status_code
        raise ConnectError(_("Threads refused the sign-in: %(why)s") % {"why": why})
    return body
