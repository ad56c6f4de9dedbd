"""In the browser: open the media library, open a photo, record a person's consent, withdraw it
and see the published post that is flagged. Screenshots (German, desktop and phone width) land
in ``artifacts/screenshots/media/``.

Run: ``.venv/bin/python -m pytest tests/web/test_media_library_browser.py -m browser``
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from carecast.publishing.models import State
from carecast.stories.models import MediaAsset, PersonShown
from tests.browser_fixtures import SCREENSHOTS, screenshot_that_fits, signed_in_context

OUT = SCREENSHOTS / "media"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PHONE = 390

pytestmark = pytest.mark.browser


def picture(colour, accent) -> bytes:
    """A calm stand-in for a photo: a gradient with two shapes."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    for y in range(480):
        shade = tuple(int(c * (0.75 + 0.25 * y / 480)) for c in colour)
        draw.line([(0, y), (640, y)], fill=shade)
    draw.ellipse([220, 90, 420, 290], fill=accent)
    draw.rounded_rectangle([170, 300, 470, 480], radius=60, fill=accent)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def asset(org, name, colour=(120, 170, 200), accent=(240, 220, 200), **fields) -> MediaAsset:
    fields.setdefault("kind", MediaAsset.Kind.IMAGE)
    fields.setdefault("mime_type", "image/jpeg")
    made = MediaAsset(organisation=org, width=640, height=480, **fields)
    made.file.save(name, ContentFile(picture(colour, accent)), save=True)
    return made


@pytest.fixture
def library(org, publication_factory, mastodon, bluesky):
    """A photo used in a scheduled and a published post, and a few other assets."""
    photo = asset(
        org, "kreisssaal.jpg", alt_text="Hebamme Petra mit einem Neugeborenen im Kreißsaal"
    )
    scheduled = publication_factory(
        mastodon, State.SCHEDULED, title="Infoabend für werdende Eltern"
    )
    published = publication_factory(
        bluesky,
        State.PUBLISHED,
        due_at=timezone.now() - dt.timedelta(days=2),
        title="Danke an unsere Hebammen",
    )
    for publication in (scheduled, published):
        publication.variant.story.media.add(photo)
    nameless = asset(org, "empfang.jpg", colour=(200, 190, 160), accent=(90, 120, 110))
    PersonShown.objects.create(asset=nameless, name="Besucher", consent=PersonShown.Consent.NONE)
    asset(
        org,
        "tanzvideo.mp4",
        kind=MediaAsset.Kind.VIDEO,
        mime_type="video/mp4",
        alt_text="Tanzvideo des Pflegeteams zum Tag der Pflege",
        music_title="Jerusalema (Master KG)",
        music_licence="licensed",
    )
    old = asset(
        org,
        "mrt.jpg",
        colour=(70, 90, 120),
        accent=(200, 210, 230),
        alt_text="Radiologin am neuen MRT",
        tags=["op"],
    )
    PersonShown.objects.create(
        asset=old,
        name="Dr. Sophie Schneider-Wachtendonk",
        consent=PersonShown.Consent.GIVEN,
        consent_all_channels=True,
        consent_until=timezone.localdate() - dt.timedelta(days=10),
    )
    return {"photo": photo, "scheduled": scheduled, "published": published}


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_as(person, path, width=1280):
        context = signed_in_context(browser, live_server.url, person, "de", width)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    screenshot_that_fits(page, OUT, name)


def test_it_shows_an_empty_library_that_says_what_to_do(open_page, anna):
    for width, suffix in ((1280, "desktop"), (PHONE, "phone")):
        page = open_page(anna, "/media-library/", width)
        assert "Noch keine Bilder oder Videos." in page.inner_text("main")
        shot(page, f"library-empty-de-{suffix}")


def test_it_uploads_as_soon_as_images_are_chosen_and_says_why_one_is_refused(open_page, anna):
    page = open_page(anna, "/media-library/")
    page.set_input_files(
        "#library-images",
        files=[
            {
                "name": "kreisssaal.jpg",
                "mimeType": "image/jpeg",
                "buffer": picture((90, 140, 170), (250, 230, 210)),
            }
        ],
    )
    page.wait_for_url("**/media-library/*/")
    assert "Bild hochgeladen." in page.inner_text(".messages")
    assert "Alt-Text fehlt" in page.inner_text("main")
    shot(page, "uploaded-de-desktop")

    page.goto(page.url.rsplit("/media-library/", 1)[0] + "/media-library/")
    page.set_input_files(
        "#library-images",
        files=[{"name": "befund.jpg", "mimeType": "image/jpeg", "buffer": b"kein Bild"}],
    )
    page.wait_for_selector(".message-error")
    assert "befund.jpg ist kein lesbares Bild." in page.inner_text(".message-error")
    assert MediaAsset.objects.count() == 1
    shot(page, "upload-refused-de-desktop")


def test_it_records_a_consent_withdraws_it_and_flags_the_post(open_page, anna, library):
    page = open_page(anna, "/media-library/")
    assert page.locator(".asset-tile").count() == 4
    assert page.locator(".alt-text-missing").count() == 1
    shot(page, "library-de-desktop")

    page.locator(".asset-tile", has_text="Hebamme Petra mit einem").locator(".asset-open").click()
    page.wait_for_selector("#people-h")
    assert "Niemand erfasst." in page.inner_text("main")
    page.click("text=Person hinzufügen")
    page.fill("#id_name", "Hebamme Petra")
    page.check("input[name=consent][value=given]")
    page.check("input[name=scope][value=all]")
    page.fill("#id_consent_purpose", "Bericht über die Geburtshilfe")
    page.fill("#id_consent_until", "2027-12-31")
    page.fill("#id_consent_reference", "Formular 12/2026, Personalakte")
    page.set_input_files(
        "#id_document",
        files=[{"name": "einwilligung.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    shot(page, "person-form-de-desktop")
    page.click("text=Einwilligung speichern")
    page.wait_for_selector(".person-card")
    assert "Einwilligung gespeichert." in page.inner_text(".messages")
    assert "Einwilligung liegt vor" in page.inner_text(".person-card")
    shot(page, "asset-de-desktop")

    page.click(".person-card >> text=Einwilligung widerrufen")
    page.wait_for_selector("text=Einwilligung von Hebamme Petra widerrufen?")
    assert "1 geplanter Beitrag wird abgebrochen" in page.inner_text("main")
    shot(page, "withdraw-confirm-de-desktop")
    page.click("button:has-text('Einwilligung widerrufen')")
    page.wait_for_url("**/withdrawn/")
    flagged = page.inner_text(".alert-error")
    assert "1 veröffentlichter Beitrag muss geprüft werden" in flagged
    assert "Danke an unsere Hebammen" in flagged
    assert "Infoabend für werdende Eltern" in page.inner_text(".alert-success")
    shot(page, "withdrawn-de-desktop")

    library["scheduled"].refresh_from_db()
    assert library["scheduled"].state == State.CANCELLED
    page.click(".alert-error >> text=Details")
    page.wait_for_url(f"**/publications/{library['published'].pk}/")


def test_it_reads_well_on_a_phone(open_page, anna, library):
    photo = library["photo"]
    petra = PersonShown.objects.create(
        asset=photo,
        name="Hebamme Petra",
        consent=PersonShown.Consent.GIVEN,
        consent_all_channels=True,
        consent_purpose="Bericht über die Geburtshilfe",
        is_patient=True,
    )
    page = open_page(anna, "/media-library/", PHONE)
    shot(page, "library-de-phone")
    page = open_page(anna, f"/media-library/{photo.pk}/", PHONE)
    shot(page, "asset-de-phone")
    page = open_page(anna, f"/media-library/{photo.pk}/people/{petra.pk}/", PHONE)
    shot(page, "person-form-de-phone")
    page = open_page(anna, f"/media-library/{photo.pk}/people/{petra.pk}/withdraw/", PHONE)
    page.click("button:has-text('Einwilligung widerrufen')")
    page.wait_for_url("**/withdrawn/")
    shot(page, "withdrawn-de-phone")
    video = MediaAsset.objects.get(kind=MediaAsset.Kind.VIDEO)
    page = open_page(anna, f"/media-library/{video.pk}/", PHONE)
    shot(page, "video-de-phone")
