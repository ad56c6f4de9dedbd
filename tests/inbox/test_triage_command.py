"""``carecast triage``: one comment per line in, one JSON object per line out."""

from __future__ import annotations

import io
import json

from django.core.management import call_command


def test_it_writes_one_json_object_per_comment():
    comments = "Mein Vater hat gerade Brustschmerzen!\n\nDanke an die Hebammen ❤️\r\n"
    out = io.StringIO()
    call_command("triage", stdin=io.StringIO(comments), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["text"] for line in lines] == [
        "Mein Vater hat gerade Brustschmerzen!",
        "Danke an die Hebammen ❤️",
    ]
    for line in lines:
        assert set(line) == {"text", "labels", "reasons"}
        assert set(line["reasons"]) == set(line["labels"])  # every label says why
    assert "emergency" in lines[0]["labels"]
    assert lines[0]["reasons"]["emergency"] == ["brustschmerzen"]  # the rule's word
    assert "praise" in lines[1]["labels"] and "danke" in lines[1]["reasons"]["praise"]
