"""Connecting a Facebook Page (and, in ``instagram.connect``, its Instagram account).

Facebook Login for Business, manual flow
(https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow):
the person picks the Pages to grant in Meta's dialog; carecast trades the code for a user
token (``GET /oauth/access_token``), that for a long-lived one (``grant_type=fb_exchange_token``,
https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived),
and reads the granted Pages with their Page tokens (``GET /me/accounts``,
https://developers.facebook.com/docs/pages-api/getting-started). A Page token got from a
long-lived user token does not expire. One channel per connect: several granted Pages are
told apart by the "Page" field of the start form.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.lib.http import make_client
from carecast.networks.connect import oauth
from carecast.networks.connect.base import (
    ConnectedAccount,
    ConnectError,
    FormField,
)
from carecast.networks.facebook.graph import GRAPH_VERSION

log = logging.getLogger(__name__)

# Posting as the Page, reading its posts and comments, hiding comments, listing Pages.
SCOPES = "pages_show_list pages_manage_posts pages_read_engagement pages_manage_engagement"
# Subscribing the Page to the app's webhooks and answering its private messages (only asked
# for when webhooks are configured: messages arrive only through them).
WEBHOOK_SCOPE = "pages_manage_metadata pages_messaging"
WEBHOOK_FIELDS = "feed,messages"
PAGE_FIELDS = "id,name,access_token,tasks,instagram_business_account{id,username}"


class MetaLoginFlow(oauth.AppOAuthFlow):
    """Facebook Login for Business; subclasses turn the chosen Page into their account."""

    client_id_setting = "CARECAST_META_APP_ID"
    authorize_url_setting = "CARECAST_META_DIALOG_URL"
    api_url_setting = "CARECAST_META_GRAPH_URL"
    missing_app = gettext_lazy(
        "Facebook and Instagram need the hospital's Meta app: CARECAST_META_APP_ID is "
        "not set (see the README)."
    )

    @property
    def scopes(self) -> str:  # type: ignore[override]
        if settings.CARECAST_META_WEBHOOK_VERIFY_TOKEN:
            return f"{SCOPES} {WEBHOOK_SCOPE}"
        return SCOPES

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "page",
                gettext_lazy("Page"),
                gettext_lazy("Name or id of the Page, if you grant more than one."),
            )
        ]

    def scope(self) -> str:
        return self.scopes.replace(" ", ",")  # Meta's dialog separates scopes with commas

    def remember(self, data: dict[str, str]) -> dict[str, Any]:
        return {"page": data.get("page", "")}

    def complete(self, pending: dict[str, Any], params: dict[str, str]) -> ConnectedAccount:
        code = oauth.check_callback(pending, params)
        base = pending["base_url"]
        app = {
            "client_id": settings.CARECAST_META_APP_ID,
            "client_secret": settings.CARECAST_META_APP_SECRET,
        }
        short = _graph(
            base,
            "oauth/access_token",
            {**app, "redirect_uri": pending["redirect_uri"], "code": code},
        )
        exchange = {
            **app,
            "grant_type": "fb_exchange_token",
            "fb_exchange_token": short["access_token"],
        }
        long_lived = _graph(base, "oauth/access_token", exchange)
        pages = _graph(base, "me/accounts", {"fields": PAGE_FIELDS}, long_lived["access_token"])
        page = choose_page(pages.get("data") or [], pending.get("page", ""))
        if settings.CARECAST_META_WEBHOOK_VERIFY_TOKEN:
            subscribe_page(base, page)
        return self.account_for(base, page, pending)

    def account_for(
        self, base: str, page: dict[str, Any], pending: dict[str, Any]
    ) -> ConnectedAccount:
        raise NotImplementedError


class FacebookFlow(MetaLoginFlow):
    network = "facebook"

    def account_for(
        self, base: str, page: dict[str, Any], pending: dict[str, Any]
    ) -> ConnectedAccount:
        return ConnectedAccount(
            remote_user_id=str(page["id"]),
            handle=str(page.get("name") or page["id"]),
            base_url=base,
            credentials={"access_token": str(page["access_token"])},
        )


def choose_page(pages: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    """The Page the person asked for, or the only one granted; ``ConnectError`` otherwise."""
    usable = [p for p in pages if isinstance(p, dict) and p.get("id") and p.get("access_token")]
    if not usable:
        raise ConnectError(_("No Facebook Page was granted. Please sign in again and pick one."))
    wanted = wanted.strip().casefold()
    if wanted:
        for page in usable:
            if wanted in (str(page["id"]).casefold(), str(page.get("name", "")).casefold()):
                return page
    if len(usable) == 1 and not wanted:
        return usable[0]
    names = ", ".join(str(p.get("name") or p["id"]) for p in usable)
    raise ConnectError(
        _("Please name the Page to connect in the “Page” field: %(names)s") % {"names": names}
    )


def subscribe_page(base: str, page: dict[str, Any]) -> bool:
    """Ask Meta to send this Page's comment and message events (and its Instagram account's)
    to the app's webhook: ``POST /{page-id}/subscribed_apps?subscribed_fields=feed,messages``
    with the Page
    token (https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/).
    A refusal is logged, not fatal: polling reads the comments anyway."""
    headers = {"Authorization": f"Bearer {page['access_token']}"}
    try:
        with make_client(base, headers=headers) as http:
            response = http.post(
                f"/{GRAPH_VERSION}/{page['id']}/subscribed_apps",
                data={"subscribed_fields": WEBHOOK_FIELDS},
            )
        done = response.status_code == 200 and response.json().get("success") is True
    except (httpx.HTTPError, ValueError, AttributeError):
        done = False
    if not done:
        log.warning("Page %s: webhook subscription refused; comments are polled", page["id"])
    return done


def _graph(base: str, path: str, params: dict[str, str], token: str = "") -> dict[str, Any]:
    """One GET to the Graph API during sign-in; ``ConnectError`` with Meta's words if refused."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with make_client(base, headers=headers) as http:
            response = http.get(f"/{GRAPH_VERSION}/{path}", params=params)
    except httpx.HTTPError as exc:
        raise ConnectError(_("Facebook cannot be reached. Please try again.")) from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 or not isinstance(body, dict) or "error" in body:
        error = body.get("error") if isinstance(body, dict) else None
        why = error.get("message") if isinstance(error, dict) else response.status_code
        raise ConnectError(_("Facebook refused the sign-in: %(why)s") % {"why": why})
    return body
