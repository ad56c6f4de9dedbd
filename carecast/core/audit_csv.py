"""The audit log as CSV: what the page shows, in the organisation's time, one row per entry.

Entries about erased comments carry no words (``inbox.retention`` writes none), so neither
does the export. A cell a spreadsheet would read as a formula is defused.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecast.core.audit_labels import action_label, actor_name, details_text, object_type_label
from carecast.core.models import AuditLog

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose ``write`` hands the line back (for streaming responses)."""

    def write(self, value: str) -> str:
        return value


def header() -> list[str]:
    return [
        _("Time"),
        _("Person"),
        _("Action"),
        _("Action code"),
        _("Object"),
        _("Object number"),
        _("Name"),
        _("Details"),
    ]


def row(entry: AuditLog, zone: dt.tzinfo | None = None) -> list[str]:
    """One entry as CSV cells, every text cell safe to open in a spreadsheet."""
    when = timezone.localtime(entry.created_at, zone).strftime("%Y-%m-%d %H:%M:%S")
    cells = [
        when,
        actor_name(entry),
        action_label(entry.action),
        entry.action,
        object_type_label(entry.object_type) if entry.object_type else "",
        str(entry.object_id or ""),
        entry.subject,
        details_text(entry),
    ]
    return [defuse(cell) for cell in cells]


def defuse(cell: str) -> str:
    """A leading ``=``, ``+``, ``-`` or ``@`` would run as a formula in Excel or LibreOffice."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def lines(entries: Iterable[AuditLog], zone: dt.tzinfo, language: str) -> Iterator[str]:
    """The CSV text line by line (header first), for a streaming response.

    The zone and language are passed in: a streamed body is written after the middleware
    that activated them has already returned."""
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff" + writer.writerow(header())  # the BOM makes Excel read UTF-8 umlauts
    for entry in entries:
        with translation.override(language):
            cells = row(entry, zone)
        yield writer.writerow(cells)
