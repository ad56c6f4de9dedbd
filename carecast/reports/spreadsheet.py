"""Any table of the analytics pages as CSV or XLSX: the same rows the page shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse
from openpyxl import Workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _safe(value: Any) -> Any:
    """A text cell starting like a formula is written as text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def download(
    name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    body = [list(headers), *([_safe(v) for v in row] for row in rows)]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(body)
        data: bytes = ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=name[:31])
        for row in body:
            sheet.append([None if v == "" else v for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="carecast-{name}.{fmt}"'
    return response
