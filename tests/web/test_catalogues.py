"""The German catalogues agree with each other.

Django looks a string up in ``carecast/locale`` (LOCALE_PATHS) before any app's own
catalogue, so the same English words translated differently in two catalogues silently
change an app's page: "Done" became "Fertig" on the inbox's button ("Erledigt") when the
people pages added their own "Done". Use a context (``{% translate "…" context "…" %}``)
where one English word needs two German ones.
"""

from __future__ import annotations

import gettext
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "carecast"
GLOBAL = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"


def _catalogue(po: Path, tmp_path: Path) -> dict[str, str]:
    mo = tmp_path / (po.parent.parent.parent.parent.name + ".mo")
    subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {key: value for key, value in catalogue.items() if key and isinstance(key, str)}


def test_no_string_is_translated_two_ways(tmp_path):
    overall = _catalogue(GLOBAL, tmp_path)
    clashes = []
    for po in sorted(ROOT.glob("*/locale/de/LC_MESSAGES/django.po")):
        for key, value in _catalogue(po, tmp_path).items():
            if key in overall and overall[key] != value:
                clashes.append(f"{po.relative_to(ROOT)}: {key!r} → {value!r}, but {overall[key]!r}")
    assert clashes == []
