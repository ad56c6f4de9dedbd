"""The automation pages: who may use them, adding sources, saving and running rules."""

from __future__ import annotations

import pytest
from django.test import Client

from carecast.automation.models import Rule, Source
from carecast.publishing.models import Publication
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db
PAGES = [
    "/automation/",
    "/automation/rules/",
    "/automation/gaps/",
    "/automation/days/",
    "/automation/trends/",
]


def client_for(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_it_shows_every_page_to_the_team(anna, news_channel, path):
    response = client_for(anna).get(path)
    assert response.status_code == 200
    assert "Automatik" in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_it_keeps_department_editors_out(clara, path):
    assert client_for(clara).get(path).status_code == 403


def test_it_lets_only_admins_allow_internal_hosts(anna, ben):
    assert "allow_hosts" in client_for(anna).get("/automation/").content.decode()
    assert "allow_hosts" not in client_for(ben).get("/automation/").content.decode()
    client_for(ben).post(
        "/automation/",
        {
            "name": "Intranet",
            "kind": "jobs",
            "url": "http://10.0.0.5/jobs.xml",
            "interval_minutes": 15,
            "allow_hosts": "10.0.0.5",
            "is_active": "on",
        },
    )
    assert Source.objects.get().allow_hosts == ""


def test_it_asks_for_a_channel_when_mirroring(anna):
    response = client_for(anna).post(
        "/automation/", {"name": "Spiegel", "kind": "channel", "interval_minutes": 15}
    )
    assert response.status_code == 200
    assert not Source.objects.exists()


def test_it_shows_the_error_of_a_broken_source(anna, feed_server, source_for):
    feed_server.serve("/page", FEEDS / "page.html", content_type="text/html")
    source = source_for("/page")
    client = client_for(anna)
    client.post(f"/automation/sources/{source.pk}/fetch/")
    page = client.get(f"/automation/sources/{source.pk}/").content.decode()
    assert "Diese Adresse liefert eine Webseite (HTML), keinen Feed." in page


def test_it_saves_a_rule_shows_the_dry_run_and_runs_it(
    anna, org, feed_server, source_for, news_channel, jobs_channel
):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml")
    client = client_for(anna)
    client.post(f"/automation/sources/{source.pk}/fetch/")
    response = client.post(
        "/automation/rules/",
        {
            "name": "Alles",
            "sources": [source.pk],
            "channels": [news_channel.pk, jobs_channel.pk],
            "route_by_purpose": "on",
            "template": "{title}",
            "policy": "now",
            "max_age_days": 0,
            "is_active": "on",
        },
    )
    rule = Rule.objects.get()
    assert response.url == f"/automation/rules/{rule.pk}/"
    page = client.get(response.url).content.decode()
    assert page.count('class="plan-text"') == 3  # news only: no job items for the jobs account
    client.post(f"/automation/rules/{rule.pk}/run/")
    assert Publication.objects.filter(channel=news_channel).count() == 3
    assert Publication.objects.filter(channel=jobs_channel).count() == 0
    assert 'class="plan-text"' not in client.get(response.url).content.decode()


def test_it_saves_the_gap_filler_per_channel(anna, news_channel):
    client_for(anna).post(
        f"/automation/gaps/{news_channel.pk}/",
        {f"c{news_channel.pk}-gap_hours": 6, f"c{news_channel.pk}-evergreen_repeat_days": 30},
    )
    news_channel.automation.refresh_from_db()
    assert (news_channel.automation.gap_hours, news_channel.automation.max_per_day) == (6, 4)


def test_it_saves_cap_and_spacing_with_the_posting_windows(ben, news_channel):
    url = f"/channels/{news_channel.pk}/settings/"
    page = client_for(ben).get(url).content.decode()
    assert "Automatische Beiträge" in page and "0 = keine Grenze" in page
    form = {"name": news_channel.name, "purpose": "news", "timezone": "Europe/Berlin"}
    form |= {"auto-max_per_day": 2, "auto-min_spacing_minutes": 120}
    assert client_for(ben).post(url, form).status_code == 302
    news_channel.automation.refresh_from_db()
    assert (news_channel.automation.max_per_day, news_channel.automation.min_spacing_minutes) == (
        2,
        120,
    )
    # A bad number is refused and nothing is saved.
    form["auto-max_per_day"] = -1
    assert client_for(ben).post(url, form).status_code == 200
    news_channel.automation.refresh_from_db()
    assert news_channel.automation.max_per_day == 2
    # The gap filler page shows them, and where to change them.
    gaps = client_for(ben).get("/automation/gaps/").content.decode()
    assert "höchstens 2 pro Tag, mindestens 120 Minuten Abstand" in gaps
    assert url in gaps


def test_it_saves_a_template_per_network(anna, org, news_channel):
    source = Source.objects.create(organisation=org, name="Web", url="https://example.org/feed")
    client_for(anna).post(
        "/automation/rules/",
        {
            "name": "Kurz auf X",
            "sources": [source.pk],
            "channels": [news_channel.pk],
            "template": "{title}\n\n{summary}",
            "template_x": "{title}",
            "template_mastodon": "",
            "policy": "draft",
            "max_age_days": 7,
            "is_active": "on",
        },
    )
    assert Rule.objects.get().templates == {"x": "{title}"}


def test_it_edits_and_removes_awareness_days(anna, org):
    client = client_for(anna)
    client.get("/automation/days/")
    from carecast.automation.models import AwarenessDay

    day = AwarenessDay.objects.get(organisation=org, name="Weltherztag")
    client.post(
        f"/automation/days/{day.pk}/",
        {
            "name": "Weltherztag",
            "month": 9,
            "day": 29,
            "keywords": "Herz",
            "lead_days": 21,
            "is_active": "on",
        },
    )
    day.refresh_from_db()
    assert day.lead_days == 21
    client.post(f"/automation/days/{day.pk}/", {"delete": "1"})
    assert not AwarenessDay.objects.filter(pk=day.pk).exists()
