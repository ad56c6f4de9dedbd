"""The sandbox answers as the networks' references say: every response the connectors get
from it in a day's work is checked against the example payloads recorded from the API
references under ``tests/fixtures/<network>/`` (each file names its source), so the sandbox
cannot drift from the real APIs unnoticed.

A response *conforms* to an example when it has the example's keys (no more, no fewer),
each value of the example's JSON type, lists item by item against the example's first item.
Each example must be matched by at least one response, so none goes stale unchecked.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from carecast.networks.base import Account, MediaFile, PostRequest
from carecast.networks.facebook.connector import FacebookConnector
from carecast.networks.facebook.graph import reset_throttles
from carecast.networks.instagram.connector import InstagramConnector
from carecast.networks.linkedin.connector import LinkedInConnector
from carecast.networks.threads.connector import ThreadsConnector

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def examples(network: str) -> list[dict[str, Any]]:
    found = []
    for path in sorted((FIXTURES / network).glob("*.json")):
        example = json.loads(path.read_text())
        if "endpoint" in example:
            found.append({**example, "file": path.name})
    return found


def pattern(endpoint: str) -> tuple[str, re.Pattern[str]]:
    """ "GET /{ig-user-id}/media" → ("GET", a regex for the path after the API version)."""
    method, path = endpoint.split(" ", 1)
    regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
    return method, re.compile(rf"^(?:/v[\d.]+)?{regex}$")


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {dict: "object", list: "array", str: "string", type(None): "null"}[type(value)]


def differences(actual: Any, example: Any, where: str = "$") -> list[str]:
    """Where ``actual`` does not have the shape of ``example`` (empty: it conforms)."""
    if json_type(actual) != json_type(example):
        return [f"{where}: {json_type(actual)}, the reference has {json_type(example)}"]
    if isinstance(example, dict):
        found = [f"{where}.{k}: missing" for k in example if k not in actual]
        found += [f"{where}.{k}: not in the reference" for k in actual if k not in example]
        for key in example.keys() & actual.keys():
            found += differences(actual[key], example[key], f"{where}.{key}")
        return found
    if isinstance(example, list) and example:
        return [
            d
            for i, item in enumerate(actual)
            for d in differences(item, example[0], f"{where}[{i}]")
        ]
    return []


class Recorder:
    """Every response a connector's client receives: method, path, status, headers, body."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def attach(self, connector: Any, prefix: str) -> Any:
        def hook(response: httpx.Response) -> None:
            response.read()
            path = response.request.url.path.removeprefix(prefix)
            try:
                body = response.json() if response.content else None
            except ValueError:
                body = None
            self.seen.append(
                {
                    "method": response.request.method,
                    "path": path,
                    "status": response.status_code,
                    "headers": response.headers,
                    "body": body,
                }
            )

        connector.client.event_hooks["response"].append(hook)
        return connector

    def dump(self) -> str:
        return "\n".join(
            f"{s['method']} {s['path']} {s['status']} {json.dumps(s['body'])[:300]}"
            for s in self.seen
        )


ALT = "Zwei Hebammen im Kreißsaal"


@pytest.fixture(autouse=True)
def _no_remembered_limits():
    reset_throttles()
    yield
    reset_throttles()


@pytest.fixture
def public_carecast(transactional_db, anna, live_server, settings, tmp_path):
    """carecast's own server (set up: it has a person), from which Instagram and Threads
    fetch the images."""
    settings.MEDIA_ROOT = tmp_path
    return live_server.url


@pytest.fixture
def photo(settings):
    def make(name: str = "kreisssaal.jpg") -> MediaFile:
        path = Path(default_storage.path(default_storage.save(name, ContentFile(b""))))
        Image.new("RGB", (8, 8), "teal").save(path, "JPEG")
        return MediaFile(path, "image/jpeg", ALT)

    return make


def account(sandbox, network: str, prefix: str, **config: Any) -> Account:
    remote = sandbox.add_account(network, "klinikum", f"token-{network}", display_name="Klinikum")
    return Account(
        base_url=f"{sandbox.base_url}/{prefix}",
        handle="klinikum",
        remote_user_id=str(remote["id"]),
        credentials={"access_token": f"token-{network}", "refresh_token": "refresh-li"},
        config=config,
    )


def post(text: str, key: str = "pub-1", **kw: Any) -> PostRequest:
    return PostRequest(key=key, text=text, **kw)


def facebook_day(sandbox, recorder: Recorder, photo) -> None:
    connector = recorder.attach(
        FacebookConnector(account(sandbox, "facebook", "graph"), timeout=5), "/graph"
    )
    connector.verify_credentials()
    first = connector.publish(post("Infoabend im Babytown", link="https://klinikum.example/"))
    connector.publish(post("Unser Kreißsaal", "pub-2", media=(photo(), photo("zwei.jpg"))))
    visitor = sandbox.add_comment("facebook", first.remote_id, "Muss man sich anmelden?", "lena")
    connector.fetch_mentions()
    connector.fetch_replies(first.remote_id)
    reply = connector.publish(post("Nein, einfach kommen.", "pub-3", reply_to=visitor["id"]))
    connector.find_existing(post("Infoabend im Babytown", maybe_sent=True))
    connector.find_existing(post("Nein, einfach kommen.", "pub-3", reply_to=visitor["id"]))
    connector.hide_reply(visitor["id"])
    connector.delete(reply.remote_id)
    sandbox.expire("token-facebook")
    with pytest.raises(Exception):
        connector.verify_credentials()
    connector.close()


def instagram_day(sandbox, recorder: Recorder, photo, public_base: str) -> None:
    ig = account(sandbox, "instagram", "graph", public_base=public_base)
    connector = recorder.attach(InstagramConnector(ig, timeout=5), "/graph")
    connector.poll_interval = 0
    connector.verify_credentials()
    first = connector.publish(post("Wir suchen Pflegekräfte #pflege", media=(photo(),)))
    connector.publish(post("Einblicke", "pub-2", media=(photo(), photo("zwei.jpg"))))
    visitor = sandbox.add_comment("instagram", first.remote_id, "Gibt es Teilzeit?", "jonas")
    connector.fetch_mentions()
    connector.fetch_replies(first.remote_id)
    connector.publish(post("Ja, gern!", "pub-3", reply_to=visitor["id"]))
    connector.find_existing(post("Wir suchen Pflegekräfte #pflege", maybe_sent=True))
    connector.hide_reply(visitor["id"])
    connector.close()
    broken = recorder.attach(
        InstagramConnector(replace(ig, config={"public_base": "http://127.0.0.1:9"}), timeout=5),
        "/graph",
    )
    with pytest.raises(Exception, match="could not be fetched"):
        broken.publish(post("Ohne Bild", "pub-4", media=(photo(),)))
    broken.close()


def threads_day(sandbox, recorder: Recorder, photo, public_base: str) -> None:
    profile = account(sandbox, "threads", "threads-graph", public_base=public_base)
    connector = recorder.attach(ThreadsConnector(profile, timeout=5), "/threads-graph")
    connector.poll_interval = 0
    connector.verify_credentials()
    first = connector.publish(post("Heute ist Tag der offenen Tür 🏥"))
    connector.publish(post("Unser Kreißsaal", "pub-2", media=(photo(),)))
    visitor = sandbox.add_comment("threads", first.remote_id, "Bis wann?", "ole")
    connector.fetch_mentions()
    connector.fetch_replies(first.remote_id)
    connector.find_existing(post("Heute ist Tag der offenen Tür 🏥", maybe_sent=True))
    connector.hide_reply(visitor["id"])
    connector.refresh_token()
    connector.delete(first.remote_id)
    for token in {
        profile.credentials["access_token"],
        connector.updated_credentials["access_token"],
    }:
        sandbox.expire(token)
    with pytest.raises(Exception, match="190"):
        connector.verify_credentials()
    connector.close()


def linkedin_day(sandbox, recorder: Recorder, photo) -> None:
    connector = recorder.attach(
        LinkedInConnector(account(sandbox, "linkedin", "linkedin"), timeout=5), "/linkedin"
    )
    connector.verify_credentials()
    first = connector.publish(post("Wir suchen (m/w/d) Pflegekräfte #Pflege"))
    connector.publish(post("Unser Team", "pub-2", media=(photo(), photo("zwei.jpg"))))
    sandbox.add_comment("linkedin", first.remote_id, "Gibt es Teilzeit?", "jonas")
    connector.fetch_mentions()
    connector.fetch_replies(first.remote_id)
    connector.publish(post("Ja (ab 20 Std.)", "pub-3", reply_to=first.remote_id))
    connector.find_existing(post("Wir suchen (m/w/d) Pflegekräfte #Pflege", maybe_sent=True))
    connector.delete(first.remote_id)
    sandbox.settings["linkedin_oldest_version"] = "209901"
    with pytest.raises(Exception):
        connector.publish(post("Hallo", "pub-4"))
    connector.close()


def present(actual: Any, path: str) -> bool:
    """Whether ``actual`` has ``path`` ("data[].from.id": in every item of ``data``)."""
    head, _, rest = path.partition(".")
    name, is_list = head.removesuffix("[]"), head.endswith("[]")
    if not isinstance(actual, dict) or name not in actual:
        return False
    value = actual[name]
    if is_list:
        return isinstance(value, list) and all(not rest or present(v, rest) for v in value)
    return not rest or present(value, rest)


def subset_differences(actual: Any, example: Any, where: str = "$") -> list[str]:
    """Like ``differences``, but the reference may show fields the sandbox leaves out
    (Graph returns only the fields asked for); it must not have fields the reference lacks."""
    if json_type(actual) != json_type(example):
        return [f"{where}: {json_type(actual)}, the reference has {json_type(example)}"]
    if isinstance(example, dict):
        found = [f"{where}.{k}: not in the reference" for k in actual if k not in example]
        for key in example.keys() & actual.keys():
            found += subset_differences(actual[key], example[key], f"{where}.{key}")
        return found
    if isinstance(example, list) and example:
        return [
            d
            for i, item in enumerate(actual)
            for d in subset_differences(item, example[0], f"{where}[{i}]")
        ]
    return []


def check(network: str, seen: list[dict[str, Any]]) -> None:
    refs = examples(network)
    assert refs, f"no recorded examples for {network}"
    by_literal = sorted(refs, key=lambda r: r["endpoint"].count("{"))
    used: set[str] = set()
    problems: list[str] = []
    for response in seen:
        if response["status"] >= 400:
            candidates = [r for r in refs if r["endpoint"] == "ANY error"]
        else:
            candidates = []
            for ref in by_literal:
                if ref["endpoint"] == "ANY error":
                    continue
                method, regex = pattern(ref["endpoint"])
                key = ref.get("match_key")
                body = response["body"]
                keyed = key is None or (isinstance(body, dict) and key in body)
                if method == response["method"] and regex.match(response["path"]) and keyed:
                    candidates = [ref]
                    break
        label = f"{response['method']} {response['path']} ({response['status']})"
        if not candidates:
            problems.append(f"{label}: no recorded example for this response")
            continue
        ref = candidates[0]
        used.add(ref["file"])
        if ref.get("status") and response["status"] != ref["status"]:
            problems.append(f"{label}: status, the reference answers {ref['status']}")
        if ref["body"] is None:
            if response["body"] not in (None, {}):
                problems.append(f"{label}: a body where the reference has none")
        else:
            problems += [f"{label} {d}" for d in subset_differences(response["body"], ref["body"])]
            missing = [p for p in ref.get("required", []) if not present(response["body"], p)]
            problems += [f"{label}: lacks {p}, which carecast reads" for p in missing]
        for header in ref.get("headers", []):
            if header not in response["headers"]:
                problems.append(f"{label}: lacks the {header} header")
    unused = sorted({r["file"] for r in refs} - used)
    problems += [f"{name}: no sandbox response was checked against it" for name in unused]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("network", ["facebook", "instagram", "threads", "linkedin"])
def test_it_answers_as_the_recorded_reference_examples(sandbox, photo, public_carecast, network):
    days = {
        "facebook": lambda r: facebook_day(sandbox, r, photo),
        "instagram": lambda r: instagram_day(sandbox, r, photo, public_carecast),
        "threads": lambda r: threads_day(sandbox, r, photo, public_carecast),
        "linkedin": lambda r: linkedin_day(sandbox, r, photo),
    }
    recorder = Recorder()
    days[network](recorder)
    check(network, recorder.seen)


def test_it_notices_a_sandbox_that_drifts_from_the_reference():
    """The check itself: a field the reference lacks, a wrong type, a missing field."""
    seen = [
        {
            "method": "GET",
            "path": "/v21.0/1/content_publishing_limit",
            "status": 200,
            "headers": {},
            "body": {"data": [{"quota_usage": "2", "config": {"quota_total": 50}, "extra": 1}]},
        },
    ]
    with pytest.raises(AssertionError) as caught:
        check("instagram", seen)
    message = str(caught.value)
    assert "$.data[0].quota_usage: string, the reference has number" in message
    assert "$.data[0].extra: not in the reference" in message
    assert "container_create.json: no sandbox response was checked against it" in message
    assert not present({"data": [{"config": {}}]}, "data[].config.quota_total")
