"""Who may read ``/metrics``: a bearer token, or an address on the allowlist.

The numbers say how busy the hospital's desk is and which networks fail; they are not
for the public. Behind a proxy REMOTE_ADDR is the proxy, so scrape the web processes
directly (see docs/operating.md) or use the token.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _allowed_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in settings.CARECAST_METRICS_ALLOW:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _valid_token(request: HttpRequest) -> bool:
    expected = settings.CARECAST_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given.removeprefix("Bearer ").encode(), expected.encode())


def may_read_metrics(request: HttpRequest) -> bool:
    return _valid_token(request) or _allowed_address(request.META.get("REMOTE_ADDR", ""))
