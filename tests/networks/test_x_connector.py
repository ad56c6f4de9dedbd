"""XConnector against the sandbox's X API v2 (httpx over real HTTP)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from carecast.networks.base import Account, CannotVerify, ConnectorError, MediaFile, PostRequest
from carecast.networks.x.connector import XConnector

ALT = "Pflegeteam der Station 4 beim Sommerfest"


@pytest.fixture
def ben_remote(sandbox):
    """Ben's X account as the sandbox knows it (access + rotating refresh token)."""
    return sandbox.add_account(
        "x", "KlinikumMS", "ben-access", refresh_token="ben-refresh", client_id="carecast-app"
    )


def account_for(sandbox, remote, **credentials) -> Account:
    creds = {
        "access_token": "ben-access",
        "refresh_token": "ben-refresh",
        "client_id": "carecast-app",
    }
    creds.update(credentials)
    return Account(
        base_url=sandbox.base_url,
        handle="KlinikumMS",
        remote_user_id=remote["id"],
        credentials={k: v for k, v in creds.items() if v is not None},
        config={"web_url": remote["web_url"]},
    )


@pytest.fixture
def ben(sandbox, ben_remote) -> Account:
    return account_for(sandbox, ben_remote)


@pytest.fixture
def connector(ben):
    connector = XConnector(ben, timeout=2)
    yield connector
    connector.close()


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "sommerfest.png"
    Image.new("RGB", (6, 4), "green").save(path, "PNG")
    return path


def post(
    text: str = "Sommerfest am Klinikum: Samstag ab 14 Uhr", key: str = "pub-1", **kw
) -> PostRequest:
    return PostRequest(key=key, text=text, **kw)


def test_it_publishes_text(connector, sandbox):
    result = connector.publish(post())
    (stored,) = sandbox.posts("x", "KlinikumMS")
    assert result.remote_id == stored["id"]
    assert result.url == f"{sandbox.base_url}/x/KlinikumMS/status/{stored['id']}"
    (sent,) = sandbox.requests("x", "/2/tweets", "POST")
    assert sent["json"] == {"text": "Sommerfest am Klinikum: Samstag ab 14 Uhr"}
    assert sent["headers"]["authorization"] == "Bearer ben-access"
    assert sent["headers"]["user-agent"].startswith("carecast/")


def test_it_publishes_an_image_with_alt_text(connector, sandbox, picture):
    connector.publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    (stored,) = sandbox.posts("x")
    assert stored["media"][0]["alt_text"] == ALT
    (upload,) = sandbox.requests("x", "/2/media/upload", "POST")
    assert upload["form"]["media_category"] == ["tweet_image"]
    assert upload["files"]["media"][0]["content_type"] == "image/png"
    assert upload["files"]["media"][0]["size"] == picture.stat().st_size
    (metadata,) = sandbox.requests("x", "/2/media/metadata", "POST")
    media_id = stored["media"][0]["id"]
    assert metadata["json"] == {"id": media_id, "metadata": {"alt_text": {"text": ALT}}}
    (tweet,) = sandbox.requests("x", "/2/tweets", "POST")
    assert tweet["json"]["media"] == {"media_ids": [media_id]}


def test_it_cuts_alt_text_to_xs_limit(connector, sandbox, picture):
    connector.publish(post(media=(MediaFile(picture, "image/png", "ä" * 1200),)))
    assert sandbox.posts("x")[0]["media"][0]["alt_text"] == "ä" * 1000


def test_it_deletes(connector, sandbox):
    result = connector.publish(post())
    connector.delete(result.remote_id)
    assert sandbox.posts("x") == []
    connector.delete(result.remote_id)  # already gone: nothing to do


def test_it_verifies_credentials(connector):
    assert connector.verify_credentials() == "@KlinikumMS"


def test_it_refuses_duplicate_content_permanently_without_pausing(connector):
    connector.publish(post(key="pub-1"))
    with pytest.raises(ConnectorError) as error:
        connector.publish(post(key="pub-2"))
    assert error.value.permanent and not error.value.auth
    assert error.value.status == 403
    assert "duplicate content" in str(error.value)


def test_it_fails_permanently_with_xs_message_for_a_long_post(connector, sandbox):
    with pytest.raises(ConnectorError) as error:
        connector.publish(post("a" * 281))
    assert error.value.permanent and not error.value.outcome_unknown
    assert error.value.status == 400
    assert "Your Tweet text is too long." in str(error.value)
    assert sandbox.posts("x") == []


def test_it_reports_a_revoked_token_without_refresh_token_as_auth(sandbox, ben_remote):
    sandbox.revoke("ben-access")
    connector = XConnector(account_for(sandbox, ben_remote, refresh_token=None))
    with pytest.raises(ConnectorError) as error:
        connector.publish(post())
    assert error.value.auth and error.value.status == 401
    assert sandbox.requests("x", "/2/oauth2/token") == []


def test_it_refreshes_an_expired_token_once_and_publishes(connector, sandbox):
    sandbox.expire("ben-access")
    result = connector.publish(post())
    assert sandbox.posts("x")[0]["id"] == result.remote_id
    new = connector.updated_credentials
    assert new["access_token"] != "ben-access"
    assert new["refresh_token"] not in ("", "ben-refresh")  # X rotated it
    assert new["client_id"] == "carecast-app" and new["expires_at"]
    (refresh,) = sandbox.requests("x", "/2/oauth2/token", "POST")
    assert refresh["form"] == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["ben-refresh"],
        "client_id": ["carecast-app"],
    }
    tweets = sandbox.requests("x", "/2/tweets", "POST")
    assert [t["headers"]["authorization"] for t in tweets] == [
        "Bearer ben-access",
        f"Bearer {new['access_token']}",
    ]


def test_it_keeps_the_refresh_token_when_none_comes_back(sandbox):
    remote = sandbox.add_account(
        "x", "KlinikumMS", "ben-access", refresh_token="ben-refresh", omit_refresh_token=True
    )
    sandbox.expire("ben-access")
    connector = XConnector(account_for(sandbox, remote, client_id=None))
    connector.publish(post())
    assert connector.updated_credentials["refresh_token"] == "ben-refresh"
    assert connector.updated_credentials["access_token"] != "ben-access"


def test_it_reports_auth_when_the_refresh_token_is_refused(connector, sandbox):
    sandbox.revoke("ben-access")
    with pytest.raises(ConnectorError) as error:
        connector.publish(post())
    assert error.value.auth
    assert "Value passed for the token was invalid." in str(error.value)
    assert len(sandbox.requests("x", "/2/oauth2/token")) == 1
    assert connector.updated_credentials is None


def test_it_takes_the_wait_from_x_rate_limit_reset(connector, sandbox):
    sandbox.inject_fault(path="/2/tweets", status=429, retry_after=30)
    with pytest.raises(ConnectorError) as error:
        connector.publish(post())
    assert not error.value.permanent and not error.value.outcome_unknown
    assert 28 <= error.value.retry_after <= 31


def test_it_treats_a_server_error_as_transient(connector, sandbox):
    sandbox.inject_fault(path="/2/tweets", status=503)
    with pytest.raises(ConnectorError) as error:
        connector.publish(post())
    assert not error.value.permanent and not error.value.auth and not error.value.outcome_unknown
    assert error.value.status == 503


def test_it_reports_a_timeout_after_sending_as_unknown_outcome(sandbox, ben):
    sandbox.inject_fault(path="/2/tweets", mode="delay", seconds=1)
    with pytest.raises(ConnectorError) as error:
        XConnector(ben, timeout=0.2).publish(post())
    assert error.value.outcome_unknown and not error.value.permanent


def test_it_reports_a_timeout_while_uploading_as_nothing_posted(sandbox, ben, picture):
    sandbox.inject_fault(path="/2/media/upload", mode="delay", seconds=1)
    with pytest.raises(ConnectorError) as error:
        XConnector(ben, timeout=0.2).publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    assert not error.value.outcome_unknown


def test_it_reports_a_refused_connection_as_not_sent(ben):
    unreachable = Account(base_url="http://127.0.0.1:9", credentials=ben.credentials)
    with pytest.raises(ConnectorError) as error:
        XConnector(unreachable, timeout=1).publish(post())
    assert not error.value.outcome_unknown and not error.value.permanent


def test_it_finds_a_post_accepted_before_the_connection_dropped(connector, sandbox, picture):
    sandbox.inject_fault(path="/2/tweets", mode="accept_then_drop")
    sent = post(
        "Jobs & Karriere:  klinikum-musterstadt.de/jobs – jetzt bewerben!",
        media=(MediaFile(picture, "image/png", ALT),),
    )
    with pytest.raises(ConnectorError) as error:
        connector.publish(sent)
    assert error.value.outcome_unknown
    (stored,) = sandbox.posts("x")
    found = XConnector(connector.account).find_existing(sent)
    assert found is not None and found.remote_id == stored["id"]
    assert found.url == f"{sandbox.base_url}/x/KlinikumMS/status/{stored['id']}"


def test_it_finds_nothing_when_the_post_is_absent(connector):
    connector.publish(post("Ein anderer Beitrag"))
    assert connector.find_existing(post()) is None


def test_it_tells_posts_apart_that_differ_only_in_their_link(connector):
    connector.publish(post("Stellenangebot Pflege: https://klinikum-musterstadt.de/jobs/1"))
    assert (
        connector.find_existing(
            post("Stellenangebot Pflege: https://klinikum-musterstadt.de/jobs/2")
        )
        is None
    )
    assert connector.find_existing(
        post("Stellenangebot Pflege: https://klinikum-musterstadt.de/jobs/1")
    )


def test_it_cannot_verify_when_recent_posts_cannot_be_read(connector, sandbox):
    sandbox.inject_fault(path="/2/users/*", method="GET", status=503)
    with pytest.raises(CannotVerify):
        connector.find_existing(post())


def test_it_cannot_verify_an_unknown_user(sandbox, ben_remote):
    connector = XConnector(account_for(sandbox, {**ben_remote, "id": "404"}))
    with pytest.raises(CannotVerify) as error:
        connector.find_existing(post())
    assert "Could not find user" in str(error.value)


def test_it_cannot_verify_a_post_of_only_a_link(connector):
    with pytest.raises(CannotVerify):
        connector.find_existing(post("https://klinikum-musterstadt.de/"))


def test_it_uses_the_configured_default_timeout(ben, settings):
    settings.CARECAST_HTTP_TIMEOUT = 4
    assert XConnector(ben).client.timeout.read == 4


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of five posts (X's least), at most two of them, and no clock margin."""
    from carecast.networks.x import connector as x

    monkeypatch.setattr(x, "RECENT_POSTS", 5)
    monkeypatch.setattr(x, "LOOKUP_MAX_PAGES", 2)
    monkeypatch.setattr(x, "LOOKUP_MARGIN", dt.timedelta(0))


def newer_posts(connector, count: int) -> None:
    for number in range(count):
        connector.publish(post(f"Später: Beitrag {number}", key=f"later-{number}"))


def test_it_reads_back_to_the_earlier_attempt_under_a_burst(connector, sandbox, small_pages):
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    first = connector.publish(post())
    newer_posts(connector, 6)  # pushed off the first page of five
    assert connector.find_existing(post()) is None  # one page: not seen
    found = connector.find_existing(post(maybe_sent=True, sent_since=since))
    assert found is not None and found.remote_id == first.remote_id


def test_it_cannot_verify_when_too_many_posts_came_since(connector, sandbox, small_pages):
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    connector.publish(post())
    newer_posts(connector, 10)  # eleven posts since: more than two pages of five
    with pytest.raises(CannotVerify) as error:
        connector.find_existing(post(maybe_sent=True, sent_since=since))
    assert "look at the channel" in str(error.value)
