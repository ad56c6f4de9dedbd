"""Every environment variable carecast reads is in docs/operating.md's table, and no other."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(
    r"""(?:env_[a-z_]+|os\.environ\.get|os\.getenv)\(\s*['"]([A-Z][A-Z0-9_]+)['"]"""
    r"""|os\.environ\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]"""
)
ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]+)` \|", re.MULTILINE)


def read_in_code() -> set[str]:
    names = set()
    for path in (ROOT / "carecast").rglob("*.py"):
        if "sandbox" in path.parts:
            continue  # the local network servers read no settings of their own
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


def documented() -> set[str]:
    guide = (ROOT / "docs" / "operating.md").read_text(encoding="utf-8")
    table = guide.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    return set(ROW.findall(table))


def test_it_documents_every_variable_the_code_reads():
    missing = read_in_code() - documented()
    assert not missing, f"add these to docs/operating.md (Environment variables): {sorted(missing)}"


def test_it_documents_no_variable_the_code_no_longer_reads():
    stale = documented() - read_in_code()
    assert not stale, f"docs/operating.md lists variables nothing reads: {sorted(stale)}"


def test_it_finds_variables_however_the_call_is_wrapped():
    """The scan itself: multi-line calls and single quotes count (settings.py has both)."""
    text = 'X = env_str(\n    "CARECAST_A", "")\nY = env_int(\'CARECAST_B\', 1)\nos.environ["C_D"]'
    found = {m.group(1) or m.group(2) for m in READ.finditer(text)}
    assert found == {"CARECAST_A", "CARECAST_B", "C_D"}
