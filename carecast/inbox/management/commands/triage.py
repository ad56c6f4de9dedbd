"""``carecast triage``: one comment per line on stdin, one JSON object per line on stdout."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from carecast.inbox.triage import triage


class Command(BaseCommand):
    help = "Label comments (one per line on stdin) as JSON lines: text, labels, reasons."
    stealth_options = ("stdin",)  # tests pass their own stream

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        for line in stdin:
            text = line.rstrip("\n").rstrip("\r")
            if not text.strip():
                continue
            self.stdout.write(json.dumps(triage(text).as_json(), ensure_ascii=False))
