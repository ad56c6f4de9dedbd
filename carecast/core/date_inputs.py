"""Date and time inputs in the organisation's format, whatever the browser's language.

A native ``<input type="date">`` shows 12/07/2026 and "02:30 PM" in an English browser and
cannot be told otherwise. A German hospital writes 07.12.2026 and 14:30, so the inputs are
text fields in that format; ``desk.js`` adds a calendar button that opens the browser's own
picker and writes the choice back in this format. ISO values (an API script, an old form,
the native picker) are read too.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_FORMAT = "%d.%m.%Y"
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = f"{DATE_FORMAT} {TIME_FORMAT}"

DATE_INPUTS = [DATE_FORMAT, "%d.%m.%y", "%Y-%m-%d"]
TIME_INPUTS = [TIME_FORMAT, "%H.%M", "%H:%M:%S"]
DATETIME_INPUTS = [
    DATETIME_FORMAT,
    "%d.%m.%Y, %H:%M",
    "%d.%m.%Y %H.%M",
    "%d.%m.%y %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
]
# What the browser checks before sending; the server reads more (see the lists above).
DATE_PATTERN = r"\s*\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})\s*|\s*\d{4}-\d{2}-\d{2}\s*"
TIME_PATTERN = r"\s*\d{1,2}[:.]\d{2}\s*"


def _attrs(placeholder, picker: str, size: int, extra: dict | None) -> dict:
    attrs = {
        "placeholder": placeholder,
        "data-picker": picker,
        "autocomplete": "off",
        "spellcheck": "false",
        "size": size,
    }
    if picker != "time":  # typing 14:30 is quicker than any picker
        attrs["data-picker-label"] = _("Open calendar")
    attrs.update(extra or {})
    return attrs


class OrgDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        extra = {"inputmode": "numeric", "pattern": DATE_PATTERN}
        extra.update(attrs or {})
        super().__init__(_attrs(_("DD.MM.YYYY"), "date", 11, extra), format=DATE_FORMAT)


class OrgTimeInput(forms.TimeInput):
    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        extra = {"inputmode": "numeric", "pattern": TIME_PATTERN}
        extra.update(attrs or {})
        super().__init__(_attrs(_("HH:MM"), "time", 6, extra), format=TIME_FORMAT)


class OrgDateTimeInput(forms.DateTimeInput):
    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            _attrs(_("DD.MM.YYYY HH:MM"), "datetime-local", 17, attrs), format=DATETIME_FORMAT
        )


class OrgDateField(forms.DateField):
    widget = OrgDateInput
    input_formats = DATE_INPUTS
    default_error_messages = {"invalid": _("Enter a date such as 07.12.2026.")}


class OrgTimeField(forms.TimeField):
    widget = OrgTimeInput
    input_formats = TIME_INPUTS
    default_error_messages = {"invalid": _("Enter a time such as 14:30.")}


class OrgDateTimeField(forms.DateTimeField):
    """An aware date and time (Django attaches the current zone), typed as 07.12.2026 14:30."""

    widget = OrgDateTimeInput
    input_formats = DATETIME_INPUTS
    default_error_messages = {"invalid": _("Enter a date and time such as 07.12.2026 14:30.")}


def parse_wall_clock(value) -> dt.datetime | None:
    """A naive wall-clock time from what was typed, or None if nothing was; ValidationError
    if it is not a date and time in one of the accepted formats."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    text = " ".join(str(value).split())
    for pattern in DATETIME_INPUTS:
        try:
            return dt.datetime.strptime(text, pattern).replace(second=0)
        except ValueError:
            continue
    raise ValidationError(_("Enter a date and time such as 07.12.2026 14:30."), code="invalid")


def format_wall_clock(value: dt.datetime | None) -> str:
    return value.strftime(DATETIME_FORMAT) if value else ""


def as_typed(raw: str) -> str:
    """What a form shows again after an error: the value in the organisation's format if it
    can be read, else exactly what was typed (so nothing is lost)."""
    try:
        return format_wall_clock(parse_wall_clock(raw)) or ""
    except ValidationError:
        return raw
