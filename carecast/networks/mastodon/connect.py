"""Connecting an account on any server that speaks the Mastodon client API.

The person types the server; carecast registers itself there once (``POST /api/v1/apps``,
kept in ``ServerApp``), sends the browser to the server's consent page with PKCE, trades
the code for a token, and reads who signed in (``verify_credentials``) and the server's
limits (``/api/v2/instance``, then ``/api/v1/instance`` for servers without v2).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.lib.http import loopback_if_sandbox, make_client
from carecast.networks.connect import oauth
from carecast.networks.connect.base import (
    ConnectedAccount,
    ConnectError,
    FormField,
    OAuthFlow,
    Redirect,
    check_server,
)
from carecast.networks.mastodon import answers

# "read": the inbox reads notifications, the look-back before a resend reads the account's
# own statuses, and granular read:* scopes are not understood by every Mastodon-API server.
# Writing is limited to statuses (posts and replies) and media.
SCOPES = "read write:statuses write:media"
APP_NAME = "carecast"


def server_url(typed: str) -> str:
    """``https://<host>`` from what the person typed (a host, an address or @user@host)."""
    value = typed.strip().rstrip("/")
    if value.startswith("@") or ("@" in value and "://" not in value):
        value = value.rsplit("@", 1)[-1]
    if "://" not in value:
        value = f"https://{value}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ConnectError(_("“%(server)s” is not a server address.") % {"server": typed})
    return f"{parts.scheme}://{parts.netloc}"


class MastodonFlow(OAuthFlow):
    network = "mastodon"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "server",
                gettext_lazy("Server"),
                gettext_lazy(
                    "The address of the Mastodon server, e.g. mastodon.social or social.bund.de."
                ),
            )
        ]

    def begin(self, data: dict[str, str], redirect_uri: str) -> Redirect:
        base = check_server(server_url(data.get("server", "")))
        app = registered_app(base, redirect_uri)
        return oauth.start(
            f"{base}/oauth/authorize",
            client_id=app.client_id,
            redirect_uri=redirect_uri,
            scopes=SCOPES,
            extra={"network": self.network, "base_url": base},
        )

    def complete(self, pending: dict[str, Any], params: dict[str, str]) -> ConnectedAccount:
        code = oauth.check_callback(pending, params)
        base = pending["base_url"]
        app = registered_app(base, pending["redirect_uri"])
        token = oauth.exchange(
            f"{base}/oauth/token",
            pending,
            code,
            client_id=app.client_id,
            client_secret=app.client_secret,
        )
        with make_client(
            base,
            headers={"Authorization": f"Bearer {token['access_token']}"},
            guard=loopback_if_sandbox(),
        ) as http:
            me = _get(http, "/api/v1/accounts/verify_credentials")
            limits = instance_limits(http)
        if not isinstance(me, dict) or not me.get("id"):
            raise ConnectError(_("The server did not say which account signed in."))
        return ConnectedAccount(
            remote_user_id=str(me["id"]),
            handle=f"@{str(me.get('acct') or me.get('username')).split('@')[0]}@{urlsplit(base).netloc}",
            base_url=base,
            credentials={"access_token": token["access_token"]},
            config=limits,
            token_expires_at=oauth.expires_at(token),
        )


def registered_app(base: str, redirect_uri: str):  # noqa: ANN201 - ServerApp (import cycle)
    """carecast's app on ``base`` for this redirect address, registering it the first time."""
    from carecast.networks.models import ServerApp

    found = ServerApp.objects.filter(
        base_url=base, redirect_uri=redirect_uri, scopes=SCOPES
    ).first()
    if found:
        return found
    body = {"client_name": APP_NAME, "redirect_uris": redirect_uri, "scopes": SCOPES}
    with make_client(base, guard=loopback_if_sandbox()) as http:
        try:
            response = http.post("/api/v1/apps", data=body)
        except httpx.HTTPError as exc:
            raise ConnectError(
                _("The server %(server)s cannot be reached.") % {"server": base}
            ) from exc
    data = _json(response)
    if response.status_code >= 400 or not data.get("client_id") or not data.get("client_secret"):
        raise ConnectError(
            _(
                "%(server)s did not accept carecast as an app (HTTP %(status)s). Is it a Mastodon server?"
            )
            % {"server": base, "status": response.status_code}
        )
    app = ServerApp(
        base_url=base, redirect_uri=redirect_uri, scopes=SCOPES, client_id=data["client_id"]
    )
    app.client_secret = data["client_secret"]
    app.save()
    return app


def instance_limits(http: httpx.Client) -> dict[str, Any]:
    """The server's limits: v2 instance first, v1 for servers that have no v2."""
    for path in ("/api/v2/instance", "/api/v1/instance"):
        try:
            instance = _get(http, path)
        except ConnectError:
            continue
        if isinstance(instance, dict):
            return answers.instance_limits(instance)  # the same reading as a live refresh
    return {}


def _get(http: httpx.Client, path: str) -> Any:
    try:
        response = http.get(path)
    except httpx.HTTPError as exc:
        raise ConnectError(_("The server cannot be reached.")) from exc
    if response.status_code in (401, 403):
        raise ConnectError(_("The server did not accept the new access. Please start again."))
    if response.status_code >= 400:
        raise ConnectError(
            _("The server answered HTTP %(status)s.") % {"status": response.status_code}
        )
    return _json(response)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}
