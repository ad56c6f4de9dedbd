"""MastodonConnector against the sandbox's Mastodon API (httpx over real HTTP)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.mastodon.connector import MastodonConnector

ALT = "Hebamme Clara zeigt den neuen Kreißsaal"


@pytest.fixture
def anna(sandbox):
    """Anna's hospital account on the sandbox instance."""
    sandbox.add_account("mastodon", "klinikum", "anna-token")
    return Account(
        base_url=sandbox.base_url, handle="klinikum", credentials={"access_token": "anna-token"}
    )


@pytest.fixture
def connector(anna):
    return MastodonConnector(anna, timeout=2)


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "kreisssaal.png"
    Image.new("RGB", (8, 6), "white").save(path, "PNG")
    return path


def post(
    text: str = "Tag der offenen Tür am Samstag", key: str = "publication-1", **kwargs
) -> PostRequest:
    return PostRequest(key=key, text=text, **kwargs)


def test_it_publishes_text(connector, sandbox):
    result = connector.publish(post())
    (stored,) = sandbox.posts("mastodon", "klinikum")
    assert result.remote_id == stored["id"]
    assert result.url == f"{sandbox.base_url}/@klinikum/{stored['id']}"
    assert result.raw["content"] == "<p>Tag der offenen Tür am Samstag</p>"
    (sent,) = sandbox.requests("mastodon", "/api/v1/statuses", "POST")
    assert sent["headers"]["idempotency-key"] == "publication-1"
    assert sent["headers"]["authorization"] == "Bearer anna-token"
    assert sent["headers"]["user-agent"].startswith("carecast/")
    assert sent["form"]["language"] == ["de"]
    assert sent["form"]["visibility"] == ["public"]


def test_it_publishes_an_image_with_alt_text(connector, sandbox, picture):
    connector.publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    (stored,) = sandbox.posts("mastodon")
    assert stored["media"][0]["alt_text"] == ALT
    (upload,) = sandbox.requests("mastodon", "/api/v2/media", "POST")
    assert upload["form"]["description"] == [ALT]
    assert upload["files"]["file"][0]["content_type"] == "image/png"
    assert upload["files"]["file"][0]["size"] == picture.stat().st_size
    (status,) = sandbox.requests("mastodon", "/api/v1/statuses", "POST")
    assert status["form"]["media_ids[]"] == [stored["media"][0]["id"]]


def test_it_waits_for_media_processing(connector, sandbox, picture):
    sandbox.inject_fault(path="/api/v2/media", mode="processing", polls=2)
    connector.media_poll_seconds = 0.01
    connector.publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    assert len(sandbox.posts("mastodon")) == 1
    polls = [r for r in sandbox.requests("mastodon") if r["path"].startswith("/api/v1/media/")]
    assert len(polls) == 3  # 206, 206, 200


def test_it_publishes_once_for_the_same_key(connector, sandbox):
    first = connector.publish(post())
    again = connector.publish(post())
    assert first.remote_id == again.remote_id
    assert len(sandbox.posts("mastodon")) == 1


def test_it_recovers_the_post_after_the_connection_dropped(connector, sandbox):
    sandbox.inject_fault(path="/api/v1/statuses", mode="accept_then_drop")
    with pytest.raises(ConnectorError) as dropped:
        connector.publish(post())
    assert dropped.value.outcome_unknown and not dropped.value.permanent
    retry = MastodonConnector(connector.account, timeout=2).publish(post())
    (stored,) = sandbox.posts("mastodon")
    assert retry.remote_id == stored["id"]


def test_it_deletes(connector, sandbox):
    result = connector.publish(post())
    connector.delete(result.remote_id)
    assert sandbox.posts("mastodon") == []
    connector.delete(result.remote_id)  # already gone: nothing to do


def test_it_verifies_credentials_and_reads_the_instance_limit(connector, sandbox):
    host = sandbox.base_url.split("//")[1]
    assert connector.verify_credentials() == f"@klinikum@{host}"
    sandbox.settings["mastodon_max_characters"] = 1000
    assert connector.fetch_instance_limit() == 1000


def test_it_reports_a_revoked_token_as_auth_error(connector, sandbox):
    sandbox.revoke("anna-token")
    with pytest.raises(ConnectorError) as error:
        connector.publish(post())
    assert error.value.auth and error.value.permanent
    assert error.value.status == 401
    assert "The access token was revoked" in str(error.value)


def test_it_fails_permanently_with_mastodons_validation_message(connector, sandbox):
    with pytest.raises(ConnectorError) as error:
        connector.publish(post("ä" * 501))
    assert error.value.permanent and not error.value.auth and not error.value.outcome_unknown
    assert error.value.status == 422
    assert "Text character limit of 500 exceeded" in str(error.value)


def test_it_takes_the_wait_from_the_rate_limit_reset(connector, sandbox):
    sandbox.inject_fault(path="/api/v1/statuses", status=429, retry_after=30)
    with pytest.raises(ConnectorError) as error:
        connector.publish(post())
    assert not error.value.permanent and not error.value.outcome_unknown
    assert 28 <= error.value.retry_after <= 32


def test_it_honours_retry_after(connector, sandbox):
    sandbox.inject_fault(path="/api/v1/statuses", status=503, headers={"Retry-After": "7"})
    with pytest.raises(ConnectorError) as error:
        connector.publish(post())
    assert error.value.retry_after == 7
    assert error.value.status == 503


def test_it_treats_a_server_error_as_transient(connector, sandbox):
    sandbox.inject_fault(path="/api/v1/statuses", status=500)
    with pytest.raises(ConnectorError) as error:
        connector.publish(post())
    assert not error.value.permanent and not error.value.auth and not error.value.outcome_unknown
    connector.publish(post())
    assert len(sandbox.posts("mastodon")) == 1


def test_it_reports_a_timeout_after_sending_as_unknown_outcome(anna, sandbox):
    sandbox.inject_fault(path="/api/v1/statuses", mode="delay", seconds=1)
    with pytest.raises(ConnectorError) as error:
        MastodonConnector(anna, timeout=0.2).publish(post())
    assert error.value.outcome_unknown and not error.value.permanent


def test_it_reports_a_refused_connection_as_not_sent(anna):
    unreachable = Account(base_url="http://127.0.0.1:9", credentials=anna.credentials)
    with pytest.raises(ConnectorError) as error:
        MastodonConnector(unreachable, timeout=1).publish(post())
    assert not error.value.outcome_unknown and not error.value.permanent


def test_it_uses_the_configured_default_timeout(anna, settings):
    settings.CARECAST_HTTP_TIMEOUT = 3
    assert MastodonConnector(anna).http.timeout.read == 3


def test_it_fails_permanently_for_a_missing_media_file(connector, tmp_path):
    missing = MediaFile(tmp_path / "weg.png", "image/png", ALT)
    with pytest.raises(ConnectorError) as error:
        connector.publish(post(media=(missing,)))
    assert error.value.permanent


def test_it_reads_the_png_it_uploads(sandbox, connector, picture):
    connector.publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    media = sandbox.posts("mastodon")[0]["media"][0]
    content = sandbox.store.media_content("mastodon", media["id"])[1]
    assert Image.open(io.BytesIO(content)).size == (8, 6)
