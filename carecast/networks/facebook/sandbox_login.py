"""Facebook Login for Business in the sandbox: the dialog, the token exchanges, ``/me/accounts``.

``/fb/<version>/dialog/oauth`` shows the Pages of the sandbox as checkboxes (Meta's dialog
lets the person pick which Pages to grant); ``/graph/<version>/oauth/access_token`` answers a
code with a short-lived user token and ``fb_exchange_token`` with a long-lived one (about 60
days); ``/graph/<version>/me/accounts`` lists the granted Pages with fresh Page tokens and
their linked Instagram account. Grants and user tokens live in memory, per server.
"""

from __future__ import annotations

import secrets
import threading
from html import escape
from typing import Any

from carecast.networks.facebook.sandbox import error, ok
from carecast.sandbox.consent import back_to, consent_page
from carecast.sandbox.routing import Request, Response, Router
from carecast.sandbox.viewer import page as html_page

router = Router()
SHORT_SECONDS, LONG_SECONDS = 3600, 5_183_944
_LOCK = threading.Lock()


def _state(req: Request) -> dict[str, dict[str, Any]]:
    with _LOCK:
        if not hasattr(req.server, "meta_login"):
            req.server.meta_login = {"codes": {}, "users": {}}  # type: ignore[attr-defined]
        return req.server.meta_login  # type: ignore[attr-defined]


@router.route("GET", "/fb/<version>/dialog/oauth")
def dialog(req: Request, version: str) -> Response:
    keep = {k: req.arg(k) or "" for k in ("client_id", "redirect_uri", "scope", "state")}
    if not keep["client_id"] or not keep["redirect_uri"]:
        return html_page("Fehler", "<h1>Anmeldung nicht möglich</h1><p>client_id</p>", 400)
    pages = "".join(
        f'<p><label><input type="checkbox" name="page" value="{escape(p["user_id"])}" checked> '
        f"{escape(p['display_name'])}</label></p>"
        for p in req.store.accounts("facebook")
        if not p["options"].get("person")
    )
    return consent_page(
        "Facebook-Anmeldung",
        "Facebook: Mit carecast fortfahren?",
        action=f"/fb/{version}/dialog/oauth",
        keep=keep,
        choices=pages or "<p>Keine Seiten in der Sandbox.</p>",
        allow="Weiter",
        question="Für welche Seiten soll carecast handeln?",
    )


@router.route("POST", "/fb/<version>/dialog/oauth")
def decide(req: Request, version: str) -> Response:
    redirect = str(req.param("redirect_uri") or "")
    answer = {"state": str(req.param("state") or "")}
    chosen = [str(p) for p in req.param_list("page")]
    if req.param("decision") != "allow" or not chosen:
        answer.update(
            error="access_denied", error_reason="user_denied", error_description="Permissions error"
        )
    else:
        code = secrets.token_urlsafe(24)
        _state(req)["codes"][code] = {
            "client_id": str(req.param("client_id") or ""),
            "redirect_uri": redirect,
            "pages": chosen,
        }
        answer["code"] = code
    return back_to(redirect, answer)


@router.route("GET", "/graph/<version>/oauth/access_token")
def access_token(req: Request, version: str) -> Response:
    state = _state(req)
    if req.arg("grant_type") == "fb_exchange_token":
        user = state["users"].get(req.arg("fb_exchange_token") or "")
        if user is None:
            return error(400, 190, "Error validating access token: Invalid OAuth access token.")
        return _user_token(state, user["pages"], LONG_SECONDS)
    grant = state["codes"].pop(req.arg("code") or "", None)
    if grant is None or grant["redirect_uri"] != (req.arg("redirect_uri") or ""):
        return error(400, 100, "Invalid verification code format.", 36009)
    if grant["client_id"] != (req.arg("client_id") or "") or not req.arg("client_secret"):
        return error(400, 1, "Error validating client secret.")
    return _user_token(state, grant["pages"], SHORT_SECONDS)


def _user_token(state: dict[str, Any], pages: list[str], seconds: int) -> Response:
    token = f"fb-user-{secrets.token_urlsafe(20)}"
    state["users"][token] = {"pages": pages}
    return Response(200, {"access_token": token, "token_type": "bearer", "expires_in": seconds})


@router.route("GET", "/graph/<version>/me/accounts")
def accounts(req: Request, version: str) -> Response:
    user = _state(req)["users"].get(req.bearer or str(req.param("access_token") or ""))
    if user is None:
        return error(400, 190, "Invalid OAuth access token - Cannot parse access token")
    data = []
    for page_id in user["pages"]:
        page = req.store.account_by_id("facebook", page_id)
        if page is None:
            continue
        token = req.store.issue_token("facebook", page["handle"], "access", None)
        item: dict[str, Any] = {
            "id": page_id,
            "name": page["display_name"],
            "access_token": token,
            "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
        }
        linked = req.store.account_by_id("instagram", page["options"].get("instagram_id") or "")
        if linked is not None:
            item["instagram_business_account"] = {
                "id": linked["user_id"],
                "username": linked["handle"],
            }
            # The Page token acts for the linked Instagram account, as on graph.facebook.com.
            req.store.store_token("instagram", linked["handle"], token, "access", None)
        data.append(item)
    return ok(req, {"data": data, "paging": {}})
