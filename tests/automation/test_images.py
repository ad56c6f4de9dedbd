"""The item's image: fetched safely, stored without its GPS, attached to the posts."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from carecast.automation import pipeline
from carecast.automation.models import Rule
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (52.0, 31.0, 12.0)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 160)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def feed_with_image(feed_server, image_path: str) -> str:
    text = (FEEDS / "rss20.xml").read_text()
    return text.replace("https://www.klinikum.example/img/mrt.jpg", feed_server.url(image_path))


def test_it_attaches_the_items_image_without_metadata(org, feed_server, source_for, news_channel):
    feed_server.serve("/mrt.jpg", jpeg_with_gps(), content_type="image/jpeg")
    feed_server.serve("/news.xml", feed_with_image(feed_server, "/mrt.jpg"))
    source = source_for("/news.xml")
    rule = Rule.objects.create(organisation=org, name="Bilder", policy="draft", max_age_days=0)
    rule.sources.set([source])
    rule.channels.set([news_channel])
    pipeline.refresh(source)
    item = source.items.get(guid="news-101")
    assert item.image is not None and item.image.alt_text == "Neuer MRT in Betrieb"
    with Image.open(item.image.file.path) as stored:
        assert not stored.getexif().get_ifd(0x8825)
    story = news_channel.variants.get(story__title="Neuer MRT in Betrieb").story
    assert list(story.media.all()) == [item.image]


def test_it_posts_without_an_image_that_is_not_one(org, feed_server, source_for):
    feed_server.serve("/mrt.jpg", b"<html>nope</html>", content_type="text/html")
    feed_server.serve("/news.xml", feed_with_image(feed_server, "/mrt.jpg"))
    source = source_for("/news.xml")
    result, _ = pipeline.refresh(source)
    assert not result.error
    assert source.items.get(guid="news-101").image is None


def test_it_never_fetches_an_image_from_a_private_address(org, feed_server, source_for):
    text = (
        (FEEDS / "rss20.xml")
        .read_text()
        .replace(
            "https://www.klinikum.example/img/mrt.jpg", "http://169.254.169.254/latest/meta-data"
        )
    )
    feed_server.serve("/news.xml", text)
    source = source_for("/news.xml")
    pipeline.refresh(source)
    assert source.items.get(guid="news-101").image is None
