"""A story started from the media library: the asset's "Use in a new story" opens the
composer with that file attached; only files the person may attach come along."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from carecast.core.models import Organisation
from carecast.stories.models import MediaAsset, Story

pytestmark = pytest.mark.django_db


def _asset(organisation, name: str) -> MediaAsset:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 120, 160)).save(out, format="PNG")
    asset = MediaAsset(
        organisation=organisation, kind="image", mime_type="image/png", alt_text="Team"
    )
    asset.file.save(name, ContentFile(out.getvalue()), save=True)
    return asset


@pytest.fixture
def photo(org, media_root) -> MediaAsset:
    return _asset(org, "team.png")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_it_offers_a_new_story_with_the_asset_on_its_page(anna_client, photo):
    body = anna_client.get(f"/media-library/{photo.pk}/").content.decode()

    assert f'href="/stories/new/?media={photo.pk}"' in body
    assert "In neuer Story verwenden" in body


def test_it_opens_the_composer_with_the_asset_attached(anna_client, photo, mastodon):
    response = anna_client.get(f"/stories/new/?media={photo.pk}")

    assert response.context["media"] == [photo]
    assert f'<input type="hidden" name="media" value="{photo.pk}">' in response.content.decode()
    assert not Story.objects.exists()  # nothing is saved until the person saves


def test_it_leaves_out_files_of_another_hospital_and_nonsense(anna_client, photo, media_root):
    other = Organisation.objects.create(name="Stadtklinik Anderswo", slug="anderswo")
    foreign = _asset(other, "fremd.png")

    response = anna_client.get(
        f"/stories/new/?media={foreign.pk}&media=abc&media={photo.pk}&media={photo.pk}"
    )

    assert response.context["media"] == [photo]
    assert f'value="{foreign.pk}"' not in response.content.decode()
