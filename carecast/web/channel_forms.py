"""Forms of the channel pages: settings with a weekly posting-window editor, archiving."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.core.date_inputs import OrgTimeField, OrgTimeInput
from carecast.core.models import Department
from carecast.networks.models import Channel, Purpose
from carecast.publishing.channel_posts import CANCEL, TO_DRAFT

DAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]
SLOTS = 2  # windows per day, e.g. morning and evening


def _time(label: str) -> forms.TimeField:
    """One time input of the window editor; its label is read out, the table shows the day."""
    return OrgTimeField(required=False, widget=OrgTimeInput(attrs={"aria-label": label}))


class ChannelSettingsForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=Purpose.choices)
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.none(), required=False
    )
    timezone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        help_text=gettext_lazy("Posting windows are read in this zone, e.g. Europe/Berlin."),
    )

    def __init__(self, *args, channel: Channel, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        # Archived departments are not offered, unless the channel still has one.
        departments = Department.objects.filter(organisation=channel.organisation).filter(
            Q(archived=False) | Q(pk=channel.department_id)
        )
        self.fields["department"].queryset = departments
        for day in range(7):
            for slot in range(SLOTS):
                names = {"day": DAYS[day], "n": slot + 1}
                self.fields[f"w{day}_{slot}_start"] = _time(
                    _("%(day)s, window %(n)d: from") % names
                )
                self.fields[f"w{day}_{slot}_end"] = _time(_("%(day)s, window %(n)d: to") % names)
        if not self.is_bound:
            self.initial.update(initial_for(channel))

    def rows(self) -> list[dict]:
        """One row per weekday with its window fields, for the template."""
        return [
            {
                "day": DAYS[day],
                "slots": [
                    (self[f"w{day}_{slot}_start"], self[f"w{day}_{slot}_end"])
                    for slot in range(SLOTS)
                ],
            }
            for day in range(7)
        ]

    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"].strip()
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                _("“%(zone)s” is not a time zone.") % {"zone": value}
            ) from None
        return value

    def clean(self) -> dict:
        data = super().clean()
        for day in range(7):
            for slot in range(SLOTS):
                start, end = data.get(f"w{day}_{slot}_start"), data.get(f"w{day}_{slot}_end")
                if (start is None) != (end is None):
                    self.add_error(f"w{day}_{slot}_end", _("Give both a start and an end."))
                elif start is not None and end is not None and end <= start:
                    self.add_error(f"w{day}_{slot}_end", _("The end must come after the start."))
        return data

    def windows(self) -> list[dict]:
        """The windows in the stored form; days with the same times share one entry."""
        by_times: dict[tuple[str, str], list[int]] = {}
        for day in range(7):
            for slot in range(SLOTS):
                start = self.cleaned_data.get(f"w{day}_{slot}_start")
                end = self.cleaned_data.get(f"w{day}_{slot}_end")
                if start and end:
                    by_times.setdefault((_hhmm(start), _hhmm(end)), []).append(day)
        return [{"days": days, "start": s, "end": e} for (s, e), days in by_times.items()]


SHORT_DAYS = [
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
]


def describe_windows(windows: list[dict]) -> list[str]:
    """``["Mon, Tue 08:00–18:00", ...]`` for the channel page."""
    lines = []
    for window in windows or []:
        days = ", ".join(str(SHORT_DAYS[d]) for d in window.get("days", []) if 0 <= d <= 6)
        lines.append(f"{days} {window.get('start', '')}–{window.get('end', '')}")
    return lines


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def initial_for(channel: Channel) -> dict:
    """The form's values from the channel, windows spread over their days."""
    initial = {
        "name": channel.name,
        "purpose": channel.purpose,
        "department": channel.department_id,
        "timezone": channel.timezone,
    }
    used = {day: 0 for day in range(7)}
    for window in channel.posting_windows or []:
        for day in window.get("days", []):
            if 0 <= day <= 6 and used[day] < SLOTS:
                initial[f"w{day}_{used[day]}_start"] = window.get("start")
                initial[f"w{day}_{used[day]}_end"] = window.get("end")
                used[day] += 1
    return initial


class ArchiveForm(forms.Form):
    scheduled = forms.ChoiceField(
        label=gettext_lazy("What should happen to the planned posts?"),
        choices=[
            (
                TO_DRAFT,
                gettext_lazy("Turn them back into drafts (to plan them on another channel)"),
            ),
            (CANCEL, gettext_lazy("Cancel them")),
        ],
        widget=forms.RadioSelect,
    )
