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
    assert lines == [
        {
            "text": "Mein Vater hat gerade Brustschmerzen!",
            "labels": ["emergency"],
            "reasons": {"emergency": ["brustschmerzen"]},
        },
        {
            "text": "Danke an die Hebammen ❤️",
            "labels": ["praise"],
            "reasons": {"praise": ["danke", "❤"]},
        },
    ]
