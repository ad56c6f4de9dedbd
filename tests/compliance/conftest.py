"""Fixtures of the guardrail tests: channels, a story with a photo of people, drafts as JSON."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the browser test's live server

import pytest  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402

from carecast.networks.models import Channel  # noqa: E402
from carecast.stories.models import MediaAsset, PersonShown  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def compile_catalogs() -> None:
    """The messages are tested in German: compile this app's catalogs if make install has not."""
    for app in ("compliance", "inbox"):
        po = ROOT / f"carecast/{app}/locale/de/LC_MESSAGES/django.po"
        mo = po.with_suffix(".mo")
        if (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime) and shutil.which("msgfmt"):
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


compile_catalogs()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def mastodon(org) -> Channel:
    org.imprint_url = "https://www.klinikum-musterstadt.de/impressum"
    org.save()
    return Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – Klinikum",
        handle="klinikum",
        base_url="http://127.0.0.1:8765",
        is_sandbox=True,
    )


@pytest.fixture
def photo(org) -> MediaAsset:
    asset = MediaAsset(organisation=org, kind="image", mime_type="image/png", alt_text="Team")
    asset.file.save("team.png", ContentFile(b"\x89PNG fake"), save=True)
    return asset


@pytest.fixture
def person_in(mastodon):
    def make(asset, name="Schwester Petra", **fields) -> PersonShown:
        fields.setdefault("consent", PersonShown.Consent.GIVEN)
        fields.setdefault("consent_all_channels", True)
        return PersonShown.objects.create(asset=asset, name=name, **fields)

    return make
