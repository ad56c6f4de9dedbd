"""What a feed tester found: relative images, trickling servers, the allowlist, Personio text."""

from __future__ import annotations

import time

import pytest
from django.utils import translation

from carecast.automation import polling
from carecast.automation.fetch import FetchError, fetch
from carecast.automation.parse import parse
from carecast.lib.http import UnsafeURL, check_public_url

pytestmark = pytest.mark.django_db

RELATIVE_IMAGE = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Aktuelles</title><link>https://www.klinikum.example/</link><description>x</description>
<item><guid>n-1005</guid><title>Neue Stroke Unit</title>
<link>https://www.klinikum.example/aktuelles/stroke-unit</link>
<media:content url="/media/2026/11/1005.jpg" medium="image"/></item>
<item><guid>n-1006</guid><title>Ohne Link</title><link>/aktuelles/ohne</link>
<enclosure url="bilder/1006.jpg" type="image/jpeg" length="1"/></item>
</channel></rss>"""


def test_it_resolves_a_relative_image_against_the_items_link():
    items = {i.guid: i for i in parse(RELATIVE_IMAGE, "https://feeds.klinikum.example/rss")}
    assert items["n-1005"].image_url == "https://www.klinikum.example/media/2026/11/1005.jpg"
    # A relative link is read against the feed's site, the image against that link.
    assert items["n-1006"].link == "https://www.klinikum.example/aktuelles/ohne"
    assert items["n-1006"].image_url == "https://www.klinikum.example/aktuelles/bilder/1006.jpg"


def test_it_stops_a_trickling_server_at_the_total_deadline(feed_server):
    # 200 bytes, one every 50 ms: 10 s in all, each single read far below the timeout.
    feed_server.serve("/trickle.xml", b"<rss>" + b" " * 195, trickle=0.05)
    started = time.monotonic()
    with pytest.raises(FetchError, match="too slowly|zu langsam"):
        fetch(feed_server.url("/trickle.xml"), allow_hosts=[feed_server.host], timeout=0.5)
    assert time.monotonic() - started < 2.0


def test_it_opens_only_the_default_port_for_a_bare_allowed_host(feed_server):
    feed_server.serve("/news.xml", b"<rss/>")
    with pytest.raises(UnsafeURL):
        check_public_url(feed_server.url("/news.xml"), allow_hosts=["127.0.0.1"])
    assert check_public_url("http://127.0.0.1/feed.xml", allow_hosts=["127.0.0.1"])
    assert check_public_url("https://127.0.0.1/feed.xml", allow_hosts=["127.0.0.1"])
    with pytest.raises(UnsafeURL):
        check_public_url("http://127.0.0.1:443/feed.xml", allow_hosts=["127.0.0.1"])
    assert check_public_url(feed_server.url("/news.xml"), allow_hosts=[feed_server.host])
    assert check_public_url(feed_server.url("/news.xml"), allow_hosts=["127.0.0.1:*"])


def test_it_names_the_refused_target_after_a_redirect_in_german(feed_server, source_for):
    # The allowed feed redirects to another port on the same host (say, a database).
    feed_server.serve("/news.xml", status=302, location="http://127.0.0.1:5432/")
    source = source_for("/news.xml")
    polling.poll(source)
    source.refresh_from_db()
    with translation.override("de"):
        message = source.error_message
    assert message.startswith("Adresse abgelehnt (weitergeleitet von ")
    assert f"http://{feed_server.host}" in message
    assert "http://127.0.0.1:5432 liegt in einem internen Netz" in message
    with translation.override("en"):
        assert "http://127.0.0.1:5432 is inside a private network" in source.error_message


def test_it_gives_the_reason_in_german_after_adresse_abgelehnt(feed_server, source_for):
    feed_server.serve("/news.xml", b"<rss/>")
    source = source_for("/news.xml", allow_hosts="")
    polling.poll(source)
    source.refresh_from_db()
    with translation.override("de"):
        assert source.error_message == (
            f"Adresse abgelehnt: http://{feed_server.host} liegt in einem internen Netz und "
            "steht nicht in der Liste der erlaubten internen Hosts."
        )


PERSONIO = """<?xml version="1.0" encoding="UTF-8"?>
<workzag-jobs><position><id>2201</id><office>Musterstadt</office>
<department>Pflege</department><recruitingCategory>Pflege</recruitingCategory>
<name>Erzieherin (m/w/d) Betriebskita</name>
<employmentType>permanent</employmentType><schedule>full-or-part-time</schedule>
<jobDescriptions>
<jobDescription><name>Über uns</name><value><![CDATA[<p>Wir sind das Klinikum von morgen.</p><ul><li>Tarifvertrag TVöD</li><li>Kita am Haus</li></ul>]]></value></jobDescription>
<jobDescription><name>Ihr Profil</name><value><![CDATA[<p>Freude an der Arbeit<br>mit Kindern &amp; Eltern</p>]]></value></jobDescription>
</jobDescriptions></position>
<position><id>2202</id><name>MFA (m/w/d)</name><schedule>part-time</schedule></position>
</workzag-jobs>""".encode()


def test_it_turns_personio_html_into_clean_text_with_german_values(settings):
    settings.LANGUAGE_CODE = "de"
    job, mfa = parse(PERSONIO, "https://klinikum.jobs.personio.de/xml")
    assert job.summary == (
        "Über uns: Wir sind das Klinikum von morgen. Tarifvertrag TVöD. Kita am Haus. "
        "Ihr Profil: Freude an der Arbeit mit Kindern & Eltern"
    )
    assert job.categories == ["Pflege", "Voll- oder Teilzeit", "unbefristet"]
    assert mfa.categories == ["Teilzeit"]
