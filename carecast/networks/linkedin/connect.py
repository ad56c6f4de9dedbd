"""Connecting a LinkedIn organisation page: 3-legged OAuth
(https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow),
then the organisations the person administers (``GET /rest/organizationAcls?q=roleAssignee``,
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role).
Access tokens live 60 days; a refresh token comes only to apps LinkedIn enabled for it, so
the channel shows "reconnect" before ``token_expires_at`` otherwise."""

from __future__ import annotations

from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.lib.http import make_client
from carecast.networks.connect import oauth
from carecast.networks.connect.base import (
    ConnectedAccount,
    ConnectError,
    FormField,
    OAuthFlow,
    Redirect,
)
from carecast.networks.linkedin.connector import LINKEDIN_VERSION

# Posting as and reading the organisation, and listing the organisations one administers.
SCOPES = "w_organization_social r_organization_social rw_organization_admin"


class LinkedInFlow(OAuthFlow):
    network = "linkedin"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "organisation",
                gettext_lazy("Organisation"),
                gettext_lazy("Name or id of the organisation page, if you administer several."),
            )
        ]

    def available(self) -> str:
        if not settings.CARECAST_LINKEDIN_CLIENT_ID:
            return _(
                "LinkedIn needs the hospital's LinkedIn app: CARECAST_LINKEDIN_CLIENT_ID is "
                "not set (see the README)."
            )
        return ""

    def begin(self, data: dict[str, str], redirect_uri: str) -> Redirect:
        if self.available():
            raise ConnectError(self.available())
        state = generate_token(32)
        url = prepare_grant_uri(
            f"{settings.CARECAST_LINKEDIN_OAUTH_URL}/authorization",
            settings.CARECAST_LINKEDIN_CLIENT_ID,
            "code",
            redirect_uri=redirect_uri,
            scope=SCOPES,
            state=state,
        )
        pending = {
            "network": self.network,
            "state": state,
            "redirect_uri": redirect_uri,
            "organisation": data.get("organisation", ""),
            "base_url": settings.CARECAST_LINKEDIN_API_URL.rstrip("/"),
        }
        return Redirect(url=url, pending=pending)

    def complete(self, pending: dict[str, Any], params: dict[str, str]) -> ConnectedAccount:
        code = oauth.check_callback(pending, params)
        token = _token(code, pending["redirect_uri"])
        base, access = pending["base_url"], token["access_token"]
        acls = _get(
            base, "/rest/organizationAcls", access, {"q": "roleAssignee", "role": "ADMINISTRATOR"}
        )
        orgs = [
            _get(base, f"/rest/organizations/{_org_id(a)}", access)
            for a in acls.get("elements") or []
        ]
        org = choose(orgs, pending.get("organisation", ""))
        credentials = {"access_token": access}
        if token.get("refresh_token"):
            credentials["refresh_token"] = token["refresh_token"]
        return ConnectedAccount(
            remote_user_id=str(org["id"]),
            handle=str(org.get("localizedName") or org["id"]),
            base_url=base,
            credentials=credentials,
            token_expires_at=oauth.expires_at(token),
        )


def _org_id(acl: dict[str, Any]) -> str:
    return str(acl.get("organization") or "").rsplit(":", 1)[-1]


def choose(orgs: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    """The organisation asked for, or the only one; ``ConnectError`` listing them otherwise."""
    if not orgs:
        raise ConnectError(_("You administer no LinkedIn organisation page."))
    wanted = wanted.strip().casefold()
    for org in orgs:
        if wanted and wanted in (str(org.get("id")), str(org.get("localizedName", "")).casefold()):
            return org
    if len(orgs) == 1 and not wanted:
        return orgs[0]
    names = ", ".join(str(o.get("localizedName") or o.get("id")) for o in orgs)
    raise ConnectError(
        _("Please name the organisation in the “Organisation” field: %(names)s") % {"names": names}
    )


def _token(code: str, redirect_uri: str) -> dict[str, Any]:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": settings.CARECAST_LINKEDIN_CLIENT_ID,
        "client_secret": settings.CARECAST_LINKEDIN_CLIENT_SECRET,
    }
    return _call("POST", f"{settings.CARECAST_LINKEDIN_OAUTH_URL}/accessToken", data=data)


def _get(base: str, path: str, token: str, params: dict[str, str] | None = None) -> dict[str, Any]:
    headers = {
        "Authorization": f"Bearer {token}",
        "LinkedIn-Version": settings.CARECAST_LINKEDIN_VERSION or LINKEDIN_VERSION,
        "X-Restli-Protocol-Version": "2.0.0",
    }
    return _call("GET", f"{base}{path}", params=params or {}, headers=headers)


def _call(method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        with make_client() as http:
            response = http.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise ConnectError(_("LinkedIn cannot be reached. Please try again.")) from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 or not isinstance(body, dict):
        why = (
            (body or {}).get("message")
            or (body or {}).get("error_description")
            or response.status_code
        )
        raise ConnectError(_("LinkedIn refused the sign-in: %(why)s") % {"why": why})
    return body
