"""InstagramConnector against the sandbox: containers from signed public URLs, really fetched."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.instagram import Instagram
from carecast.networks.instagram.connector import InstagramConnector

ALT = "Drei Pflegekräfte lachen im Stationszimmer"


@pytest.fixture
def public_carecast(transactional_db, anna, live_server, settings, tmp_path):
    """carecast's own server, reachable by the sandbox, with media under ``tmp_path``."""
    settings.MEDIA_ROOT = tmp_path
    return live_server.url


@pytest.fixture
def ig(sandbox):
    return sandbox.add_account("instagram", "klinikum_jobs", "ig-token")


@pytest.fixture
def connector(sandbox, ig, public_carecast):
    account = Account(
        base_url=f"{sandbox.base_url}/graph",
        handle="@klinikum_jobs",
        remote_user_id=ig["id"],
        credentials={"access_token": "ig-token"},
        config={"public_base": public_carecast},
    )
    connector = InstagramConnector(account, timeout=5)
    connector.poll_interval = 0
    yield connector
    connector.close()


@pytest.fixture
def photo(settings):
    def make(name="team.jpg", alt=ALT) -> MediaFile:
        path = default_storage.path(default_storage.save(name, ContentFile(b"")))
        Image.new("RGB", (8, 8), "teal").save(path, "JPEG")
        return MediaFile(__import__("pathlib").Path(path), "image/jpeg", alt)

    return make


def post(text="Wir suchen Pflegekräfte für die Intensivstation #pflege", **kw) -> PostRequest:
    return PostRequest(key="pub-1", text=text, **kw)


def test_it_publishes_an_image_the_sandbox_fetched_from_carecast(sandbox, connector, photo):
    sandbox.settings["instagram_processing_polls"] = 2
    result = connector.publish(post(media=(photo(),)))
    [stored] = sandbox.posts("instagram")
    assert stored["id"] == result.remote_id
    assert stored["media"][0]["alt_text"] == ALT
    assert stored["media"][0]["mime_type"] == "image/jpeg"
    statuses = [
        r for r in sandbox.requests("facebook", method="GET") if "status_code" in str(r["query"])
    ]
    assert len(statuses) == 3  # IN_PROGRESS twice, then FINISHED


def test_it_publishes_a_carousel(sandbox, connector, photo):
    connector.publish(post(media=(photo("a.jpg"), photo("b.jpg", "Zweites Bild"))))
    [stored] = sandbox.posts("instagram")
    assert [m["alt_text"] for m in stored["media"]] == [ALT, "Zweites Bild"]


def test_it_names_the_url_problem_when_instagram_cannot_fetch_the_image(
    sandbox, connector, photo, settings
):
    item = photo()
    item.path.unlink()  # carecast answers 404 at the signed address
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post(media=(item,)))
    assert caught.value.permanent
    assert "could not be fetched from this URI" in caught.value.message
    assert sandbox.posts("instagram") == []


def test_it_publishes_once_when_the_answer_to_publish_is_lost(sandbox, connector, photo):
    sandbox.inject_fault(
        path=f"/graph/v21.0/{connector.object_id}/media_publish", mode="accept_then_drop"
    )
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post(media=(photo(),)))
    assert caught.value.outcome_unknown
    found = connector.find_existing(post(maybe_sent=True, media=(photo(),)))
    assert found is not None and len(sandbox.posts("instagram")) == 1


def test_it_builds_a_new_container_when_the_first_was_never_published(sandbox, connector, photo):
    sandbox.settings["instagram_processing_polls"] = 100  # stuck IN_PROGRESS: given back
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post(media=(photo(),)))
    assert caught.value.retry_after and not caught.value.outcome_unknown
    assert connector.find_existing(post()) is None
    sandbox.settings["instagram_processing_polls"] = 0
    connector.publish(post(media=(photo(),)))
    assert len(sandbox.posts("instagram")) == 1


def test_it_waits_when_the_publishing_limit_is_used_up(sandbox, connector, photo):
    sandbox.settings["instagram_publishing_limit"] = 1
    connector.publish(post(media=(photo(),)))
    assert connector.publishing_limit() == (1, 1)
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post("Zweiter Beitrag", media=(photo(),)))
    assert caught.value.retry_after == 3600
    assert len(sandbox.posts("instagram")) == 1


def test_it_reads_comments_and_hides_one(sandbox, connector, photo):
    result = connector.publish(post(media=(photo(),)))
    visitor = sandbox.add_comment("instagram", result.remote_id, "Spam spam", "spambot")
    [reply] = connector.fetch_mentions()
    assert (reply.remote_id, reply.author, reply.in_reply_to) == (
        visitor["id"],
        "spambot",
        result.remote_id,
    )
    connector.hide_reply(visitor["id"])
    assert sandbox.store.post("instagram", visitor["id"])["data"]["hidden"] is True


def test_it_checks_caption_hashtags_and_mentions():
    rules = Instagram()
    text = " ".join(f"#tag{i}" for i in range(31)) + " " + " ".join(f"@p{i}" for i in range(21))
    codes = {p.code for p in rules.check(text, [])}
    assert {"hashtags", "mentions", "needs_image"} <= codes
    assert "too_long" in {p.code for p in rules.check("x" * 2201, [])}
    assert not {"hashtags", "mentions"} & {p.code for p in rules.check("#a #b @c", [])}
