"""The signature receivers check: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's
secret, sent as ``Carecast-Signature: t=<unix seconds>,v1=<hex>``.

The timestamp is inside what is signed, so a receiver that refuses old timestamps (``verify``
with a tolerance) cannot be fed a recorded delivery again later.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Carecast-Signature"
TOLERANCE = 300  # seconds


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: float, tolerance: int = TOLERANCE) -> bool:
    """True if ``header`` signs ``body`` with ``secret`` and is at most ``tolerance`` s old."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
