"""One person's data as a ZIP: a JSON file per kind of person, the files that show them
(pictures, videos, signed consent forms) and a README in German that says what is what."""

from __future__ import annotations

import io
import json
import zipfile

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecast.privacy.people import KINDS

FILE_NAMES = {
    "commenter": "kommentare.json",
    "shown": "abgebildete-person.json",
    "asker": "live-fragen.json",
    "member": "benutzerkonto.json",
    "applicant": "bewerbungen.json",
}


def readme(organisation, kinds: list[str], now) -> str:
    with translation.override("de"):
        lines = [
            _("Personal data held by carecast for %(name)s") % {"name": organisation.name},
            _("Exported on %(date)s.")
            % {"date": timezone.localtime(now).strftime("%d.%m.%Y %H:%M")},
            "",
            _("This archive answers a request for access (Art. 15 GDPR) and is machine-readable"),
            _("(Art. 20 GDPR). It holds:"),
        ]
        descriptions = {
            "commenter": _("comments and mentions on the hospital's channels, with replies"),
            "shown": _("consents of a person shown in media, and the public posts using them"),
            "asker": _("questions asked in live consultations"),
            "member": _("the carecast account, its role and what was done with it"),
            "applicant": _("applications counted by their reference, without name or contact"),
        }
        for kind in kinds:
            lines.append(f"- {FILE_NAMES[kind]}: {descriptions[kind]}")
        lines += [
            _("- medien/: pictures and videos showing the person"),
            _("- einwilligungen/: signed consent forms"),
            "",
            _("Times are in UTC (ISO 8601). Questions about this archive: the hospital's"),
            _("data protection officer."),
        ]
    return "\n".join(lines) + "\n"


def build(organisation, picks: list[tuple[str, str]], now=None) -> bytes:
    """The ZIP for the chosen (kind, key) pairs."""
    now = now or timezone.now()
    per_kind: dict[str, list] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        written: set[str] = set()
        for kind, key in picks:
            exported = KINDS[kind].export(organisation, key)
            per_kind.setdefault(kind, []).append({"asked_for": key, **exported.data})
            for name, field_file in exported.files:
                if name in written:
                    continue
                try:
                    with field_file.open("rb") as source:
                        archive.writestr(name, source.read())
                except (FileNotFoundError, OSError):
                    continue  # listed in the JSON; the file itself is gone from storage
                written.add(name)
        for kind, entries in per_kind.items():
            document = {
                "controller": organisation.name,
                "exported_at": now.isoformat(),
                "kind": kind,
                "people": entries,
            }
            archive.writestr(FILE_NAMES[kind], json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("LIESMICH.txt", readme(organisation, list(per_kind), now))
    return buffer.getvalue()
