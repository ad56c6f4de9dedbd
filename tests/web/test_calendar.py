"""Redaktionsplan: week and month views in the organisation's zone, every state in words."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from carecast.core.timezones import resolve_local
from carecast.publishing.models import State
from carecast.web import calendar
from tests.web.conftest import BERLIN


def test_week_view_shows_every_state_with_words(anna_client, busy_week):
    response = anna_client.get("/calendar/")
    body = response.content.decode()
    days = response.context["period"].days
    assert len(days) == 7 and days[0].date.weekday() == 0
    for label in ("fehlgeschlagen", "wird veröffentlicht", "geplant", "abgebrochen", "Entwurf"):
        assert label in body
    # Published yesterday (a Tuesday): on this week's page.
    assert "veröffentlicht" in body and "Beitrag ansehen" in body


def test_cards_are_in_time_order_per_day(anna_client, busy_week):
    period = anna_client.get("/calendar/").context["period"]
    for day in period.days:
        times = [p.due_at for p in day.publications]
        assert times == sorted(times)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    day = next(d for d in period.days if d.date == tomorrow)
    assert [p.variant.story.title for p in day.publications] == [
        "Infoabend für werdende Eltern",
        "Babytown: Besuchszeiten",
    ]


def test_month_view_shows_whole_weeks(anna_client, busy_week):
    response = anna_client.get("/calendar/?view=month&date=2026-11-15")
    period = response.context["period"]
    assert period.days[0].date == dt.date(2026, 10, 26) and period.days[-1].date == dt.date(
        2026, 12, 6
    )
    assert len(period.weeks) == 6
    assert "November 2026" in response.content.decode()


def test_filter_by_channel(anna_client, busy_week, mastodon):
    response = anna_client.get(f"/calendar/?channel={mastodon.pk}&view=month")
    shown = {p.channel_id for d in response.context["period"].days for p in d.publications}
    assert shown == {mastodon.pk}


def test_navigation_keeps_view_and_filter(anna_client, busy_week, mastodon):
    body = anna_client.get(
        f"/calendar/?view=month&date=2026-11-15&channel={mastodon.pk}"
    ).content.decode()
    assert f"?view=month&amp;date=2026-10-01&amp;channel={mastodon.pk}" in body
    assert f"?view=month&amp;date=2026-12-01&amp;channel={mastodon.pk}" in body
    assert "Voriger Monat" in body and "Nächster Monat" in body and "Heute" in body


def test_bad_parameters_fall_back_to_this_week(anna_client):
    response = anna_client.get("/calendar/?view=year&date=gestern&channel=x")
    assert response.status_code == 200
    assert response.context["period"].view == "week"


def test_no_query_per_card(
    anna_client, busy_week, publication_factory, mastodon, django_assert_max_num_queries
):
    for hour in range(8, 18):
        publication_factory(
            mastodon, State.SCHEDULED, timezone.now().replace(hour=hour) + dt.timedelta(days=1)
        )
    anna_client.get("/calendar/?view=month")  # the sign-in's one-time two-factor check
    with django_assert_max_num_queries(10):
        anna_client.get("/calendar/?view=month")


def test_dst_week_places_the_moved_post_on_its_day(anna_client, publication_factory, mastodon):
    resolved = resolve_local(dt.datetime(2027, 3, 28, 2, 30), "Europe/Berlin")
    publication_factory(mastodon, State.SCHEDULED, resolved.instant, due_note=resolved.note)
    period = anna_client.get("/calendar/?date=2027-03-28").context["period"]
    sunday = period.days[6]
    assert sunday.date == dt.date(2027, 3, 28)
    assert [p.due_at.astimezone(BERLIN).strftime("%H:%M") for p in sunday.publications] == ["03:30"]


def test_period_bounds_follow_the_clock_change():
    period = calendar.week(dt.date(2027, 3, 24), today=dt.date(2027, 3, 24))
    start, end = period.bounds("Europe/Berlin")
    assert start == dt.datetime(2027, 3, 22, tzinfo=BERLIN)
    # One hour is lost to summer time: the week is 167 real hours long.
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(days=7, hours=-1)


def test_empty_calendar_says_what_to_do(anna_client):
    body = anna_client.get("/calendar/").content.decode()
    assert (
        "Keine Beiträge in diesem Zeitraum." in body
        and "Story schreiben und Beiträge planen." in body
    )
