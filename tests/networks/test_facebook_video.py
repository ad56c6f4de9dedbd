"""Video on a Facebook Page against the sandbox: ``POST /{page-id}/videos`` with the clip and
the text as description makes the post; after a lost answer it is found among the Page's
posts, not sent twice; a file Facebook cannot read is refused with its words."""

from __future__ import annotations

import pytest

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.facebook.connector import FacebookConnector
from tests.networks import video_clips

TEXT = "Ein Rundgang durch den Kreißsaal im Babytown"


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return video_clips.small(tmp_path_factory)


@pytest.fixture
def connector(sandbox):
    page = sandbox.add_account("facebook", "babytown", "page-token", display_name="Babytown")
    account = Account(
        base_url=f"{sandbox.base_url}/graph",
        handle="Babytown",
        remote_user_id=page["id"],
        credentials={"access_token": "page-token"},
    )
    connector = FacebookConnector(account, timeout=5)
    yield connector
    connector.close()


def test_it_publishes_a_page_video_with_the_text_as_description(sandbox, connector, clip):
    result = connector.publish(PostRequest("fb-v", TEXT, media=(MediaFile(clip, "video/mp4"),)))
    [post] = sandbox.posts("facebook")
    assert result.remote_id == post["id"] and post["text"] == TEXT
    assert (
        sandbox.store.media_content("facebook", post["data"]["media_ids"][0])[1]
        == clip.read_bytes()
    )


def test_it_finds_the_video_after_a_lost_answer_instead_of_sending_it_twice(
    sandbox, connector, clip
):
    video = MediaFile(clip, "video/mp4")
    sandbox.inject_fault(path="/graph/*", method="POST", mode="accept_then_drop")
    with pytest.raises(ConnectorError) as lost:
        connector.publish(PostRequest("fb-v", TEXT, media=(video,)))
    assert lost.value.outcome_unknown
    found = connector.find_existing(PostRequest("fb-v", TEXT, media=(video,), maybe_sent=True))
    assert found is not None and [p["id"] for p in sandbox.posts("facebook")] == [found.remote_id]


def test_it_refuses_a_file_that_is_no_video(sandbox, connector, tmp_path):
    broken = tmp_path / "kaputt.mp4"
    broken.write_bytes(b"no video at all" * 100)
    with pytest.raises(ConnectorError) as refused:
        connector.publish(PostRequest("fb-x", TEXT, media=(MediaFile(broken, "video/mp4"),)))
    assert refused.value.permanent and "format that we don't support" in str(refused.value)
    assert sandbox.posts("facebook") == []
