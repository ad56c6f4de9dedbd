"""Renewing an OAuth 2 access token with the refresh token (RFC 6749, section 6).

TikTok, YouTube and LinkedIn ask the same thing of their token endpoint; what differs is the
address, the client's names for its id, and how long a token lives when the answer omits it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from carecast.lib.http import error_from_exception, json_object
from carecast.networks.base import ConnectorError


def refresh_grant(
    client: httpx.Client,
    url: str,
    client_data: dict[str, str],
    refresh: str,
    *,
    label: str,
    issuer: str = "",
) -> dict[str, Any]:
    """The token answer to ``grant_type=refresh_token``; ``ConnectorError`` if refused.

    A refusal is ``auth`` (reconnect), unless the server failed (5xx): that one passes.
    ``issuer`` names who refused where that is not the network itself (Google for YouTube).
    """
    issuer = issuer or label
    data = {**client_data, "grant_type": "refresh_token", "refresh_token": refresh}
    try:
        response = client.post(url, data=data)
    except httpx.HTTPError as exc:
        raise error_from_exception(exc, False, network_label=label) from exc
    token = json_object(response)
    if response.status_code >= 400 or not token.get("access_token"):
        why = token.get("error_description") or token.get("error") or response.status_code
        if response.status_code >= 500:
            raise ConnectorError(f"{issuer} could not refresh the token: {why}")
        raise ConnectorError(f"{issuer} refused the refresh token: {why}", auth=True)
    return token


def renewed(
    credentials: dict[str, str], token: dict[str, Any], refresh: str, default_seconds: int
) -> dict[str, str]:
    """The stored credentials with the new token; the old refresh token if none came back."""
    seconds = int(token.get("expires_in") or default_seconds)
    expires = datetime.now(UTC) + timedelta(seconds=seconds)
    return {
        **credentials,
        "access_token": str(token["access_token"]),
        "refresh_token": str(token.get("refresh_token") or refresh),
        "expires_at": expires.isoformat(timespec="seconds"),
    }
