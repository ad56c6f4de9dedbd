"""LinkedIn: little-text escaping, the Posts API with its version header, and the sign-in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import translation
from PIL import Image

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.connect import FLOWS, ConnectError
from carecast.networks.linkedin.connector import LinkedInConnector
from carecast.networks.linkedin.rules import escape_little, unescape_little
from carecast.networks.linkedin.sandbox import silently_cut

CALLBACK = "http://127.0.0.1:8000/channels/connect/callback/"
TEXT = "Wir suchen (m/w/d) Pflegekräfte für die Intensivstation – #Pflege #Jobs https://klinikum.example/jobs_intensiv"


@pytest.fixture
def org(sandbox):
    return sandbox.add_account(
        "linkedin", "klinikum-ms", "li-token", display_name="Klinikum Musterstadt"
    )


@pytest.fixture
def connector(sandbox, org):
    account = Account(
        base_url=f"{sandbox.base_url}/linkedin",
        handle="Klinikum Musterstadt",
        remote_user_id=org["id"],
        credentials={"access_token": "li-token"},
    )
    connector = LinkedInConnector(account, timeout=5)
    yield connector
    connector.close()


def test_it_escapes_reserved_characters_but_keeps_hashtags_and_links():
    escaped = escape_little(TEXT)
    assert "\\(m/w/d\\)" in escaped
    assert "#Pflege #Jobs" in escaped and "https://klinikum.example/jobs_intensiv" in escaped
    assert silently_cut(escaped) == escaped
    assert silently_cut(TEXT) == "Wir suchen "  # what LinkedIn would have kept unescaped
    assert unescape_little(escaped) == TEXT
    assert escape_little("a_b @c ~d") == "a\\_b \\@c \\~d"
    assert escape_little("Ja \\(ab 20\\) und (mehr)") == "Ja \\(ab 20\\) und \\(mehr\\)"


def test_it_publishes_the_whole_text_and_reads_the_urn_from_x_restli_id(sandbox, connector):
    result = connector.publish(PostRequest("k1", TEXT))
    [stored] = sandbox.posts("linkedin")
    assert result.remote_id == stored["id"] and result.remote_id.startswith("urn:li:share:")
    assert unescape_little(stored["text"]) == TEXT  # not cut at the parenthesis
    [sent] = sandbox.requests("linkedin", "/linkedin/rest/posts", "POST")
    assert (
        sent["headers"]["linkedin-version"]
        and sent["headers"]["x-restli-protocol-version"] == "2.0.0"
    )


def test_it_uploads_images_with_alt_text(sandbox, connector, tmp_path):
    path = Path(tmp_path / "team.png")
    Image.new("RGB", (4, 4), "blue").save(path, "PNG")
    media = (
        MediaFile(path, "image/png", "Das Team der Intensivstation"),
        MediaFile(path, "image/png", "Der Flur"),
    )
    result = connector.publish(PostRequest("k1", "Unser Team", media=media))
    stored = sandbox.store.post("linkedin", result.remote_id)
    assert [m["alt_text"] for m in stored["media"]] == ["Das Team der Intensivstation", "Der Flur"]


def test_it_finds_its_post_after_a_lost_answer_and_deletes_it(sandbox, connector):
    sandbox.inject_fault(path="/linkedin/rest/posts", method="POST", mode="accept_then_drop")
    with pytest.raises(ConnectorError) as caught:
        connector.publish(PostRequest("k1", TEXT))
    assert caught.value.outcome_unknown
    found = connector.find_existing(PostRequest("k1", TEXT, maybe_sent=True))
    assert found is not None
    connector.delete(found.remote_id)
    connector.delete(found.remote_id)
    assert sandbox.posts("linkedin") == []


def test_it_fails_clearly_on_a_sunset_version(sandbox, connector):
    sandbox.settings["linkedin_oldest_version"] = "209901"
    with pytest.raises(ConnectorError) as caught:
        connector.publish(PostRequest("k1", "Hallo"))
    assert caught.value.permanent and caught.value.status == 426
    assert "no longer supported" in caught.value.message


def test_it_pauses_on_a_revoked_token(sandbox, connector):
    sandbox.revoke("li-token")
    with pytest.raises(ConnectorError) as caught:
        connector.publish(PostRequest("k1", "Hallo"))
    assert caught.value.auth


def test_it_reads_comments_and_answers_one(sandbox, connector):
    post = connector.publish(PostRequest("k1", "Fragen zur Ausbildung?"))
    visitor = sandbox.add_comment("linkedin", post.remote_id, "Gibt es Teilzeit?", "jonas")
    [reply] = connector.fetch_mentions()
    assert (reply.remote_id, reply.text) == (visitor["id"], "Gibt es Teilzeit?")
    answer = connector.publish(PostRequest("k2", "Ja (ab 20 Std.)", reply_to=post.remote_id))
    assert sandbox.store.post("linkedin", answer.remote_id)["text"] == "Ja \\(ab 20 Std.\\)"


def _sign_in(sandbox, settings, organisation=""):
    settings.CARECAST_LINKEDIN_CLIENT_ID = "li-app"
    settings.CARECAST_LINKEDIN_CLIENT_SECRET = "li-secret"
    settings.CARECAST_LINKEDIN_OAUTH_URL = f"{sandbox.base_url}/linkedin/oauth/v2"
    settings.CARECAST_LINKEDIN_API_URL = f"{sandbox.base_url}/linkedin"
    flow = FLOWS["linkedin"]
    started = flow.begin({"organisation": organisation}, CALLBACK)
    parts = urlsplit(started.url)
    form = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"decision": "allow"}
    answer = httpx.post(f"{parts.scheme}://{parts.netloc}{parts.path}", data=form)
    params = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}
    with translation.override("en"):
        return flow.complete(started.pending, params)


def test_it_connects_the_organisation_the_person_administers(db, sandbox, settings, org):
    account = _sign_in(sandbox, settings)
    assert (account.remote_user_id, account.handle) == (org["id"], "Klinikum Musterstadt")
    assert account.token_expires_at is not None  # 60 days: reconnect before then


def test_it_asks_which_organisation_when_there_are_several(db, sandbox, settings, org):
    sandbox.add_account("linkedin", "pflegeschule", "other", display_name="Pflegeschule")
    with pytest.raises(ConnectError, match="Klinikum Musterstadt, Pflegeschule"):
        _sign_in(sandbox, settings)
    assert _sign_in(sandbox, settings, "pflegeschule").handle == "Pflegeschule"


def test_it_asks_for_a_reconnect_when_linkedin_granted_no_refresh_token(connector):
    with pytest.raises(ConnectorError) as caught:
        connector.refresh_token()
    assert caught.value.auth and "reconnect" in caught.value.message


def test_it_refreshes_where_linkedin_granted_a_refresh_token(db, sandbox, settings, org):
    sandbox.settings["linkedin_refresh_tokens"] = True
    account = _sign_in(sandbox, settings)
    assert account.credentials.get("refresh_token")
    connector = LinkedInConnector(
        Account(f"{sandbox.base_url}/linkedin", "K", org["id"], account.credentials), timeout=5
    )
    connector.refresh_token()
    renewed = connector.updated_credentials
    assert renewed["access_token"] != account.credentials["access_token"]
    connector.account = Account(f"{sandbox.base_url}/linkedin", "K", org["id"], renewed)
    connector.close()
    connector._client = None
    assert connector.publish(PostRequest("k1", "Nach der Erneuerung")).remote_id
