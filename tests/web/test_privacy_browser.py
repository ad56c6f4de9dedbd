"""In the browser: the lead reads the record of processing, finds one person shown in a
picture and commenting, downloads the ZIP and erases them. Screenshots (German, laptop and
phone) in ``artifacts/screenshots/privacy/``.

Run: ``.venv/bin/python -m pytest tests/web/test_privacy_browser.py -m browser``
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from carecast.inbox.models import InboxItem
from carecast.publishing.models import State
from carecast.stories.models import MediaAsset, PersonShown
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = Path(os.environ.get("CARECAST_SHOTS", SCREENSHOTS / "privacy"))
LAPTOP, PHONE = (1366, 900), (390, 844)

pytestmark = pytest.mark.browser


def shoot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": LAPTOP[0], "height": LAPTOP[1]})


def test_the_lead_exports_and_erases_one_persons_data(
    browser, live_server, anna, org, mastodon, publication_factory
):
    InboxItem.objects.create(
        organisation=org,
        channel=mastodon,
        remote_id="1",
        author="Marlene Achterberg-Schwarzenbeck",
        text="Mein Vater liegt seit Montag auf der Kardiologie-Wachstation, darf ich ihn besuchen?",
        received_at=timezone.now(),
    )
    asset = MediaAsset.objects.create(organisation=org, mime_type="image/jpeg")
    asset.file.save("station.jpg", ContentFile(b"\xff\xd8 picture"), save=True)
    PersonShown.objects.create(
        asset=asset,
        name="Marlene Achterberg-Schwarzenbeck",
        consent=PersonShown.Consent.GIVEN,
        consent_all_channels=True,
    )
    public = publication_factory(mastodon, state=State.PUBLISHED, title="Station 4")
    public.variant.story.media.add(asset)
    base = live_server.url
    context = signed_in_context(browser, base, anna, width=LAPTOP[0], height=LAPTOP[1])
    page = context.new_page()
    page.goto(base + "/settings/personal-data/")
    assert "Verzeichnis der Verarbeitungstätigkeiten" in page.inner_text("main")
    shoot(page, "records")
    page.click("text=Auskunft und Löschung")
    page.fill("#q", "Achterberg")
    page.click("main form[role=search] button")
    main = page.inner_text("main")
    assert "Kommentierende" in main and "Abgebildete Personen" in main
    assert public.remote_url in main
    shoot(page, "requests")
    with page.expect_download() as download:
        page.click("text=Als ZIP herunterladen")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {"kommentare.json", "abgebildete-person.json", "LIESMICH.txt"} <= set(archive.namelist())
    page.click("text=Löschen …")
    assert "carecast löscht endgültig:" in page.inner_text("main")
    shoot(page, "erase-confirm")
    page.click("text=Endgültig löschen")
    assert public.remote_url in page.inner_text("main")
    shoot(page, "erased")
    page.goto(base + "/settings/personal-data/requests/?q=Achterberg")
    assert "carecast speichert keine Person" in page.inner_text("main")
    shoot(page, "requests-empty")
    context.close()
