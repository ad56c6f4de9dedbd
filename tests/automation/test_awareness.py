"""Awareness days: dates, department matching, one draft story some days before."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.automation import awareness
from carecast.automation.models import AwarenessDay, AwarenessReminder
from carecast.core.models import Department
from carecast.networks.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def days(org):
    awareness.ensure_defaults(org)
    return {d.name: d for d in AwarenessDay.objects.filter(organisation=org)}


def test_it_knows_fixed_nth_weekday_and_month_long_days(days):
    assert awareness.date_in(days["Weltdiabetestag"], 2026) == dt.date(2026, 11, 14)
    assert awareness.date_in(days["Tag der Organspende"], 2026) == dt.date(2026, 6, 6)
    assert awareness.date_in(days["Tag der Organspende"], 2027) == dt.date(2027, 6, 5)
    assert awareness.date_in(days["Brustkrebsmonat"], 2026) == dt.date(2026, 10, 1)
    assert awareness.next_date(days["Weltkrebstag"], dt.date(2026, 11, 23)) == dt.date(2027, 2, 4)


def test_it_drafts_a_story_for_the_matching_department_once(org, days):
    diabetes = Department.objects.create(
        organisation=org, name="Diabetologie", slug="diabetologie", topics="Diabetes, Insulin"
    )
    channel = Channel.objects.create(
        organisation=org, network="mastodon", name="Mastodon – Diabetes", department=diabetes
    )
    made = awareness.remind(org, today=dt.date(2026, 11, 3))
    [reminder] = [r for r in made if r.awareness_day.name == "Weltdiabetestag"]
    story = reminder.story
    assert story.department == diabetes
    assert "Weltdiabetestag" in story.title and story.hashtags == "#Weltdiabetestag"
    assert list(story.variants.values_list("channel", flat=True)) == [channel.pk]
    assert awareness.remind(org, today=dt.date(2026, 11, 5)) == []
    assert AwarenessReminder.objects.filter(awareness_day__name="Weltdiabetestag").count() == 1


def test_it_waits_until_the_lead_days_begin(org, days):
    made = awareness.remind(org, today=dt.date(2026, 10, 30))
    assert "Weltdiabetestag" not in [r.awareness_day.name for r in made]


def test_it_keeps_edits_to_the_calendar(org, days):
    days["Weltherztag"].delete()
    awareness.ensure_defaults(org)
    assert not AwarenessDay.objects.filter(organisation=org, name="Weltherztag").exists()
