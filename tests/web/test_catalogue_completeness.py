"""CI fails on untranslated or obsolete strings.

1. No catalogue holds an empty translation, a fuzzy one or an obsolete (``#~``) entry.
2. ``makemessages`` runs over a copy of the code into a temporary directory (never the
   repository's catalogues) and each catalogue is compared with what it would become: a
   string the code uses but its catalogue does not translate, or an entry its catalogue
   keeps that the code no longer routes there (a routine ``makemessages`` would drop it,
   as it would have the composer's strings kept only in the compliance catalogue), fails.
   ``catalogue_debt.txt`` lists the mismatches found when this check was introduced; it may
   only shrink — nothing new may be added to it.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2] / "carecast"
DEBT = Path(__file__).with_name("catalogue_debt.txt")
CATALOGUES = sorted(ROOT.glob("**/locale/de/LC_MESSAGES/django.po"))


def parse(po: Path) -> dict[tuple[str | None, str], str]:
    """(context, msgid) → first msgstr of every live entry; obsolete ``#~`` entries skipped."""
    entries: dict[tuple[str | None, str], str] = {}
    current: dict[str, str] = {}
    key = ""

    def flush():
        if current.get("msgid"):
            translated = current.get("msgstr", current.get("msgstr[0]", ""))
            entries[(current.get("msgctxt"), current["msgid"])] = translated

    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            flush()
            current, key = {}, ""
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_it_has_no_empty_fuzzy_or_obsolete_entry(po):
    text = po.read_text(encoding="utf-8")
    assert "\n#~ " not in text, "obsolete entries: delete them"
    header_end = text.index("\n\n") if text.startswith(("#", 'msgid ""')) else 0
    assert "#, fuzzy" not in text[header_end:], "fuzzy entries: check and translate them"
    empty = [msgid for msgid, msgstr in parse(po).items() if not msgstr]
    assert empty == []


def drift(tmp_path, settings) -> set[str]:
    """What a routine makemessages would change in each catalogue, one line per string."""
    copy = tmp_path / "carecast"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns("*.po", "*.mo", "static", "__pycache__")
    )
    settings.LOCALE_PATHS = []  # the copy's own locale/ is the default, never the repository's
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=["de"], no_location=True, verbosity=0)
    lines = set()
    for po in CATALOGUES:
        name = str(po.relative_to(ROOT))
        committed = parse(po)
        extracted = parse(copy / po.relative_to(ROOT))
        for context, msgid in set(extracted) - {k for k, v in committed.items() if v}:
            lines.add(f"{name}\tuntranslated\t{context or ''}\t{msgid}")
        for context, msgid in set(committed) - set(extracted):
            lines.add(f"{name}\tobsolete\t{context or ''}\t{msgid}")
    return lines


def debt() -> set[str]:
    return {line for line in DEBT.read_text(encoding="utf-8").splitlines() if line.strip()}


def test_it_fails_on_a_string_makemessages_would_leave_untranslated_or_drop(tmp_path, settings):
    found = drift(tmp_path, settings)
    new = sorted(found - debt())
    assert new == [], (
        "Translate these strings in the catalogue makemessages puts them in (or remove what "
        "the code no longer uses):\n" + "\n".join(new)
    )
    # The debt only shrinks: a line that is fixed leaves the list, so it cannot come back.
    paid = sorted(debt() - found)
    assert paid == [], "Fixed: delete these lines from catalogue_debt.txt:\n" + "\n".join(paid)


def test_it_keeps_the_composer_strings_in_the_catalogue_their_templates_use():
    overall = parse(ROOT / "locale/de/LC_MESSAGES/django.po")
    compliance = parse(ROOT / "compliance/locale/de/LC_MESSAGES/django.po")
    for msgid in ("Override a blocking check", "A check blocks publishing:", "Checks", "Rule"):
        assert overall[(None, msgid)], msgid
        assert (None, msgid) not in compliance, msgid
    assert not {line for line in debt() if "compliance/" in line}
