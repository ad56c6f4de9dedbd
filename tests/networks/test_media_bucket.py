"""Behind a firewall: Instagram fetches the image from an S3-compatible bucket (here the
sandbox's, speaking S3's presigned Signature Version 4), not from carecast's own address."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
import time_machine
from PIL import Image

from carecast.lib import media_urls
from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.instagram.connector import InstagramConnector

pytest.importorskip("storages", reason='the bucket needs pip install "carecast[s3]"')

ALT = "Die neue Cafeteria im Erdgeschoss"


@pytest.fixture
def bucket(settings, sandbox, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CARECAST_MEDIA_BUCKET = "carecast-media"
    settings.CARECAST_MEDIA_BUCKET_URL = f"{sandbox.base_url}/s3"
    settings.CARECAST_MEDIA_BUCKET_ACCESS_KEY = "carecast-sandbox"
    settings.CARECAST_MEDIA_BUCKET_SECRET_KEY = "carecast-sandbox-secret"
    return settings


@pytest.fixture
def photo(tmp_path) -> MediaFile:
    path = tmp_path / "cafeteria.jpg"
    Image.new("RGB", (8, 8), "orange").save(path, "JPEG")
    return MediaFile(Path(path), "image/jpeg", ALT)


@pytest.fixture
def connector(sandbox):
    ig = sandbox.add_account("instagram", "klinikum_jobs", "ig-token")
    account = Account(
        base_url=f"{sandbox.base_url}/graph",
        handle="@klinikum_jobs",
        remote_user_id=ig["id"],
        credentials={"access_token": "ig-token"},
        config={"public_base": "http://127.0.0.1:9"},  # carecast itself is not reachable
    )
    connector = InstagramConnector(account, timeout=5)
    connector.poll_interval = 0
    yield connector
    connector.close()


def test_it_publishes_an_image_instagram_fetched_from_the_bucket(bucket, sandbox, connector, photo):
    result = connector.publish(PostRequest("k1", "Neue Cafeteria", media=(photo,)))
    [stored] = sandbox.posts("instagram")
    assert stored["id"] == result.remote_id
    assert stored["media"][0]["alt_text"] == ALT
    [sent] = [
        r for r in sandbox.requests("facebook", method="POST") if r["path"].endswith("/media")
    ]
    url = sent["form"]["image_url"][0]
    assert url.startswith(f"{sandbox.base_url}/s3/carecast-media/carecast-")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=21600" in url


def test_it_names_the_problem_when_the_presigned_address_is_wrong(bucket, connector, photo):
    bucket.CARECAST_MEDIA_BUCKET_SECRET_KEY = "not-the-buckets-secret"
    with pytest.raises(ConnectorError) as caught:
        connector.publish(PostRequest("k1", "Neue Cafeteria", media=(photo,)))
    assert caught.value.permanent
    assert "could not be fetched from this URI" in caught.value.message


def test_it_refuses_an_expired_or_altered_address(bucket, sandbox, photo):
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(hours=7), tick=False):
        stale = media_urls.signed_url(photo.path)
    answer = httpx.get(stale)
    assert answer.status_code == 403 and b"Request has expired" in answer.content
    fresh = media_urls.signed_url(photo.path)
    assert httpx.get(fresh).content == photo.path.read_bytes()
    other = fresh.replace("carecast-media/carecast-", "carecast-media/carecast-0")
    assert httpx.get(other).status_code == 403


def test_it_retries_later_when_the_bucket_cannot_be_reached(bucket, connector, photo):
    bucket.CARECAST_MEDIA_BUCKET_URL = "http://127.0.0.1:9/s3"
    with pytest.raises(ConnectorError) as caught:
        connector.publish(PostRequest("k1", "Neue Cafeteria", media=(photo,)))
    assert caught.value.retry_after == 300 and not caught.value.permanent
    assert "bucket 'carecast-media' did not take cafeteria.jpg" in caught.value.message
