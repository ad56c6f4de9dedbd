"""Sign-in pages of the sandbox: OAuth 2 authorization code + PKCE, as Mastodon and X speak it.

Mastodon: ``POST /api/v1/apps`` registers a client, ``/oauth/authorize`` shows the consent
page, ``POST /oauth/token`` trades the code (checking the PKCE verifier) for a token.
X: ``/i/oauth2/authorize`` and ``POST /2/oauth2/token`` (authorization code here; refresh
tokens are answered by X's sandbox, ``networks/x/sandbox.py``). The consent page lets the
tester pick which sandbox account signs in, or deny. Apps and codes live in memory, per server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from html import escape
from typing import Any

from carecast.networks.x import sandbox as x_api
from carecast.sandbox.consent import (
    account_choices,
    allowed_account,
    back_to,
    consent_page,
)
from carecast.sandbox.routing import Request, Response, Router
from carecast.sandbox.viewer import page

router = Router()
CODE_SECONDS = 600
_LOCK = threading.Lock()
LABELS = {"mastodon": "Mastodon", "x": "X"}


def _state(req: Request) -> dict[str, dict[str, Any]]:
    """This server's registered apps and unused codes (created on first use)."""
    with _LOCK:
        if not hasattr(req.server, "oauth_state"):
            req.server.oauth_state = {"apps": {}, "codes": {}}  # type: ignore[attr-defined]
        return req.server.oauth_state  # type: ignore[attr-defined]


def _error(status: int, code: str, description: str) -> Response:
    return Response(status, {"error": code, "error_description": description})


# --- Mastodon: app registration -----------------------------------------------------------


@router.route("POST", "/api/v1/apps")
def create_app(req: Request) -> Response:
    name, redirect = req.param("client_name"), req.param("redirect_uris")
    if not name or not redirect:
        return Response(
            422, {"error": "Validation failed: Name can't be blank, Redirect URI can't be blank"}
        )
    app = {
        "id": str(len(_state(req)["apps"]) + 1),
        "name": name,
        "client_id": secrets.token_urlsafe(24),
        "client_secret": secrets.token_urlsafe(32),
        "redirect_uri": redirect,
        "redirect_uris": str(redirect).split(),
        "scopes": str(req.param("scopes") or "read").split(),
        "vapid_key": "",
    }
    _state(req)["apps"][app["client_id"]] = app
    return Response(200, app)


# --- consent ------------------------------------------------------------------------------


@router.route("GET", "/oauth/authorize")
def mastodon_authorize(req: Request) -> Response:
    return _consent(req, "mastodon", "/oauth/authorize")


@router.route("GET", "/i/oauth2/authorize")
def x_authorize(req: Request) -> Response:
    return _consent(req, "x", "/i/oauth2/authorize")


def _consent(req: Request, network: str, action: str) -> Response:
    client_id, redirect = req.arg("client_id") or "", req.arg("redirect_uri") or ""
    problem = _check_client(req, network, client_id, redirect)
    if problem or req.arg("response_type") != "code" or req.arg("code_challenge_method") != "S256":
        return page(
            "Fehler",
            f"<h1>Anmeldung nicht möglich</h1><p>{escape(problem or 'invalid_request')}</p>",
            400,
        )
    keep = {
        k: req.arg(k) or ""
        for k in ("client_id", "redirect_uri", "scope", "state", "code_challenge")
    }
    app = _state(req)["apps"].get(client_id, {}).get("name") or client_id
    return consent_page(
        "Zugriff erlauben",
        f"{LABELS[network]}: Zugriff erlauben?",
        action=action,
        keep=keep,
        choices=account_choices(req.store.accounts(network)),
        allow="Erlauben",
        deny="Ablehnen",
        intro=f"<strong>{escape(app)}</strong> möchte in Ihrem Namen handeln. ",
    )


def _check_client(req: Request, network: str, client_id: str, redirect: str) -> str:
    if network == "x":  # X apps are registered in the developer portal, not over the API
        return "" if client_id and redirect else "client_id and redirect_uri are required"
    app = _state(req)["apps"].get(client_id)
    if app is None:
        return "Client authentication failed due to unknown client"
    if redirect not in app["redirect_uris"]:
        return "The redirect uri included is not valid."
    return ""


@router.route("POST", "/oauth/authorize")
def mastodon_decide(req: Request) -> Response:
    return _decide(req, "mastodon")


@router.route("POST", "/i/oauth2/authorize")
def x_decide(req: Request) -> Response:
    return _decide(req, "x")


def _decide(req: Request, network: str) -> Response:
    redirect = str(req.param("redirect_uri") or "")
    problem = _check_client(req, network, str(req.param("client_id") or ""), redirect)
    if problem:
        return page("Fehler", f"<p>{escape(problem)}</p>", 400)
    answer = {"state": str(req.param("state") or "")}
    handle = allowed_account(req, network)
    if not handle:
        answer["error"] = "access_denied"
        answer["error_description"] = (
            "The resource owner or authorization server denied the request."
        )
    else:
        code = secrets.token_urlsafe(24)
        _state(req)["codes"][code] = {
            "network": network,
            "handle": handle,
            "client_id": str(req.param("client_id")),
            "redirect_uri": redirect,
            "challenge": str(req.param("code_challenge") or ""),
            "scope": str(req.param("scope") or ""),
        }
        answer["code"] = code
    return back_to(redirect, answer)


# --- token --------------------------------------------------------------------------------


@router.route("POST", "/oauth/token")
def mastodon_token(req: Request) -> Response:
    return _token(req, "mastodon")


@router.route("POST", "/2/oauth2/token")
def x_token(req: Request) -> Response:
    if req.param("grant_type") != "authorization_code":
        return x_api.oauth2_token(req)  # refresh tokens: X's rotation lives there
    return _token(req, "x")


def _token(req: Request, network: str) -> Response:
    if req.param("grant_type") != "authorization_code":
        return _error(
            400, "unsupported_grant_type", "The authorization grant type is not supported."
        )
    client_id, secret = _client_credentials(req)
    grant = _state(req)["codes"].pop(str(req.param("code") or ""), None)
    if grant is None or grant["network"] != network or grant["client_id"] != client_id:
        return _error(
            400, "invalid_grant", "The provided authorization grant is invalid, expired or revoked."
        )
    if network == "mastodon" and secret != _state(req)["apps"][client_id]["client_secret"]:
        return _error(401, "invalid_client", "Client authentication failed due to unknown client.")
    if str(req.param("redirect_uri") or "") != grant["redirect_uri"]:
        return _error(400, "invalid_grant", "The redirect uri does not match.")
    if not _pkce_ok(str(req.param("code_verifier") or ""), grant["challenge"]):
        return _error(400, "invalid_grant", "The code verifier does not match the challenge.")
    return Response(200, _issue(req, network, grant))


def _issue(req: Request, network: str, grant: dict[str, Any]) -> dict[str, Any]:
    handle, client_id = grant["handle"], grant["client_id"]
    if network == "mastodon":
        token = req.store.issue_token(network, handle, "access", None, client_id)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "scope": grant["scope"],
            "created_at": 0,
        }
    seconds = x_api.ACCESS_TOKEN_SECONDS
    body = {
        "token_type": "bearer",
        "expires_in": seconds,
        "access_token": req.store.issue_token(network, handle, "access", seconds, client_id),
        "scope": grant["scope"],
    }
    account = req.store.account(network, handle) or {}
    if "offline.access" in grant["scope"].split() and not account.get("options", {}).get(
        "omit_refresh_token"
    ):
        body["refresh_token"] = req.store.issue_token(network, handle, "refresh", None, client_id)
    return body


def _client_credentials(req: Request) -> tuple[str, str]:
    scheme, _, value = (req.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
            return user, password
        except ValueError:
            return "", ""
    return str(req.param("client_id") or ""), str(req.param("client_secret") or "")


def _pkce_ok(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return bool(verifier) and hmac.compare_digest(expected, challenge)
