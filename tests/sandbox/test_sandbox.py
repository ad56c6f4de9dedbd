"""The sandbox speaks the networks' APIs closely enough to test connectors against it."""

from __future__ import annotations

import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from PIL import Image

from carecast.lib.http import UnsafeURL, check_public_url
from carecast.sandbox.server import SandboxServer


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def client(sandbox):
    with httpx.Client(base_url=sandbox.base_url, timeout=5) as client:
        yield client


@pytest.fixture
def anna(sandbox):
    """Anna runs the hospital's Mastodon account."""
    return sandbox.add_account("mastodon", "klinikum", "anna-token")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- Mastodon ----------------------------------------------------------------------------


def test_it_publishes_the_instance_limits(client, sandbox):
    sandbox.settings["mastodon_max_characters"] = 1000
    config = client.get("/api/v2/instance/").json()["configuration"]
    assert config["statuses"]["max_characters"] == 1000
    assert config["statuses"]["characters_reserved_per_url"] == 23
    assert client.get("/api/v1/instance").json()["version"].startswith("4.")


def test_it_posts_a_status_with_form_or_json_body(client, sandbox, anna):
    one = client.post(
        "/api/v1/statuses", data={"status": "Eins", "language": "de"}, headers=bearer("anna-token")
    )
    two = client.post(
        "/api/v1/statuses",
        json={"status": "Zwei", "visibility": "unlisted"},
        headers=bearer("anna-token"),
    )
    assert one.status_code == two.status_code == 200
    assert one.json()["content"] == "<p>Eins</p>"
    assert one.json()["language"] == "de"
    assert two.json()["visibility"] == "unlisted"
    assert one.json()["url"] == f"{sandbox.base_url}/@klinikum/{one.json()['id']}"
    assert one.json()["account"]["acct"] == "klinikum"
    assert [p["text"] for p in sandbox.posts("mastodon", "klinikum")] == ["Zwei", "Eins"]


def test_it_returns_the_same_status_for_the_same_idempotency_key(client, sandbox, anna):
    headers = {**bearer("anna-token"), "Idempotency-Key": "publication-7"}
    first = client.post("/api/v1/statuses", data={"status": "Blutspende heute"}, headers=headers)
    again = client.post("/api/v1/statuses", data={"status": "Blutspende heute"}, headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert len(sandbox.posts("mastodon")) == 1


def test_it_creates_one_status_for_concurrent_requests_with_one_key(sandbox, anna):
    def send(_):
        headers = {**bearer("anna-token"), "Idempotency-Key": "publication-8"}
        url = f"{sandbox.base_url}/api/v1/statuses"
        return httpx.post(url, data={"status": "Gleichzeitig"}, headers=headers).json()["id"]

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(send, range(8)))
    assert len(ids) == 1
    assert len(sandbox.posts("mastodon")) == 1


def test_it_keeps_idempotency_keys_per_account(client, sandbox, anna):
    sandbox.add_account("mastodon", "klinikumjobs", "ben-token")
    for token in ("anna-token", "ben-token"):
        headers = {**bearer(token), "Idempotency-Key": "same-key"}
        client.post("/api/v1/statuses", data={"status": "Hallo"}, headers=headers)
    assert len(sandbox.posts("mastodon")) == 2


def test_it_counts_a_url_as_23_characters(client, anna):
    text = "x" * 470 + " https://klinikum-musterstadt.de/" + "a" * 100
    response = client.post("/api/v1/statuses", data={"status": text}, headers=bearer("anna-token"))
    assert response.status_code == 200


def test_it_refuses_a_long_status_with_mastodons_message(client, anna):
    response = client.post(
        "/api/v1/statuses", data={"status": "ü" * 501}, headers=bearer("anna-token")
    )
    assert response.status_code == 422
    assert response.json() == {"error": "Validation failed: Text character limit of 500 exceeded"}


def test_it_refuses_a_revoked_token(client, sandbox, anna):
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=bearer("anna-token")).status_code
        == 200
    )
    sandbox.revoke("anna-token")
    response = client.get("/api/v1/accounts/verify_credentials", headers=bearer("anna-token"))
    assert response.status_code == 401
    assert response.json() == {"error": "The access token was revoked"}
    unknown = client.get("/api/v1/accounts/verify_credentials", headers=bearer("who"))
    assert unknown.status_code == 401


def test_it_stores_media_with_its_description(client, sandbox, anna):
    upload = client.post(
        "/api/v2/media",
        files={"file": ("bild.png", png(), "image/png")},
        data={"description": "Kreißsaal mit Blick ins Grüne"},
        headers=bearer("anna-token"),
    )
    media = upload.json()
    assert upload.status_code == 200
    assert media["type"] == "image" and media["meta"]["original"]["width"] == 4
    status = client.post(
        "/api/v1/statuses",
        data={"status": "Neu", "media_ids[]": [media["id"]]},
        headers=bearer("anna-token"),
    ).json()
    assert status["media_attachments"][0]["description"] == "Kreißsaal mit Blick ins Grüne"
    assert sandbox.posts("mastodon")[0]["media"][0]["alt_text"] == "Kreißsaal mit Blick ins Grüne"
    assert client.get(media["url"]).content == png()


def test_it_processes_media_asynchronously_when_asked(client, sandbox, anna):
    sandbox.inject_fault(path="/api/v2/media", mode="processing", polls=1)
    upload = client.post(
        "/api/v2/media", files={"file": ("a.png", png(), "image/png")}, headers=bearer("anna-token")
    )
    assert upload.status_code == 202 and upload.json()["url"] is None
    path = f"/api/v1/media/{upload.json()['id']}"
    assert client.get(path, headers=bearer("anna-token")).status_code == 206
    assert client.get(path, headers=bearer("anna-token")).json()["url"]


def test_it_deletes_and_lists_statuses(client, sandbox, anna):
    ids = [
        client.post(
            "/api/v1/statuses", data={"status": f"Nr. {n}"}, headers=bearer("anna-token")
        ).json()["id"]
        for n in range(3)
    ]
    deleted = client.delete(f"/api/v1/statuses/{ids[1]}", headers=bearer("anna-token"))
    assert deleted.json()["text"] == "Nr. 1"
    listed = client.get(f"/api/v1/accounts/{anna['user_id']}/statuses", params={"limit": 1})
    assert [s["id"] for s in listed.json()] == [ids[2]]
    assert 'rel="next"' in listed.headers["Link"]
    assert client.get(f"/api/v1/statuses/{ids[1]}").status_code == 404


# --- X -----------------------------------------------------------------------------------


@pytest.fixture
def ben(sandbox):
    """Ben runs the hospital's X account."""
    return sandbox.add_account(
        "x", "KlinikumMS", "ben-access", refresh_token="ben-refresh", client_id="app-1"
    )


def test_it_shortens_urls_and_escapes_text_like_x(client, sandbox, ben):
    response = client.post(
        "/2/tweets",
        json={"text": "Jobs & mehr: klinikum.de/jobs"},
        headers=bearer("ben-access"),
    )
    assert response.status_code == 201
    assert response.json()["data"]["text"].startswith("Jobs &amp; mehr: https://t.co/")
    assert sandbox.posts("x")[0]["text"] == "Jobs & mehr: klinikum.de/jobs"


def test_it_refuses_duplicate_tweets(client, ben):
    client.post(
        "/2/tweets", json={"text": "Heute Tag der offenen Tür"}, headers=bearer("ben-access")
    )
    again = client.post(
        "/2/tweets", json={"text": "Heute  Tag der offenen Tür"}, headers=bearer("ben-access")
    )
    assert again.status_code == 403
    assert again.json()["detail"] == "You are not allowed to create a Tweet with duplicate content."


def test_it_refuses_a_tweet_over_280_weighted_characters(client, ben):
    response = client.post("/2/tweets", json={"text": "a" * 281}, headers=bearer("ben-access"))
    assert response.status_code == 400
    assert response.json()["type"] == "https://api.twitter.com/2/problems/invalid-request"


def test_it_rotates_x_refresh_tokens(client, sandbox, ben):
    form = {"grant_type": "refresh_token", "refresh_token": "ben-refresh", "client_id": "app-1"}
    tokens = client.post("/2/oauth2/token", data=form).json()
    assert (
        client.get("/2/users/me", headers=bearer(tokens["access_token"])).json()["data"]["username"]
        == "KlinikumMS"
    )
    spent = client.post("/2/oauth2/token", data=form)
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_request"


def test_it_lists_a_users_tweets_newest_first(client, ben):
    for n in range(3):
        client.post("/2/tweets", json={"text": f"Nr. {n}"}, headers=bearer("ben-access"))
    response = client.get(
        f"/2/users/{ben['user_id']}/tweets", params={"max_results": 5}, headers=bearer("ben-access")
    )
    assert [t["text"] for t in response.json()["data"]] == ["Nr. 2", "Nr. 1", "Nr. 0"]
    too_few = client.get(
        f"/2/users/{ben['user_id']}/tweets", params={"max_results": 1}, headers=bearer("ben-access")
    )
    assert too_few.status_code == 400


def test_it_answers_x_errors_as_problems(client, sandbox, ben):
    response = client.post("/2/tweets", json={"text": "Hallo"}, headers=bearer("expired"))
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthorized"
    assert response.headers["content-type"] == "application/problem+json"


# --- Bluesky-lite ------------------------------------------------------------------------


def test_it_keeps_a_bluesky_record_key_unique(client, sandbox):
    sandbox.add_account("bluesky", "klinikum.bsky.test", "", password="app-password")
    session = client.post(
        "/xrpc/com.atproto.server.createSession",
        json={"identifier": "klinikum.bsky.test", "password": "app-password"},
    ).json()
    blob = client.post(
        "/xrpc/com.atproto.repo.uploadBlob",
        content=png(),
        headers={**bearer(session["accessJwt"]), "Content-Type": "image/png"},
    ).json()["blob"]
    record = {
        "$type": "app.bsky.feed.post",
        "text": "Hallo Bluesky",
        "createdAt": "2026-11-23T10:00:00Z",
        "embed": {"$type": "app.bsky.embed.images", "images": [{"image": blob, "alt": "Ein Bild"}]},
    }
    body = {
        "repo": session["did"],
        "collection": "app.bsky.feed.post",
        "rkey": "3pub7",
        "record": record,
    }
    first = client.post(
        "/xrpc/com.atproto.repo.createRecord", json=body, headers=bearer(session["accessJwt"])
    )
    second = client.post(
        "/xrpc/com.atproto.repo.createRecord", json=body, headers=bearer(session["accessJwt"])
    )
    assert first.json()["uri"].endswith("/app.bsky.feed.post/3pub7")
    assert second.status_code == 400 and second.json()["error"] == "InvalidRequest"
    resolved = client.get(
        "/xrpc/com.atproto.identity.resolveHandle", params={"handle": "klinikum.bsky.test"}
    )
    assert resolved.json() == {"did": session["did"]}
    post = sandbox.posts("bluesky")[0]
    assert post["media"][0]["alt_text"] == "Ein Bild"
    assert client.get(post["url"]).status_code == 200


def test_it_refuses_a_wrong_bluesky_password(client, sandbox):
    sandbox.add_account("bluesky", "klinikum.bsky.test", "app-password")
    response = client.post(
        "/xrpc/com.atproto.server.createSession",
        json={"identifier": "klinikum.bsky.test", "password": "nope"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "AuthenticationRequired"


# --- faults, control endpoints, viewer, storage ------------------------------------------


def test_it_injects_a_rate_limit_once_with_the_networks_headers(client, sandbox, ben):
    sandbox.inject_fault(path="/2/tweets", status=429, retry_after=30)
    limited = client.post("/2/tweets", json={"text": "Eins"}, headers=bearer("ben-access"))
    assert limited.status_code == 429
    assert limited.headers["x-rate-limit-remaining"] == "0"
    assert int(limited.headers["x-rate-limit-reset"]) > 0
    assert (
        client.post("/2/tweets", json={"text": "Eins"}, headers=bearer("ben-access")).status_code
        == 201
    )


def test_it_applies_a_fault_without_network_to_the_next_api_request(client, sandbox, anna):
    sandbox.inject_fault(status=503)
    assert client.get("/").status_code == 200  # the viewer is not an API
    response = client.get("/api/v1/accounts/verify_credentials", headers=bearer("anna-token"))
    assert response.status_code == 503
    assert response.json() == {"error": "Service Unavailable"}


def test_it_drops_the_connection_after_accepting(client, sandbox, anna):
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", mode="accept_then_drop")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(
            "/api/v1/statuses", data={"status": "Angekommen?"}, headers=bearer("anna-token")
        )
    assert [p["text"] for p in sandbox.posts("mastodon")] == ["Angekommen?"]


def test_it_takes_accounts_and_faults_over_http(client, sandbox):
    created = client.post(
        "/_sandbox/accounts", json={"network": "x", "handle": "KlinikumMS", "token": "t1"}
    )
    assert created.status_code == 201
    assert created.json()["web_url"] == f"{sandbox.base_url}/x"
    assert (
        client.post("/_sandbox/faults", json={"path": "/2/users/me", "status": 503}).status_code
        == 201
    )
    assert client.get("/2/users/me", headers=bearer("t1")).status_code == 503
    client.post("/_sandbox/accounts/t1/revoke")
    assert client.get("/2/users/me", headers=bearer("t1")).status_code == 401
    assert (
        client.get("/_sandbox/requests", params={"network": "x"}).json()[0]["path"] == "/2/users/me"
    )
    client.post("/_sandbox/reset")
    assert client.get("/_sandbox/accounts").json() == []


def test_it_records_what_clients_sent(client, sandbox, anna):
    client.post(
        "/api/v1/statuses",
        data={"status": "Hallo"},
        headers={**bearer("anna-token"), "X-Test": "1"},
    )
    (sent,) = sandbox.requests("mastodon", "/api/v1/statuses", "POST")
    assert sent["form"] == {"status": ["Hallo"]}
    assert sent["headers"]["x-test"] == "1"


def test_it_shows_posts_escaped_with_german_labels(client, sandbox, anna):
    text = "<script>alert('x')</script> Geburtshilfe"
    status = client.post(
        "/api/v1/statuses", data={"status": text}, headers=bearer("anna-token")
    ).json()
    page = client.get("/").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "Sandbox" in page and "Beitrag öffnen" in page
    assert client.get(status["url"]).status_code == 200
    assert client.get(f"/@klinikum/{int(status['id']) + 1}").status_code == 404


def test_it_keeps_posts_in_a_sqlite_file_across_restarts(tmp_path):
    db = tmp_path / "sandbox.sqlite3"
    with SandboxServer(db_path=db) as first:
        first.add_account("mastodon", "klinikum", "anna-token")
        httpx.post(
            f"{first.base_url}/api/v1/statuses",
            data={"status": "Bleibt"},
            headers=bearer("anna-token"),
        )
    with SandboxServer(db_path=db) as second:
        assert [p["text"] for p in second.posts()] == ["Bleibt"]


def test_it_runs_as_a_module(tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "carecast.sandbox",
            "--port",
            "0",
            "--quiet",
            "--account",
            "x:KlinikumMS:t1",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        base_url = line.split(" on ")[1].split()[0]
        assert (
            httpx.get(f"{base_url}/2/users/me", headers=bearer("t1")).json()["data"]["username"]
            == "KlinikumMS"
        )
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_it_lets_only_allowed_private_hosts_through_the_ssrf_guard(sandbox):
    with pytest.raises(UnsafeURL):
        check_public_url(f"{sandbox.base_url}/feed.xml")
    with pytest.raises(UnsafeURL):
        check_public_url("file:///etc/passwd")
    with pytest.raises(UnsafeURL):
        check_public_url("http://169.254.169.254/latest/meta-data")
    host = sandbox.base_url.split("//")[1]
    assert check_public_url(f"{sandbox.base_url}/feed.xml", allow_hosts=[host])
    assert check_public_url("https://93.184.215.14/feed.xml")
