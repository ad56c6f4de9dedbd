"""Rights that hold everywhere: media files, navigation and the duty rota (findings of the
security review, each with the test that would have caught it)."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from carecast.inbox.models import DutyShift
from carecast.stories.models import MediaAsset
from tests.web.conftest import login

EVIL = "javascript:fetch('/inbox/').then(r=>alert(1))"


@pytest.fixture
def asset_for(org):
    def make(name: str, **fields) -> MediaAsset:
        out = io.BytesIO()
        Image.new("RGB", (8, 8), (200, 80, 60)).save(out, format="PNG")
        asset = MediaAsset(organisation=org, kind="image", mime_type="image/png", **fields)
        asset.file.save(name, ContentFile(out.getvalue()), save=True)
        return asset

    return make


def test_it_serves_a_department_editor_only_the_media_files_they_may_see(
    clara, clara_client, anna_client, asset_for, story_for, babytown, mastodon, geburtshilfe
):
    own = asset_for("kreisssaal.png")
    story_for(babytown, title="Babytown", department=geburtshilfe, media=[own])
    uploaded = asset_for("von-clara.png", uploaded_by=clara.user)
    elsewhere = asset_for("patientin.png")
    story_for(mastodon, title="Patientengeschichte", media=[elsewhere])

    assert clara_client.get(elsewhere.file.url).status_code == 404
    assert clara_client.get(own.file.url).status_code == 200
    assert clara_client.get(uploaded.file.url).status_code == 200
    assert anna_client.get(elsewhere.file.url).status_code == 200


def test_it_shows_automation_in_the_navigation_only_to_the_comms_team(clara_client, anna_client):
    assert 'href="/automation/"' not in clara_client.get("/").content.decode()
    assert clara_client.get("/automation/").status_code == 403
    assert 'href="/automation/"' in anna_client.get("/").content.decode()


def test_it_lets_no_department_editor_take_inbox_duty(clara, clara_client, ben):
    page = clara_client.get("/inbox/duty/").content.decode()
    assert 'action="/inbox/duty/take/"' not in page
    assert clara_client.post("/inbox/duty/take/").status_code == 403
    assert not DutyShift.objects.exists()
    ben_client = login(ben)
    assert 'action="/inbox/duty/take/"' in ben_client.get("/inbox/duty/").content.decode()
    assert ben_client.post("/inbox/duty/take/").status_code == 302
    assert DutyShift.objects.get().person == ben


def test_anonymous_people_get_no_media_file(asset_for):
    asset = asset_for("team.png")
    response = Client().get(asset.file.url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
