"""OAuth 2 authorization code + PKCE (RFC 7636), shared by the networks' sign-in flows (Authlib).

``AppOAuthFlow`` is the start every flow through the hospital's own app registration has in
common (X, Threads, TikTok, YouTube, Facebook and Instagram): the app id from the settings,
a fresh state and PKCE challenge, and the API address remembered for ``complete``.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any, ClassVar

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from carecast.lib.http import json_object, make_client
from carecast.networks.connect.base import ConnectError, OAuthFlow, Redirect


def start(
    authorize_url: str, *, client_id: str, redirect_uri: str, scopes: str, extra: dict[str, Any]
) -> Redirect:
    """The authorization address with a fresh state and PKCE challenge (S256).

    ``pending`` keeps the verifier and state for ``finish``; it lives in the server-side
    session only, never in the browser.
    """
    verifier, state = generate_token(64), generate_token(32)
    url = prepare_grant_uri(
        authorize_url,
        client_id,
        "code",
        redirect_uri=redirect_uri,
        scope=scopes,
        state=state,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    pending = {**extra, "state": state, "verifier": verifier, "redirect_uri": redirect_uri}
    return Redirect(url=url, pending=pending)


def check_callback(pending: dict[str, Any], params: dict[str, str]) -> str:
    """The authorization code from the callback; ``ConnectError`` if denied or forged."""
    if not hmac.compare_digest(str(params.get("state", "")), str(pending.get("state", ""))):
        raise ConnectError(_("The sign-in answer did not match this request. Please start again."))
    if params.get("error"):
        raise ConnectError(_("The network did not grant access: %(why)s") % {"why": _why(params)})
    code = params.get("code", "")
    if not code:
        raise ConnectError(_("The network sent no authorization code. Please start again."))
    return code


def _why(params: dict[str, str]) -> str:
    return params.get("error_description") or params.get("error", "")


def exchange(
    token_url: str,
    pending: dict[str, Any],
    code: str,
    *,
    client_id: str,
    client_secret: str,
    auth_method: str = "client_secret_post",
) -> dict[str, Any]:
    """Trade the code (and the PKCE verifier) for tokens; ``ConnectError`` if refused.

    ``auth_method``: ``client_secret_basic`` (HTTP Basic, X) or ``client_secret_post``
    (in the body, Mastodon); a client without secret sends only its id (public client).
    """
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": pending["redirect_uri"],
        "code_verifier": pending["verifier"],
    }
    auth: Any = None
    if client_secret and auth_method == "client_secret_basic":
        auth = httpx.BasicAuth(client_id, client_secret)
    else:
        data["client_id"] = client_id
        if client_secret:
            data["client_secret"] = client_secret
    try:
        with make_client() as http:
            response = http.post(token_url, data=data, auth=auth)
    except httpx.HTTPError as exc:
        raise ConnectError(_("The network cannot be reached. Please try again.")) from exc
    token = json_object(response)
    if response.status_code >= 400 or not token.get("access_token"):
        raise ConnectError(
            _("The network refused the sign-in: %(why)s") % {"why": _oauth_reason(token, response)}
        )
    return token


def _oauth_reason(token: dict[str, Any], response: httpx.Response) -> str:
    why = token.get("error_description") or token.get("error")
    return str(why or _("no access token (HTTP %(status)s)") % {"status": response.status_code})


def expires_at(token: dict[str, Any]) -> dt.datetime | None:
    """When the access token stops working, from ``expires_in`` (seconds); None if it doesn't say."""
    seconds = token.get("expires_in")
    if not seconds:
        return None
    return timezone.now() + dt.timedelta(seconds=int(seconds))


class AppOAuthFlow(OAuthFlow):
    """A sign-in through the hospital's app at the network; subclasses name its settings.

    ``available`` and ``begin`` are the same for every such network; the hooks ``scope``,
    ``remember`` and ``adapt`` carry what one network does differently.
    """

    client_id_setting: ClassVar[str]  # e.g. "CARECAST_X_CLIENT_ID"
    authorize_url_setting: ClassVar[str]
    api_url_setting: ClassVar[str]  # remembered as ``base_url`` for ``complete``
    missing_app: ClassVar[str | Promise]  # why the flow cannot run without the app id
    scopes: str

    @property
    def client_id(self) -> str:
        return str(getattr(settings, self.client_id_setting))

    def available(self) -> str:
        return "" if self.client_id else str(self.missing_app)

    def begin(self, data: dict[str, str], redirect_uri: str) -> Redirect:
        if self.available():
            raise ConnectError(self.available())
        base_url = str(getattr(settings, self.api_url_setting)).rstrip("/")
        redirect = start(
            getattr(settings, self.authorize_url_setting),
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            scopes=self.scope(),
            extra={"network": self.network, "base_url": base_url, **self.remember(data)},
        )
        return self.adapt(redirect)

    def scope(self) -> str:
        """The scopes as the network wants them in the address."""
        return self.scopes

    def remember(self, data: dict[str, str]) -> dict[str, Any]:
        """What of the start form ``complete`` needs (kept in the session with the state)."""
        return {}

    def adapt(self, redirect: Redirect) -> Redirect:
        """The network's own changes to the authorization address."""
        return redirect
