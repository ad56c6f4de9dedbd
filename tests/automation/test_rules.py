"""Rules: filters, routing, templates with UTM links, policies, caps and spacing, dry run."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.automation import pipeline, polling, runner
from carecast.automation.models import AutoPost, ChannelAutomation, Policy, Rule, Source
from carecast.publishing.models import Publication, State
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db
NOW = "2026-11-23 08:00:00+00:00"  # a Monday, 09:00 in Berlin


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return dt.datetime.fromisoformat(NOW)


@pytest.fixture
def news(feed_server, source_for):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    return source_for("/news.xml")


@pytest.fixture
def jobs(feed_server, source_for):
    feed_server.serve("/xml", FEEDS / "personio.xml")
    return source_for("/xml", kind=Source.Kind.JOBS)


def make_rule(org, sources, channels, **fields) -> Rule:
    fields.setdefault("max_age_days", 0)
    rule = Rule.objects.create(organisation=org, name="Website an alle", **fields)
    rule.sources.set(sources)
    rule.channels.set(channels)
    return rule


def test_it_routes_news_to_the_news_account_and_jobs_to_the_jobs_account(
    org, now, news, jobs, news_channel, jobs_channel
):
    make_rule(org, [news, jobs], [news_channel, jobs_channel], policy=Policy.NOW)
    pipeline.refresh(news)
    pipeline.refresh(jobs)
    on_news = Publication.objects.filter(channel=news_channel)
    on_jobs = Publication.objects.filter(channel=jobs_channel)
    assert on_news.count() == 3 and on_jobs.count() == 2
    assert all(p.state == State.SCHEDULED for p in Publication.objects.all())
    assert {p.variant.story.title for p in on_jobs} == {
        "Pflegefachkraft (m/w/d) Intensivstation",
        "Hebamme (m/w/d)",
    }


def test_it_posts_each_item_once_however_often_it_runs(org, now, news, news_channel):
    rule = make_rule(org, [news], [news_channel], policy=Policy.NOW)
    pipeline.refresh(news)
    runner.run_rule(rule)
    runner.run_rule(rule)
    second = make_rule(org, [news], [news_channel], policy=Policy.NOW)
    runner.run_rule(second)
    assert Publication.objects.filter(channel=news_channel).count() == 3


def test_it_fills_the_template_with_a_tracked_link_and_hashtags(org, now, news, news_channel):
    rule = make_rule(
        org,
        [news],
        [news_channel],
        keywords="MRT",
        template="Neu: {title}",
        hashtags="Klinikum, Radiologie",
        utm_campaign="website",
    )
    polling.poll(news)
    [planned] = runner.run_rule(rule)
    assert planned.text == (
        "Neu: Neuer MRT in Betrieb\n\n"
        "https://www.klinikum.example/news/mrt?ref=home&utm_source=mastodon&utm_medium=social"
        "&utm_campaign=website\n\n#Klinikum #Radiologie"
    )


def test_it_filters_by_category_and_department(org, now, news, news_channel, geburtshilfe):
    by_category = make_rule(org, [news], [news_channel], categories="radiologie")
    assert [p.item.guid for p in runner.dry_run(by_category)] == []  # not polled yet
    polling.poll(news)
    assert [p.item.guid for p in runner.dry_run(by_category)] == ["news-101"]
    geburtshilfe.topics = "Kreißsaal, Hebamme"
    geburtshilfe.save()
    by_department = make_rule(org, [news], [news_channel], department=geburtshilfe)
    assert [p.item.guid for p in runner.dry_run(by_department)] == ["news-102"]


def test_it_plans_inside_posting_windows_with_caps_and_spacing(org, now, news, news_channel):
    news_channel.posting_windows = [{"days": [0, 1, 2, 3, 4], "start": "10:00", "end": "12:00"}]
    news_channel.save()
    ChannelAutomation.objects.create(channel=news_channel, max_per_day=2, min_spacing_minutes=60)
    rule = make_rule(org, [news], [news_channel], policy=Policy.NEXT_SLOT)
    pipeline.refresh(news)
    due = sorted(p.due_at for p in Publication.objects.all())
    berlin = [d.astimezone(dt.timezone(dt.timedelta(hours=1))).strftime("%a %H:%M") for d in due]
    assert berlin == ["Mon 10:00", "Mon 11:00", "Tue 10:00"]
    assert rule.pk


def test_it_lets_a_burst_fill_only_the_cap_in_the_horizon(org, now, news, news_channel):
    ChannelAutomation.objects.create(channel=news_channel, max_per_day=1, min_spacing_minutes=0)
    rule = make_rule(org, [news], [news_channel], policy=Policy.NOW)
    rule_run = runner.Run(rule, now)
    planner = rule_run.planner(news_channel)
    for _ in range(15):  # today and the next 14 days, one each
        planner.take(planner.next_slot(now, windows=False))
    assert planner.next_slot(now, windows=False) is None


def test_it_makes_drafts_or_waits_for_gaps_by_policy(org, now, news, news_channel, jobs_channel):
    make_rule(org, [news], [news_channel], policy=Policy.DRAFT)
    pipeline.refresh(news)
    assert Publication.objects.count() == 0
    assert set(AutoPost.objects.values_list("status", flat=True)) == {AutoPost.Status.DRAFT}
    assert news_channel.variants.count() == 3


def test_it_shows_a_dry_run_without_writing(org, now, news, news_channel):
    rule = make_rule(org, [news], [news_channel], policy=Policy.NOW)
    pipeline.refresh(news)  # the rule posts the three items
    Publication.objects.all().delete()
    AutoPost.objects.all().delete()
    plan = runner.dry_run(rule)
    assert [p.item.guid for p in plan] == ["news-101", "news-102", "news-103"]
    assert Publication.objects.count() == 0 and AutoPost.objects.count() == 0


def test_it_skips_items_older_than_the_rule_allows(org, now, news, news_channel):
    rule = make_rule(org, [news], [news_channel], max_age_days=2)
    pipeline.refresh(news)
    assert [p.item.guid for p in runner.dry_run(rule)] == []  # posted earlier, already done
    AutoPost.objects.all().delete()
    assert [p.item.guid for p in runner.dry_run(rule)] == ["news-102", "news-103"]


def test_it_still_posts_items_a_dead_worker_fetched_but_never_handled(
    org, now, news, news_channel, feed_server
):
    make_rule(org, [news], [news_channel], policy=Policy.NOW)
    feed_server.routes["/news.xml"].etag = '"v1"'
    polling.poll(news)  # the worker died here: items remembered, rules never ran
    news.refresh_from_db()
    result, planned = pipeline.refresh(news)
    assert result.not_modified  # the feed did not change, the items are still handled
    assert len(planned) == 3
    assert pipeline.refresh(news)[1] == []


def test_it_uses_the_networks_own_template(org, now, news, news_channel, jobs_channel):
    rule = make_rule(
        org,
        [news],
        [news_channel, jobs_channel],
        route_by_purpose=False,
        keywords="MRT",
        template="{title}: {summary}",
        templates={"x": "Kurz: {title}"},
    )
    polling.poll(news)
    texts = {p.channel.network: p.text.split("\n")[0] for p in runner.dry_run(rule)}
    assert texts == {
        "mastodon": "Neuer MRT in Betrieb: Leiser, schneller, mehr Platz: unser neuer MRT.",
        "x": "Kurz: Neuer MRT in Betrieb",
    }
