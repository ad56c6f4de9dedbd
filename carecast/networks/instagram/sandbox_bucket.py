"""An S3-compatible bucket in the sandbox (``/s3/<bucket>/<key>``), for installations behind
a firewall that hand Instagram and Threads presigned bucket addresses instead of their own.

``PUT`` stores an object (the ``Authorization`` header must name the sandbox's access key,
``s3_access_key``); ``GET`` answers only a presigned address whose AWS Signature Version 4
is right for the secret key (``s3_secret_key``) and which has not expired — as S3 does
(https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html), so a
broken or stale address fails the Instagram test as it would fail on Instagram.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
from urllib.parse import quote

from carecast.networks.instagram.sandbox import router
from carecast.sandbox.routing import Request, Response

ACCESS_KEY = "carecast-sandbox"
SECRET_KEY = "carecast-sandbox-secret"  # noqa: S105 - the sandbox's own, public
_LOCK = threading.Lock()


def _objects(req: Request) -> dict[str, tuple[str, bytes]]:
    with _LOCK:
        if not hasattr(req.server, "s3_objects"):
            req.server.s3_objects = {}  # type: ignore[attr-defined]
        return req.server.s3_objects  # type: ignore[attr-defined]


def _s3_error(status: int, code: str, message: str) -> Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return Response(status, body.encode(), content_type="application/xml")


@router.route("PUT", "/s3/<bucket>/<key>")
def put_object(req: Request, bucket: str, key: str) -> Response:
    access = req.server.settings.get("s3_access_key", ACCESS_KEY)
    auth = req.headers.get("Authorization") or ""
    if not auth.startswith(f"AWS4-HMAC-SHA256 Credential={access}/"):
        return _s3_error(403, "InvalidAccessKeyId", "The AWS Access Key Id does not exist.")
    kind = req.headers.get("Content-Type") or "application/octet-stream"
    _objects(req)[f"{bucket}/{key}"] = (kind, req.body)
    return Response(200, b"", content_type="application/xml")


@router.route("GET", "/s3/<bucket>/<key>")
def get_object(req: Request, bucket: str, key: str) -> Response:
    refused = _check_presigned(req)
    if refused is not None:
        return refused
    found = _objects(req).get(f"{bucket}/{key}")
    if found is None:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    kind, data = found
    return Response(200, data, content_type=kind)


def _check_presigned(req: Request) -> Response | None:
    args = {name: values[0] for name, values in req.query.items()}
    try:
        signed_at = dt.datetime.strptime(args["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=dt.UTC
        )
        expires = int(args["X-Amz-Expires"])
        credential, signature = args["X-Amz-Credential"], args["X-Amz-Signature"]
    except (KeyError, ValueError):
        return _s3_error(403, "AccessDenied", "Request is missing a valid presigned signature.")
    if dt.datetime.now(dt.UTC) > signed_at + dt.timedelta(seconds=expires):
        return _s3_error(403, "AccessDenied", "Request has expired")
    if not hmac.compare_digest(signature, _signature(req, args, credential)):
        return _s3_error(403, "SignatureDoesNotMatch", "The request signature does not match.")
    return None


def _signature(req: Request, args: dict[str, str], credential: str) -> str:
    """SigV4 for a presigned GET: canonical request → string to sign → derived key."""
    _access, day, region, service, _ = credential.split("/", 4)
    query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
        for k, v in sorted(args.items())
        if k != "X-Amz-Signature"
    )
    signed = args.get("X-Amz-SignedHeaders", "host").split(";")
    headers = "".join(f"{h}:{(req.headers.get(h) or '').strip()}\n" for h in signed)
    canonical = "\n".join(
        ["GET", quote(req.path, safe="/-_.~"), query, headers, ";".join(signed), "UNSIGNED-PAYLOAD"]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            args["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    secret = str(req.server.settings.get("s3_secret_key", SECRET_KEY))
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
