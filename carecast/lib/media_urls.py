"""Signed, expiring public addresses of media files, for networks that fetch media by URL.

Instagram and Threads do not take uploads: they download the image from an address we give
them. The address names the file in a signed token that expires after ``MAX_AGE``, so it can
be neither guessed nor used for long; ``carecast.web.views.public_media`` serves it. Here,
apart from the view, so that connectors (``carecast.networks``) can build addresses without
importing the web layer.

Behind a firewall (no public address), set ``CARECAST_MEDIA_BUCKET``: the file is copied to
that S3-compatible bucket (django-storages, named by its content's hash, so a retry writes
the same object) and the network gets a presigned address that expires after ``MAX_AGE``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse

SALT = "carecast.public-media"
MAX_AGE = 6 * 3600  # a container is created within minutes; Meta fetches it then


def signed_url(path: Path, base: str = "") -> str:
    """The public address of a file under ``MEDIA_ROOT`` (``ValueError`` if it is elsewhere):
    carecast's own signed address, or a presigned bucket address when a bucket is set."""
    relative = Path(path).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    if settings.CARECAST_MEDIA_BUCKET:
        return bucket_url(Path(path))
    token = signing.dumps({"p": relative.as_posix()}, salt=SALT, compress=True)
    base = (base or settings.CARECAST_PUBLIC_URL).rstrip("/")
    return base + reverse("public_media", args=[token])


def file_for(token: str) -> Path:
    """The file a token names; ``Http404`` if it is forged, expired or gone."""
    try:
        relative = signing.loads(token, salt=SALT, max_age=MAX_AGE)["p"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404 from exc
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404
    return path


class BucketError(Exception):
    """The bucket refused the file or could not be reached (worth another try later)."""


def bucket_url(path: Path) -> str:
    """Copy the file to the bucket and return a presigned GET address for it."""
    import hashlib

    from django.core.files.base import ContentFile

    data = path.read_bytes()
    name = f"carecast-{hashlib.sha256(data).hexdigest()}{path.suffix.lower()}"
    try:
        storage = _bucket()
        storage.save(name, ContentFile(data))
        return storage.url(name)
    except ImportError:
        raise
    except Exception as exc:  # botocore's errors share no base class with the storage's
        bucket = settings.CARECAST_MEDIA_BUCKET
        raise BucketError(f"bucket {bucket!r} did not take {path.name}: {exc}") from exc


def _bucket():  # noqa: ANN202 - django-storages is optional (pip install "carecast[s3]")
    from botocore.config import Config
    from storages.backends.s3 import S3Storage

    return S3Storage(
        bucket_name=settings.CARECAST_MEDIA_BUCKET,
        endpoint_url=settings.CARECAST_MEDIA_BUCKET_URL or None,
        access_key=settings.CARECAST_MEDIA_BUCKET_ACCESS_KEY or None,
        secret_key=settings.CARECAST_MEDIA_BUCKET_SECRET_KEY or None,
        region_name=settings.CARECAST_MEDIA_BUCKET_REGION or None,
        querystring_auth=True,
        querystring_expire=MAX_AGE,
        file_overwrite=True,  # same name, same bytes: no existence check needed
        default_acl=None,
        # Given a client_config, django-storages takes addressing and signature from it.
        # Plain PUT bodies: S3-compatible servers do not all speak aws-chunked checksums.
        client_config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
