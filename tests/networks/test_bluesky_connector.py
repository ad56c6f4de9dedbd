"""BlueskyConnector against a real PDS (npm @atproto/pds) and, for the failures a real
PDS will not produce on demand (429, 5xx, timeouts), against a scripted XRPC server.

Personas: the Klinikum's account ``klinikum.test`` posts; ``geburtshilfe.test`` (the
obstetrics department's own account) gets mentioned.
"""

from __future__ import annotations

import base64
import email.utils
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx
import pytest
from atproto import Client
from PIL import Image

from carecast.networks.base import Account, CannotVerify, ConnectorError, MediaFile, PostRequest
from carecast.networks.bluesky.connector import BlueskyConnector, record_key, to_connector_error

POST = "app.bsky.feed.post"
CID = "bafyreigzw7upbll5dqa3zoduuigd7lupn5tjkhpxsvu7wa3sfmsxlbdcsm"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def jwt(sub: str, expires_in: float, scope: str = "com.atproto.access") -> str:
    """A well-formed JWT signed by nobody: a PDS refuses it, our expiry check can read it."""
    now = int(time.time())
    claims = {"scope": scope, "sub": sub, "iat": now, "exp": now + int(expires_in)}
    return f"{_b64({'typ': 'at+jwt', 'alg': 'HS256'})}.{_b64(claims)}.c2lnbmF0dXJl"


def post(
    key: str, text: str = "Heute ist Tag der offenen Tür im Klinikum.", **kwargs
) -> PostRequest:
    return PostRequest(key=key, text=text, **kwargs)


# -- against the real PDS ----------------------------------------------------------------


@pytest.fixture(scope="session")
def geburtshilfe(pds):
    return pds.create_account("geburtshilfe")


@pytest.fixture(scope="session")
def stored_session(pds) -> dict[str, str]:
    """One login for the whole session, as a channel would keep it (createSession is slow)."""
    session = new_session(pds)
    return {"access_jwt": session["accessJwt"], "refresh_jwt": session["refreshJwt"]}


@pytest.fixture
def klinikum(pds, stored_session) -> Account:
    return Account(
        base_url=pds.base_url,
        handle=pds.handle,
        remote_user_id=pds.did,
        credentials={"identifier": pds.handle, "password": pds.password, **stored_session},
    )


@pytest.fixture
def connector(klinikum) -> BlueskyConnector:
    return BlueskyConnector(klinikum)


@pytest.fixture
def key(request) -> str:
    """A publication key of its own per test: the PDS lives for the whole session."""
    return f"carecast-test-{request.node.name}"


def get_record(pds, rkey: str) -> httpx.Response:
    return httpx.get(
        f"{pds.base_url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": pds.did, "collection": POST, "rkey": rkey},
    )


def list_posts(pds) -> list[dict]:
    response = httpx.get(
        f"{pds.base_url}/xrpc/com.atproto.repo.listRecords",
        params={"repo": pds.did, "collection": POST, "limit": 100},
    )
    return response.json()["records"]


def new_session(pds) -> dict:
    return httpx.post(
        f"{pds.base_url}/xrpc/com.atproto.server.createSession",
        json={"identifier": pds.handle, "password": pds.password},
    ).json()


def facet_spans(text: str, facets: list[dict]) -> dict[str, tuple[str, dict]]:
    """Each facet as (the text its byte range covers, its feature), by feature type."""
    raw = text.encode()
    spans = {}
    for facet in facets:
        feature = facet["features"][0]
        covered = raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
        spans[feature["$type"].split("#")[1]] = (covered, feature)
    return spans


@pytest.mark.pds
def test_it_publishes_text_with_link_mention_and_hashtag(pds, connector, geburtshilfe, key):
    text = (
        "Kreißsaalführung mit der @geburtshilfe.test – Anmeldung: "
        "https://klinikum.example/kreisssaal #Geburt 👶 (@niemand.test kennt keiner)"
    )

    result = connector.publish(post(key, text))

    rkey = record_key(key)
    assert result.remote_id == f"at://{pds.did}/{POST}/{rkey}"
    assert result.url == f"https://bsky.app/profile/klinikum.test/post/{rkey}"
    record = get_record(pds, rkey).json()["value"]
    assert record["text"] == text
    assert record["langs"] == ["de"]
    assert record["createdAt"].endswith("Z")
    spans = facet_spans(text, record.get("facets", []))
    assert spans["mention"] == (
        "@geburtshilfe.test",
        {"$type": "app.bsky.richtext.facet#mention", "did": geburtshilfe.did},
    )
    assert spans["link"][0] == "https://klinikum.example/kreisssaal"
    assert spans["link"][1]["uri"] == "https://klinikum.example/kreisssaal"
    assert spans["tag"] == ("#Geburt", {"$type": "app.bsky.richtext.facet#tag", "tag": "Geburt"})
    assert len(record["facets"]) == 3  # the unknown handle stays plain text


@pytest.mark.pds
def test_it_publishes_an_image_with_alt_text_and_the_blob_comes_back(pds, connector, key, tmp_path):
    path = tmp_path / "kreisssaal.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(path)
    alt = "Ein heller Kreißsaal mit Gebärwanne"

    result = connector.publish(post(key, media=(MediaFile(path, "image/png", alt),)))

    record = get_record(pds, result.remote_id.rsplit("/", 1)[1]).json()["value"]
    image = record["embed"]["images"][0]
    assert record["embed"]["$type"] == "app.bsky.embed.images"
    assert image["alt"] == alt
    assert (image["aspectRatio"]["width"], image["aspectRatio"]["height"]) == (64, 48)
    assert image["image"]["mimeType"] == "image/png"
    assert image["image"]["size"] == path.stat().st_size
    blob = httpx.get(
        f"{pds.base_url}/xrpc/com.atproto.sync.getBlob",
        params={"did": pds.did, "cid": image["image"]["ref"]["$link"]},
    )
    assert blob.status_code == 200
    assert blob.content == path.read_bytes()


@pytest.mark.pds
def test_it_refuses_images_over_2_mb_before_uploading(pds, connector, key, tmp_path):
    path = tmp_path / "riesig.jpg"
    path.write_bytes(b"\xff" * 2_000_001)

    with pytest.raises(ConnectorError) as caught:
        connector.publish(post(key, media=(MediaFile(path, "image/jpeg", "zu groß"),)))

    assert caught.value.permanent
    assert "2,000,000" in caught.value.message
    assert connector.find_existing(post(key)) is None


@pytest.mark.pds
def test_it_publishes_the_same_key_only_once(pds, klinikum, key):
    first = BlueskyConnector(klinikum).publish(post(key))
    # A second worker after an unknown outcome: same key, fresh connector.
    second = BlueskyConnector(klinikum).publish(post(key))

    assert second.remote_id == first.remote_id
    assert second.url == first.url
    assert second.raw["existing"] is True
    uris = [r["uri"] for r in list_posts(pds)]
    assert uris.count(first.remote_id) == 1


@pytest.mark.pds
def test_it_shows_what_the_pds_does_with_a_taken_record_key(pds, connector, key):
    connector.publish(post(key))
    session = new_session(pds)
    record = {"$type": POST, "text": "zweimal", "createdAt": "2026-01-01T00:00:00.000Z"}

    response = httpx.post(
        f"{pds.base_url}/xrpc/com.atproto.repo.createRecord",
        headers={"Authorization": f"Bearer {session['accessJwt']}"},
        json={"repo": pds.did, "collection": POST, "rkey": record_key(key), "record": record},
    )

    # The reference PDS does not say "conflict": a 500 that looks transient. The
    # connector therefore reads the key back after any failed create.
    assert response.status_code == 500
    assert response.json()["error"] == "InternalServerError"


@pytest.mark.pds
def test_it_does_not_adopt_a_different_post_under_its_key(pds, connector, key):
    connector.publish(post(key, "Erste Fassung"))

    with pytest.raises(ConnectorError) as caught:
        connector.publish(post(key, "Zweite Fassung"))

    assert caught.value.permanent
    assert "different post" in caught.value.message
    texts = [r["value"]["text"] for r in list_posts(pds)]
    assert "Zweite Fassung" not in texts


@pytest.mark.pds
def test_it_finds_an_existing_post_by_its_key(connector, key):
    assert connector.find_existing(post(key)) is None

    published = connector.publish(post(key))

    assert connector.find_existing(post(key)) == published


@pytest.mark.pds
def test_it_deletes_a_post(pds, connector, key):
    published = connector.publish(post(key))

    connector.delete(published.remote_id)

    assert get_record(pds, record_key(key)).json()["error"] == "RecordNotFound"
    assert connector.find_existing(post(key)) is None
    connector.delete(published.remote_id)  # already gone: nothing to do


@pytest.mark.pds
def test_it_logs_in_with_the_app_password_and_hands_back_the_session(pds):
    account = Account(pds.base_url, pds.handle, credentials={"password": pds.password})
    connector = BlueskyConnector(account)

    assert connector.verify_credentials() == "klinikum.test"
    assert set(connector.updated_credentials) == {"access_jwt", "refresh_jwt"}


@pytest.mark.pds
def test_it_reports_a_wrong_password_as_auth_error(pds, klinikum):
    account = Account(
        base_url=pds.base_url,
        handle=pds.handle,
        credentials={"identifier": pds.handle, "password": "falsch-falsch"},
    )

    with pytest.raises(ConnectorError) as caught:
        BlueskyConnector(account).verify_credentials()

    assert caught.value.auth and caught.value.permanent
    assert caught.value.status == 401
    assert "Invalid identifier or password" in caught.value.message


@pytest.mark.pds
@pytest.mark.parametrize("access_jwt", ["garbage", "forged"])
def test_it_reports_an_unusable_access_token_without_refresh_as_auth_error(pds, access_jwt, key):
    token = jwt(pds.did, 3600) if access_jwt == "forged" else access_jwt
    account = Account(base_url=pds.base_url, handle=pds.handle, credentials={"access_jwt": token})
    connector = BlueskyConnector(account)

    with pytest.raises(ConnectorError) as caught:
        connector.publish(post(key))

    assert caught.value.auth
    assert "reconnect" in caught.value.message
    assert connector.updated_credentials is None


@pytest.mark.pds
def test_it_reuses_a_stored_session_without_logging_in(pds, key):
    session = new_session(pds)
    account = Account(
        base_url=pds.base_url,
        handle=pds.handle,
        credentials={"access_jwt": session["accessJwt"], "refresh_jwt": session["refreshJwt"]},
    )
    connector = BlueskyConnector(account)

    connector.publish(post(key))

    assert connector.updated_credentials is None  # neither a login nor a refresh


@pytest.mark.pds
def test_it_refreshes_an_expired_access_token_and_reports_both_tokens(pds, key):
    session = new_session(pds)
    account = Account(
        base_url=pds.base_url,
        handle=pds.handle,
        credentials={"access_jwt": jwt(pds.did, -60), "refresh_jwt": session["refreshJwt"]},
    )
    connector = BlueskyConnector(account)

    connector.publish(post(key))

    new = connector.updated_credentials
    assert new["refresh_jwt"] and new["refresh_jwt"] != session["refreshJwt"]
    assert new["access_jwt"] != account.credentials["access_jwt"]


@pytest.mark.pds
def test_it_logs_in_again_when_the_refresh_token_was_revoked(pds, key):
    session = new_session(pds)
    revoked = httpx.post(
        f"{pds.base_url}/xrpc/com.atproto.server.deleteSession",
        headers={"Authorization": f"Bearer {session['refreshJwt']}"},
    )
    assert revoked.status_code == 200
    credentials = {"access_jwt": "garbage", "refresh_jwt": session["refreshJwt"]}

    with pytest.raises(ConnectorError) as caught:
        BlueskyConnector(Account(pds.base_url, pds.handle, credentials=credentials)).publish(
            post(key)
        )
    assert caught.value.auth
    assert "revoked" in caught.value.message

    connector = BlueskyConnector(
        Account(pds.base_url, pds.handle, credentials={**credentials, "password": pds.password})
    )
    connector.publish(post(key))
    assert connector.updated_credentials["refresh_jwt"] != session["refreshJwt"]


@pytest.mark.pds
def test_it_counts_graphemes_and_refuses_301_before_sending(pds, connector, key):
    accent = "e\u0301"  # é as e + combining acute: one grapheme, two code points, 3 bytes
    connector.publish(post(key, accent * 300))

    with pytest.raises(ConnectorError) as caught:
        connector.publish(post(key + "-long", accent * 301))

    assert caught.value.permanent
    assert "301 graphemes" in caught.value.message
    assert connector.find_existing(post(key + "-long")) is None


@pytest.mark.pds
def test_it_shows_the_pds_refuses_301_graphemes_too(pds):
    client = Client(base_url=pds.base_url)
    client.login(pds.handle, pds.password, fetch_bsky_profile=False)
    record = {"$type": POST, "text": "ü" * 301, "createdAt": "2026-01-01T00:00:00.000Z"}

    with pytest.raises(Exception) as caught:
        client.com.atproto.repo.create_record(
            {"repo": pds.did, "collection": POST, "record": record}
        )

    error = to_connector_error(caught.value, write=True)
    assert error.permanent and not error.auth and error.status == 400
    assert "grapheme too big (maximum 300, got 301)" in error.message


@pytest.mark.pds
def test_it_fails_permanently_with_the_pds_message_on_invalid_records(connector, key):
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post(key, language="kein Sprachcode!"))

    assert caught.value.permanent and not caught.value.auth
    assert caught.value.status == 400
    assert "Invalid language" in caught.value.message


# -- against a scripted XRPC server on 127.0.0.1 ----------------------------------------

Reply = tuple[int, dict[str, str], dict | None]


class ScriptedPds:
    """Answers XRPC methods from a script: ``routes[method] = callable(body) -> Reply``."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[dict], Reply]] = {}
        self.calls: list[tuple[str, dict, dict[str, str]]] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                query = parse_qs(self.path.partition("?")[2])
                self._answer({name: values[0] for name, values in query.items()})

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                self._answer(json.loads(raw) if raw.startswith(b"{") else {})

            def _answer(self, body: dict) -> None:
                method = self.path.split("/xrpc/", 1)[-1].split("?", 1)[0]
                headers = {name.lower(): value for name, value in self.headers.items()}
                script.calls.append((method, body, headers))
                route = script.routes.get(
                    method, lambda _: (501, {}, {"error": "MethodNotImplemented"})
                )
                status, headers, payload = route(body)
                data = json.dumps(payload).encode() if payload is not None else b""
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (timeout tests)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def methods(self) -> list[str]:
        return [method for method, _, _ in self.calls]


def not_found(_body) -> Reply:
    return 400, {}, {"error": "RecordNotFound", "message": "Could not locate record"}


@pytest.fixture
def scripted():
    server = ScriptedPds()
    server.routes["com.atproto.repo.getRecord"] = not_found
    yield server
    server.server.shutdown()
    server.server.server_close()


DID = "did:plc:klinikumfake"


def scripted_connector(url: str, **credentials) -> BlueskyConnector:
    stored = {"access_jwt": jwt(DID, 7200), "refresh_jwt": jwt(DID, 86400, "refresh")}
    account = Account(
        base_url=url,
        handle="klinikum.test",
        credentials={**stored, **credentials},
        config={"timeout": 0.5},
    )
    return BlueskyConnector(account)


def created(body) -> Reply:
    return 200, {}, {"uri": f"at://{DID}/{POST}/{body['rkey']}", "cid": CID}


def test_it_honours_ratelimit_reset_on_429(scripted):
    reset = int(time.time()) + 120
    scripted.routes["com.atproto.repo.createRecord"] = lambda _: (
        429,
        {"ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": str(reset)},
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
    )

    with pytest.raises(ConnectorError) as caught:
        scripted_connector(scripted.url).publish(post("k"))

    error = caught.value
    assert not error.permanent and not error.outcome_unknown
    assert error.status == 429
    assert 110 <= error.retry_after <= 121
    assert "RateLimitExceeded" in error.message


def test_it_prefers_retry_after_on_429(scripted):
    scripted.routes["com.atproto.repo.createRecord"] = lambda _: (
        429,
        {"Retry-After": "30", "ratelimit-reset": str(int(time.time()) + 900)},
        {"error": "RateLimitExceeded"},
    )

    with pytest.raises(ConnectorError) as caught:
        scripted_connector(scripted.url).publish(post("k"))

    assert caught.value.retry_after == 30


def test_it_treats_a_500_on_create_as_unknown_outcome_after_looking(scripted):
    scripted.routes["com.atproto.repo.createRecord"] = lambda _: (
        500,
        {},
        {"error": "InternalServerError", "message": "Internal Server Error"},
    )

    with pytest.raises(ConnectorError) as caught:
        scripted_connector(scripted.url).publish(post("k"))

    error = caught.value
    assert not error.permanent and error.outcome_unknown and error.status == 500
    assert scripted.methods() == ["com.atproto.repo.createRecord", "com.atproto.repo.getRecord"]
    assert scripted.calls[0][1]["rkey"] == scripted.calls[1][1]["rkey"] == record_key("k")


def test_it_returns_the_post_a_failed_create_did_commit(scripted):
    text = "Heute ist Tag der offenen Tür im Klinikum."
    scripted.routes["com.atproto.repo.createRecord"] = lambda _: (502, {}, None)
    scripted.routes["com.atproto.repo.getRecord"] = lambda _: (
        200,
        {},
        {
            "uri": f"at://{DID}/{POST}/{record_key('k')}",
            "cid": CID,
            "value": {"$type": POST, "text": text, "createdAt": "2026-11-23T10:00:00.000Z"},
        },
    )

    result = scripted_connector(scripted.url).publish(post("k", text))

    assert result.remote_id == f"at://{DID}/{POST}/{record_key('k')}"
    assert result.raw["existing"] is True


@pytest.mark.parametrize("retry_after", ["60", "http-date"])
def test_it_honours_retry_after_on_503(scripted, retry_after):
    if retry_after == "http-date":
        retry_after = email.utils.formatdate(time.time() + 60, usegmt=True)
    scripted.routes["com.atproto.repo.createRecord"] = lambda _: (
        503,
        {"Retry-After": retry_after},
        {"error": "ServiceUnavailable"},
    )

    with pytest.raises(ConnectorError) as caught:
        scripted_connector(scripted.url).publish(post("k"))

    assert 55 <= caught.value.retry_after <= 60
    assert not caught.value.permanent and caught.value.outcome_unknown


def test_it_treats_a_timeout_after_sending_as_unknown_outcome(scripted):
    def slow(_body) -> Reply:
        time.sleep(1.5)
        return 200, {}, {"uri": "at://x/y/z", "cid": CID}

    scripted.routes["com.atproto.repo.createRecord"] = slow

    with pytest.raises(ConnectorError) as caught:
        scripted_connector(scripted.url).publish(post("k"))

    assert not caught.value.permanent and caught.value.outcome_unknown
    assert "ReadTimeout" in caught.value.message


def test_it_knows_a_refused_connection_sent_nothing():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the connector dials it

    with pytest.raises(ConnectorError) as caught:
        scripted_connector(f"http://127.0.0.1:{port}").publish(post("k"))

    assert not caught.value.permanent and not caught.value.outcome_unknown


def test_it_refreshes_once_when_the_pds_refuses_the_access_token(scripted):
    tokens = iter(["first", "second"])

    def create(body) -> Reply:
        if next(tokens) == "first":
            return 400, {}, {"error": "ExpiredToken", "message": "Token has expired"}
        return created(body)

    scripted.routes["com.atproto.repo.createRecord"] = create
    scripted.routes["com.atproto.server.refreshSession"] = lambda _: (
        200,
        {},
        {"accessJwt": jwt(DID, 7201), "refreshJwt": "", "did": DID, "handle": "klinikum.test"},
    )
    connector = scripted_connector(scripted.url)
    stored_refresh = connector.account.credentials["refresh_jwt"]

    result = connector.publish(post("k"))

    assert result.remote_id.endswith(record_key("k"))
    assert scripted.methods() == [
        "com.atproto.repo.createRecord",
        "com.atproto.server.refreshSession",
        "com.atproto.repo.createRecord",
    ]
    assert scripted.calls[1][2]["authorization"] == f"Bearer {stored_refresh}"
    # The PDS sent an empty refresh token: we keep the one we have.
    assert connector.updated_credentials["refresh_jwt"] == stored_refresh
    assert (
        connector.updated_credentials["access_jwt"] != connector.account.credentials["access_jwt"]
    )


def test_it_reports_the_tokens_of_the_sdks_early_refresh(scripted):
    new_access, new_refresh = jwt(DID, 7200), jwt(DID, 90 * 86400, "refresh")
    scripted.routes["com.atproto.repo.createRecord"] = created
    scripted.routes["com.atproto.server.refreshSession"] = lambda _: (
        200,
        {},
        {"accessJwt": new_access, "refreshJwt": new_refresh, "did": DID, "handle": "klinikum.test"},
    )
    # Ten minutes left: usable, but the SDK renews tokens within 15 minutes of expiry.
    connector = scripted_connector(scripted.url, access_jwt=jwt(DID, 600))

    connector.publish(post("k"))

    assert scripted.methods() == [
        "com.atproto.server.refreshSession",
        "com.atproto.repo.createRecord",
    ]
    assert connector.updated_credentials == {"access_jwt": new_access, "refresh_jwt": new_refresh}


def test_it_pauses_when_refresh_is_refused_and_no_password_is_stored(scripted):
    scripted.routes["com.atproto.repo.createRecord"] = lambda _: (
        401,
        {},
        {"error": "AuthenticationRequired", "message": "Invalid token"},
    )
    scripted.routes["com.atproto.server.refreshSession"] = lambda _: (
        400,
        {},
        {"error": "ExpiredToken", "message": "Token has been revoked"},
    )

    with pytest.raises(ConnectorError) as caught:
        scripted_connector(scripted.url).publish(post("k"))

    assert caught.value.auth and not caught.value.outcome_unknown
    assert "createSession" not in " ".join(scripted.methods())


def test_it_cannot_verify_when_the_pds_is_down(scripted):
    scripted.routes["com.atproto.repo.getRecord"] = lambda _: (502, {}, None)

    with pytest.raises(CannotVerify):
        scripted_connector(scripted.url).find_existing(post("k"))


def test_it_derives_a_valid_stable_tid_from_the_key():
    rkey = record_key("carecast-pub-42")

    assert rkey == record_key("carecast-pub-42")
    assert rkey != record_key("carecast-pub-43")
    assert len(rkey) == 13 and rkey[0] in "234567abcdefghij"
    assert set(rkey) <= set("234567abcdefghijklmnopqrstuvwxyz")

    value = 0
    for char in rkey:
        value = value * 32 + "234567abcdefghijklmnopqrstuvwxyz".index(char)
    assert (value >> 10) // 1_000_000 // 86400 // 365 + 1970 == 2023  # in the past, on purpose
