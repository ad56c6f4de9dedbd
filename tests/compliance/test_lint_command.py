"""``carecast lint FILE.json``: findings as JSON; exit 1 on a block, 0 otherwise, 2 on a bad file."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command


def lint(path) -> tuple[int, dict | None, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("lint", str(path), stdout=out, stderr=err)
    body = json.loads(out.getvalue()) if out.getvalue() else None
    return exit_.value.code, body, err.getvalue()


def write(tmp_path, data, name="draft.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


FULL = {
    "text": "Vorher/Nachher: Lippen-Filler mit Hyaluron",
    "networks": ["mastodon", "instagram"],
    "account": {"kind": "brand", "imprint_url": "https://klinikum.example/impressum"},
    "media": [
        {
            "kind": "image",
            "alt_text": "Lippen",
            "tags": ["vorher-nachher"],
            "people": [{"name": "Lena", "consent": "given", "patient": False, "art9": False}],
            "music": None,
        }
    ],
    "reply_to": None,
}


def test_it_exits_1_and_prints_the_findings_when_one_blocks(tmp_path):
    code, body, _ = lint(write(tmp_path, FULL))
    assert code == 1
    (finding,) = body["findings"]
    assert set(finding) == {"id", "severity", "message", "span"}
    assert finding["id"] == "hwg.before_after" and finding["severity"] == "block"
    assert FULL["text"][slice(*finding["span"])] == "Vorher/Nachher"


def test_it_exits_0_when_nothing_blocks(tmp_path):
    code, body, _ = lint(
        write(
            tmp_path, {**FULL, "text": "Schmerzfreie Geburt", "networks": ["mastodon"], "media": []}
        )
    )
    assert code == 0 and [f["id"] for f in body["findings"]] == ["hwg.success_promise"]


def test_it_takes_a_minimal_draft(tmp_path):
    code, body, _ = lint(write(tmp_path, {"text": "Neuer MRT in Betrieb"}))
    assert code == 0 and body == {"findings": [f for f in body["findings"]]}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not JSON"),
        ("", "not JSON"),
        ("[1, 2]", "JSON object"),
        (json.dumps({"text": 3}), "text"),
        (json.dumps({"text": "x", "networks": ["myspace"]}), "unknown network"),
        (json.dumps({"text": "x", "txet": "y"}), "Unknown field"),
        (json.dumps({**FULL, "account": {"kind": "company"}}), "account.kind"),
        (
            json.dumps({**FULL, "media": [{"kind": "image", "people": [{"consent": "yes"}]}]}),
            "media.0.people.0",
        ),
    ],
)
def test_it_exits_2_with_a_clear_message_on_a_bad_file(tmp_path, content, says):
    code, body, err = lint(write(tmp_path, content))
    assert code == 2 and body is None
    assert "not a valid draft" in err and says in err


def test_it_exits_2_when_the_file_is_missing_or_not_text(tmp_path):
    code, _, err = lint(tmp_path / "nope.json")
    assert code == 2 and "cannot read" in err
    binary = tmp_path / "image.json"
    binary.write_bytes(b"\xff\xd8\xff\xe0 JFIF")
    code, _, err = lint(binary)
    assert code == 2 and "cannot read" in err
