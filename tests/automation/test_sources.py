"""Sources against a local feed server: every format, conditional GET, dedup, and bad inputs."""

from __future__ import annotations

import pytest

from carecast.automation import polling
from carecast.automation.fetch import FetchError, fetch
from carecast.automation.models import Item, Source
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db


def titles(source):
    return sorted(source.items.values_list("title", flat=True))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rss091.xml", ["Neuer Chefarzt in der Kardiologie"]),
        ("rss10.xml", ["Grippeimpfung für Mitarbeitende"]),
        ("atom.xml", ["Tag der offenen Tür"]),
        ("feed.json", ["Herzwoche im Klinikum", "Zweite Meldung"]),
    ],
)
def test_it_reads_every_feed_format(feed_server, source_for, name, expected):
    feed_server.serve(f"/{name}", FEEDS / name)
    source = source_for(f"/{name}")
    result = polling.poll(source)
    assert not result.error
    assert titles(source) == expected
    source.refresh_from_db()
    assert source.health == Source.Health.OK


def test_it_reads_rss2_with_clean_text_links_and_images(feed_server, source_for):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml")
    polling.poll(source)
    mrt = source.items.get(guid="news-101")
    assert mrt.summary == "Leiser, schneller, mehr Platz: unser neuer MRT."
    assert mrt.categories == ["Radiologie"]
    assert mrt.image_url == "https://www.klinikum.example/img/mrt.jpg"
    assert mrt.published_at.isoformat() == "2026-11-20T08:00:00+00:00"
    # A javascript: link from a feed never reaches a post.
    assert source.items.get(guid="news-103").link == ""


def test_it_reads_a_personio_job_feed(feed_server, source_for):
    feed_server.serve("/xml", FEEDS / "personio.xml", content_type="text/xml")
    source = source_for("/xml", kind=Source.Kind.JOBS)
    polling.poll(source)
    job = source.items.get(guid="personio:1507")
    assert job.is_job
    assert job.title == "Pflegefachkraft (m/w/d) Intensivstation"
    assert job.location == "Musterstadt"
    assert job.link == feed_server.url("/job/1507")
    assert "Pflege auf der Intensivstation" in job.summary
    assert source.items.count() == 2


def test_it_asks_conditionally_and_accepts_304(feed_server, source_for):
    feed_server.serve(
        "/news.xml", FEEDS / "rss20.xml", etag='"v1"', last_modified="Fri, 20 Nov 2026 09:00:00 GMT"
    )
    source = source_for("/news.xml")
    polling.poll(source)
    source.refresh_from_db()
    second = polling.poll(source)
    assert second.not_modified and not second.new
    headers = feed_server.requests[-1][1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Fri, 20 Nov 2026 09:00:00 GMT"
    assert source.items.count() == 3


def test_it_never_makes_an_item_new_twice_when_a_feed_reorders_edits_or_redates(
    feed_server, source_for
):
    original = (FEEDS / "rss20.xml").read_text()
    feed_server.serve("/news.xml", original)
    source = source_for("/news.xml")
    assert len(polling.poll(source).new) == 3
    edited = original.replace(
        "Neuer MRT in Betrieb", "Neuer MRT in Betrieb (aktualisiert)"
    ).replace("Sat, 21 Nov 2026", "Mon, 23 Nov 2026")
    # Reorder: the last item first.
    head, _, rest = edited.partition("<item>")
    items = ["<item>" + part for part in rest.split("<item>")]
    items[-1], tail = items[-1].split("</channel>")[0], "</channel></rss>"
    feed_server.serve("/news.xml", head + "".join(reversed(items)) + tail)
    again = polling.poll(source)
    assert again.new == [] and again.updated == 2
    assert source.items.get(guid="news-101").title == "Neuer MRT in Betrieb (aktualisiert)"


def test_it_remembers_every_guid_not_just_the_newest(feed_server, source_for):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml")
    polling.poll(source)
    # The feed drops its newest item and later shows it again: still no new item.
    text = (FEEDS / "rss20.xml").read_text()
    start = text.index("<item>")
    end = text.index("</item>") + len("</item>")
    feed_server.serve("/news.xml", text[:start] + text[end:])
    polling.poll(source)
    feed_server.serve("/news.xml", text)
    assert polling.poll(source).new == []


@pytest.mark.parametrize(
    ("path", "body", "fields", "message"),
    [
        ("/page", FEEDS / "page.html", {"content_type": "text/html"}, "web page (HTML)"),
        ("/broken.xml", FEEDS / "broken.xml", {}, "not valid XML"),
        ("/missing.xml", None, {}, "HTTP 404"),
        ("/bomb.xml", FEEDS / "bomb.xml", {}, "entities"),
        ("/xxe.xml", FEEDS / "xxe.xml", {}, "entities"),
        ("/huge.xml", b"<rss>" + b" " * (10 * 1024 * 1024), {}, "larger than 5 MB"),
        ("/json", '{"hello": "world"}', {"content_type": "application/json"}, "not a JSON Feed"),
    ],
)
def test_it_shows_a_clear_error_and_keeps_earlier_items(
    feed_server, source_for, path, body, fields, message, settings
):
    settings.LANGUAGE_CODE = "en-us"
    feed_server.serve(path, FEEDS / "rss20.xml")
    source = source_for(path)
    polling.poll(source)
    if body is None:
        del feed_server.routes[path]
    else:
        feed_server.serve(path, body, **fields)
    result = polling.poll(source)
    source.refresh_from_db()
    assert message in result.error
    assert source.health == Source.Health.ERROR and message in source.last_error
    assert source.items.count() == 3


def test_it_refuses_a_huge_body_without_content_length(feed_server, source_for):
    # No Content-Length to check up front: we count what arrives.
    feed_server.serve("/chunked.xml", b"<rss>" + b" " * (2 * 1024 * 1024), send_length=False)
    with pytest.raises(FetchError):
        fetch(feed_server.url("/chunked.xml"), allow_hosts=[feed_server.host], max_bytes=1024)


def test_it_gives_up_on_a_server_that_does_not_answer(feed_server):
    feed_server.serve("/slow.xml", hang=True)
    with pytest.raises(FetchError, match="seconds|Sekunden"):
        fetch(feed_server.url("/slow.xml"), allow_hosts=[feed_server.host], timeout=0.2)


def test_it_refuses_loopback_unless_an_admin_allows_the_host(feed_server, source_for):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml", allow_hosts="")
    result = polling.poll(source)
    assert "127.0.0.1" in result.error
    assert Item.objects.count() == 0


def test_it_refuses_other_schemes():
    with pytest.raises(FetchError):
        fetch("file:///etc/passwd")


def test_it_checks_every_redirect_again(feed_server):
    feed_server.serve("/moved.xml", status=302, location="http://169.254.169.254/latest/meta-data")
    with pytest.raises(FetchError, match="169.254.169.254"):
        fetch(feed_server.url("/moved.xml"), allow_hosts=[feed_server.host])


def test_it_follows_a_redirect_to_an_allowed_host(feed_server):
    feed_server.serve("/old.xml", status=301, location="/news.xml")
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    fetched = fetch(feed_server.url("/old.xml"), allow_hosts=[feed_server.host])
    assert fetched.status == 200 and fetched.url.endswith("/news.xml")


def test_it_polls_only_sources_whose_interval_has_passed(feed_server, source_for, time_machine):
    time_machine.move_to("2026-11-23 09:00:00+00:00", tick=False)
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml", interval_minutes=30)
    assert list(polling.due_sources()) == [source]
    polling.poll(source)
    assert list(polling.due_sources()) == []
    time_machine.move_to("2026-11-23 09:31:00+00:00", tick=False)
    assert list(polling.due_sources()) == [source]


def test_it_lets_only_one_worker_claim_a_due_source(feed_server, source_for, time_machine):
    time_machine.move_to("2026-11-23 09:00:00+00:00", tick=False)
    source = source_for("/news.xml")
    assert polling.claim_due() == [source.pk]
    assert polling.claim_due() == []  # a second worker a moment later finds nothing to do
    time_machine.move_to("2026-11-23 09:11:00+00:00", tick=False)
    assert polling.claim_due() == [source.pk]  # the first worker died: the lease ran out
