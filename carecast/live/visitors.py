"""Who a visitor is, without knowing who they are: a random cookie and a keyed hash.

The cookie holds a random id; the database only ever sees a hash of it (and of the
address, for flood protection), keyed with the secret key so it cannot be reversed
by guessing addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

COOKIE = "carecast_live"


def _digest(kind: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def cookie_id(request) -> str:
    value = request.COOKIES.get(COOKIE, "")
    return value if len(value) == 32 and value.isalnum() else ""


def ensure_cookie(request, response) -> None:
    if not cookie_id(request):
        response.set_cookie(
            COOKIE,
            getattr(request, "_live_new_id", None) or new_id(request),
            max_age=60 * 60 * 24 * 30,
            httponly=True,
            samesite="Lax",
        )


def new_id(request) -> str:
    request._live_new_id = secrets.token_hex(16)
    return request._live_new_id


def client_of(request) -> str:
    raw = cookie_id(request) or getattr(request, "_live_new_id", "") or new_id(request)
    return _digest("client", raw)


def origin_of(request) -> str:
    return _digest("origin", request.META.get("REMOTE_ADDR", ""))
