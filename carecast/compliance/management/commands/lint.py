"""``carecast lint FILE.json``: the checks on one draft, as JSON.

Exit status: 1 if a finding blocks, 0 otherwise, 2 if the file is not a draft.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from carecast.compliance.checks.format_rules import known_networks
from carecast.compliance.draft import InvalidDraft, draft_from_json
from carecast.compliance.service import run_checks


class Command(BaseCommand):
    help = "Check a draft post or reply (JSON file, or - for stdin) and print the findings."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            draft = load(file)
        except InvalidDraft as exc:
            self.stderr.write(f"{file}: not a valid draft: {exc}")
            sys.exit(2)
        findings = run_checks(draft)
        self.stdout.write(
            json.dumps({"findings": [f.as_json() for f in findings]}, ensure_ascii=False, indent=2)
        )
        sys.exit(1 if any(f.blocks for f in findings) else 0)


def load(file: str):
    """Read and validate the draft; every problem becomes InvalidDraft with a clear message."""
    try:
        raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidDraft(f"cannot read the file ({exc.__class__.__name__}: {exc})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidDraft(
            f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    draft = draft_from_json(data)
    unknown = sorted(set(draft.networks) - known_networks())
    if unknown:
        raise InvalidDraft(
            f"unknown network(s) {', '.join(unknown)}; known: {', '.join(sorted(known_networks()))}"
        )
    return draft
