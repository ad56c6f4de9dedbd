"""Awareness days: a maintained, editable calendar, matched to departments, with a draft story.

Some days before each day (``lead_days``) the team gets a draft story on its desk, once
per day and year, for the matching department(s) and their channels.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from carecast.automation.models import AwarenessDay, AwarenessReminder
from carecast.automation.rules import words
from carecast.core.models import Department, Organisation
from carecast.networks.models import Channel
from carecast.stories.services import save_story


@dataclass(frozen=True)
class Default:
    name: str
    month: int
    day: int | None = None
    weekday: int | None = None
    nth: int | None = None
    keywords: str = ""
    hashtags: str = ""


# The starting calendar (German names); each organisation edits its own copy.
DEFAULTS = [
    Default("Weltkrebstag", 2, 4, keywords="Krebs, Onkologie, Tumor", hashtags="#Weltkrebstag"),
    Default(
        "Tag der seltenen Erkrankungen",
        2,
        28,
        keywords="seltene Erkrankungen",
        hashtags="#RareDiseaseDay",
    ),
    Default("Weltgesundheitstag", 4, 7, keywords="Gesundheit", hashtags="#Weltgesundheitstag"),
    Default(
        "Internationaler Hebammentag",
        5,
        5,
        keywords="Hebamme, Geburt, Geburtshilfe",
        hashtags="#Hebammentag",
    ),
    Default("Tag der Pflegenden", 5, 12, keywords="Pflege", hashtags="#TagDerPflegenden"),
    Default(
        "Tag der Organspende",
        6,
        weekday=5,
        nth=1,
        keywords="Organspende, Transplantation",
        hashtags="#TagDerOrganspende",
    ),
    Default(
        "Weltblutspendetag",
        6,
        14,
        keywords="Blutspende, Transfusion",
        hashtags="#Weltblutspendetag",
    ),
    Default(
        "Welt-Alzheimertag",
        9,
        21,
        keywords="Demenz, Alzheimer, Neurologie",
        hashtags="#WeltAlzheimertag",
    ),
    Default("Weltherztag", 9, 29, keywords="Herz, Kardiologie", hashtags="#Weltherztag"),
    Default(
        "Brustkrebsmonat",
        10,
        keywords="Brustkrebs, Brustzentrum, Mammographie",
        hashtags="#Brustkrebsmonat",
    ),
    Default(
        "Welt-Schlaganfalltag",
        10,
        29,
        keywords="Schlaganfall, Neurologie, Stroke",
        hashtags="#Schlaganfall",
    ),
    Default(
        "Weltdiabetestag",
        11,
        14,
        keywords="Diabetes, Diabetologie, Insulin",
        hashtags="#Weltdiabetestag",
    ),
    Default(
        "Welt-Frühgeborenen-Tag",
        11,
        17,
        keywords="Frühgeborene, Neonatologie, Frühchen",
        hashtags="#Frühchen",
    ),
    Default("Welt-Aids-Tag", 12, 1, keywords="HIV, Aids, Infektiologie", hashtags="#WeltAidsTag"),
]


def ensure_defaults(organisation: Organisation) -> None:
    """Give an organisation the starting calendar the first time it looks at it."""
    if AwarenessDay.objects.filter(organisation=organisation).exists():
        return
    AwarenessDay.objects.bulk_create(
        AwarenessDay(organisation=organisation, **d.__dict__) for d in DEFAULTS
    )


def date_in(day: AwarenessDay, year: int) -> dt.date:
    """The day's date in ``year``: fixed, the n-th weekday of the month, or the 1st for a month."""
    if day.day:
        last = calendar.monthrange(year, day.month)[1]
        return dt.date(year, day.month, min(day.day, last))
    if day.weekday is not None:
        first = dt.date(year, day.month, 1)
        offset = (day.weekday - first.weekday()) % 7
        return first + dt.timedelta(days=offset + 7 * ((day.nth or 1) - 1))
    return dt.date(year, day.month, 1)


def next_date(day: AwarenessDay, today: dt.date) -> dt.date:
    this_year = date_in(day, today.year)
    return this_year if this_year >= today else date_in(day, today.year + 1)


def departments_for(day: AwarenessDay) -> list[Department]:
    """Departments named on the day, else those whose name or topics share a keyword with it."""
    chosen = list(day.departments.all())
    if chosen:
        return chosen
    keys = words(day.keywords) + [day.name.casefold()]
    found = []
    for department in Department.objects.active().filter(organisation_id=day.organisation_id):
        topics = words(department.topics) + [department.name.casefold()]
        if any(k in t or t in k for k in keys for t in topics):
            found.append(department)
    return found


def due_reminders(organisation: Organisation, today: dt.date) -> list[tuple[AwarenessDay, dt.date]]:
    days = AwarenessDay.objects.filter(organisation=organisation, is_active=True)
    due = []
    for day in days:
        date = next_date(day, today)
        if (date - today).days <= day.lead_days:
            due.append((day, date))
    return due


def remind(organisation: Organisation, today: dt.date | None = None) -> list[AwarenessReminder]:
    today = today or timezone.localdate()
    made = []
    for day, date in due_reminders(organisation, today):
        reminder = _remind_once(day, date)
        if reminder is not None:
            made.append(reminder)
    return made


def _remind_once(day: AwarenessDay, date: dt.date) -> AwarenessReminder | None:
    if AwarenessReminder.objects.filter(awareness_day=day, year=date.year).exists():
        return None
    departments = departments_for(day)
    channels = Channel.objects.filter(department__in=departments) if departments else []
    when = formats.date_format(date, "j. F Y")
    try:
        with transaction.atomic():
            story = save_story(
                day.organisation,
                title=f"{day.name} – {when}"[:200],
                text=_("Draft for %(name)s on %(date)s: what does our team want to say?")
                % {"name": day.name, "date": when},
                hashtags=day.hashtags,
                department=departments[0] if departments else None,
                channels=list(channels),
            )
            return AwarenessReminder.objects.create(
                awareness_day=day, year=date.year, date=date, story=story
            )
    except IntegrityError:
        return None  # made by another worker a moment ago


def remind_all(today: dt.date | None = None) -> list[AwarenessReminder]:
    return [r for org in Organisation.objects.all() for r in remind(org, today)]
