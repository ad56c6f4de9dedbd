"""The dashboard's numbers: against last month and last year, missing stays missing."""

from __future__ import annotations

import datetime as dt

from carecast.reports import dashboard, figures
from carecast.reports.figures import Month


def test_it_compares_the_month_with_the_last_and_a_year_ago(org, history):
    kpis = {k.key: k for k in dashboard.headline(org, None, Month(2026, 11))}
    assert kpis["views"].value == 900 and kpis["views"].previous == 450
    assert kpis["views"].last_year == 300 and kpis["views"].vs_previous == 100
    assert kpis["engagement"].value == 80 + 10 + 5 and kpis["engagement"].previous == 40
    assert kpis["followers"].value == 1500 and kpis["followers"].previous == 1400
    assert (kpis["clicks"].value, kpis["applications"].value) == (40, 3)


def test_it_shows_missing_figures_as_missing_not_zero(org, mastodon_channel):
    kpis = {k.key: k for k in dashboard.headline(org, None, Month(2026, 11))}
    assert kpis["views"].value is None and kpis["followers"].value is None
    assert kpis["views"].vs_previous is None
    weeks = figures.over_time(org, None, dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert weeks and all(w["views"] is None and w["engagement"] is None for w in weeks)
    chart = dashboard.build(org, None, dt.date(2026, 11, 1), dt.date(2026, 12, 1))["reach_chart"]
    assert "polyline" not in chart.svg and chart.rows[0][1:] == ["–", "–"]


def test_it_ranks_posts_by_interactions_and_leaves_posts_without_figures_out(org, history):
    top = figures.top_posts(org, None, dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert [p.text for p in top] == ["Kreißsaal-Führung"]
    assert top[0].engagement == 95


def test_it_finds_the_best_time_in_the_organisations_time_zone(org, history):
    grid = figures.best_times(org, None, dt.date(2026, 10, 1), dt.date(2026, 12, 1))
    assert grid[1][9] == 95  # Tuesday, 9 o'clock in Berlin (8:00 UTC)
    assert grid[2][12] == 40  # Wednesday 7 October, noon
    assert grid[3][18] is None  # the post without figures is not an average of 0
    built = dashboard.build(org, None, dt.date(2026, 10, 1), dt.date(2026, 12, 1))
    assert built["best_slot"].startswith("Di") and "09–10" in built["best_slot"]


def test_it_compares_formats_and_departments(org, history):
    formats = {
        r["format"]: r
        for r in figures.compared(org, None, dt.date(2026, 10, 1), dt.date(2026, 12, 1), "format")
    }
    assert formats["video"]["engagement"] == 95 and formats["image"]["engagement"] == 40
    assert formats["text"]["engagement"] is None and formats["text"]["n"] == 1
    chart = dashboard.build(org, None, dt.date(2026, 10, 1), dt.date(2026, 12, 1))[
        "departments_chart"
    ]
    assert [row[0] for row in chart.rows] == ["Geburtshilfe", "Keine Abteilung"]


def test_it_gives_every_chart_a_title_a_description_and_a_table(org, history):
    built = dashboard.build(org, None, dt.date(2026, 10, 1), dt.date(2026, 12, 1))
    for name in ("reach_chart", "formats_chart", "departments_chart", "times_chart"):
        chart = built[name]
        assert chart.svg.startswith("<svg") and 'role="img"' in chart.svg
        assert "<title id=" in chart.svg and "<desc id=" in chart.svg and "<script" not in chart.svg
        assert chart.rows and chart.headers
