"""OAuth 2 authorization code + PKCE (RFC 7636), shared by the Mastodon and X flows (Authlib)."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.lib.http import make_client
from carecast.networks.connect.base import ConnectError, Redirect


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
    token = _json(response)
    if response.status_code >= 400 or not token.get("access_token"):
        raise ConnectError(
            _("The network refused the sign-in: %(why)s") % {"why": _oauth_reason(token, response)}
        )
    return token


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _oauth_reason(token: dict[str, Any], response: httpx.Response) -> str:
    why = token.get("error_description") or token.get("error")
    return str(why or _("no access token (HTTP %(status)s)") % {"status": response.status_code})


def expires_at(token: dict[str, Any]) -> dt.datetime | None:
    """When the access token stops working, from ``expires_in`` (seconds); None if it doesn't say."""
    seconds = token.get("expires_in")
    if not seconds:
        return None
    return timezone.now() + dt.timedelta(seconds=int(seconds))
