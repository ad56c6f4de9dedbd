"""The API for scripts: personal access tokens (shown once, stored as a digest, scoped,
revocable), cursor pages, one error shape, and the composer's checks on every write."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from carecast.api.models import ApiToken
from carecast.api.tokens import issue
from carecast.core.models import AuditLog
from carecast.inbox.models import InboxItem
from carecast.publishing.models import Publication, State
from carecast.stories.models import MediaAsset, PersonShown, Story
from tests.web.test_api import TOO_LONG


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def token_for(person, *scopes: str) -> str:
    return issue(person.user, "Skript", scopes or ["read"])[1]


@pytest.fixture
def photo(org) -> MediaAsset:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, "PNG")
    asset = MediaAsset(organisation=org, kind="image", mime_type="image/png", alt_text="Team")
    asset.file.save("team.png", ContentFile(buffer.getvalue()), save=True)
    return asset


def test_it_shows_a_new_token_once_and_keeps_only_its_digest(anna, anna_client):
    response = anna_client.post(
        "/account/tokens/", {"name": "Intranet-Import", "scopes": ["read", "write"]}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=anna.user)
    raw = response.context["raw"]
    assert raw.startswith("cc_") and raw in response.content.decode()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (token.prefix, token.name, token.digest) and token.scopes == ["read", "write"]
    page = anna_client.get("/account/tokens/").content.decode()
    assert "Intranet-Import" in page and raw not in page and "nie" in page  # never used
    assert AuditLog.objects.filter(action="api_token.created", actor=anna.user).count() == 1


def test_it_says_in_german_what_a_token_form_lacks(anna_client):
    response = anna_client.post("/account/tokens/", {"name": "Import"})
    assert response.status_code == 400
    assert "Bitte mindestens eine Berechtigung wählen." in response.content.decode()
    assert 'value="Import"' in response.content.decode()  # the typed name stays
    assert not ApiToken.objects.exists()


def test_it_pages_channels_by_cursor_and_notes_the_last_use(anna, channel_factory, wednesday):
    for name in ("Mastodon – A", "Mastodon – B", "Mastodon – C"):
        channel_factory("mastodon", name)
    client = bearer(token_for(anna, "read"))
    first = client.get("/api/v1/channels", {"limit": 2}).json()
    assert [c["name"] for c in first["items"]] == ["Mastodon – A", "Mastodon – B"]
    second = client.get("/api/v1/channels", {"limit": 2, "cursor": first["next"]}).json()
    assert [c["name"] for c in second["items"]] == ["Mastodon – C"] and second["next"] is None
    assert ApiToken.objects.get().last_used_at == pytest.approx(wednesday, abs=dt.timedelta(1))
    bad = client.get("/api/v1/channels", {"cursor": "%%%"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"


def test_it_never_lets_a_token_exceed_its_persons_rights(clara, babytown, x_jobs, wednesday):
    client = bearer(token_for(clara, "read", "write"))
    assert [c["id"] for c in client.get("/api/v1/channels").json()["items"]] == [babytown.pk]
    response = client.post(
        "/api/v1/stories",
        {"title": "Jobs", "text": "Wir suchen Hebammen.", "channels": [x_jobs.pk]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["fields"] == [
        {"field": "channels", "message": f"Kein Kanal mit der Nummer {x_jobs.pk} für Sie."}
    ]
    assert not Story.objects.exists()


def test_it_refuses_what_the_tokens_scopes_do_not_allow(anna, mastodon):
    client = bearer(token_for(anna, "read"))
    response = client.post(
        "/api/v1/stories",
        {"title": "T", "text": "Hallo", "channels": [mastodon.pk]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "scope",
        "detail": "Diesem Zugangsschlüssel fehlt die Berechtigung „write“.",
        "fields": [],
    }
    assert client.get("/api/v1/inbox").json()["code"] == "scope"


def test_it_refuses_a_revoked_token_and_a_wrong_one(ben, mastodon):
    raw = token_for(ben, "read")
    assert bearer(raw).get("/api/v1/channels").status_code == 200
    from tests.web.conftest import login

    token = ApiToken.objects.get()
    assert login(ben).post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    response = bearer(raw).get("/api/v1/channels")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert bearer("cc_" + "x" * 43).get("/api/v1/channels").status_code == 401
    assert AuditLog.objects.filter(action="api_token.revoked").count() == 1


def test_it_refuses_the_token_of_a_deactivated_user(ben, mastodon):
    raw = token_for(ben, "read")
    ben.user.is_active = False
    ben.user.save()
    assert bearer(raw).get("/api/v1/channels").status_code == 401


def test_it_schedules_a_story_lists_its_posts_and_cancels_one(anna, mastodon, wednesday):
    client = bearer(token_for(anna, "read", "write"))
    due = wednesday + dt.timedelta(days=1)
    response = client.post(
        "/api/v1/stories",
        {
            "title": "Tag der offenen Tür",
            "text": "Am Samstag öffnet das Klinikum seine Türen.",
            "channels": [mastodon.pk],
            "due_at": due.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    [post] = response.json()["posts"]
    assert post["state"] == "scheduled" and post["channel"] == mastodon.pk
    listed = client.get("/api/v1/posts", {"state": "scheduled"}).json()["items"]
    assert [p["id"] for p in listed] == [post["id"]]
    cancelled = client.post(f"/api/v1/posts/{post['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.post(f"/api/v1/posts/{post['id']}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert Publication.objects.get().state == State.CANCELLED


def test_it_refuses_to_schedule_a_post_the_network_would_refuse(anna, x_jobs, wednesday):
    response = bearer(token_for(anna, "write")).post(
        "/api/v1/stories",
        {
            "title": "Zu lang",
            "text": TOO_LONG,
            "channels": [x_jobs.pk],
            "texts": {str(x_jobs.pk): TOO_LONG},
            "due_at": (wednesday + dt.timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "blocked" and body["fields"][0]["field"] == f"channels.{x_jobs.pk}"
    assert "von 280 Zeichen" in body["fields"][0]["message"]
    assert not Story.objects.exists() and not Publication.objects.exists()


def test_it_runs_the_consent_check_when_counting_and_scheduling(anna, mastodon, photo, wednesday):
    """The composer blocks a person shown whose consent was withdrawn; so must the API."""
    PersonShown.objects.create(
        asset=photo, name="Schwester Petra", consent=PersonShown.Consent.WITHDRAWN
    )
    client = bearer(token_for(anna, "read", "write"))
    [item] = client.post(
        "/api/v1/count",
        {"text": "Unser Team", "channels": [mastodon.pk], "media": [photo.pk]},
        content_type="application/json",
    ).json()
    consent = [p for p in item["problems"] if p["code"].startswith("consent.")]
    assert consent and all(p["blocking"] for p in consent)
    response = client.post(
        "/api/v1/stories",
        {
            "title": "Team",
            "text": "Unser Team",
            "channels": [mastodon.pk],
            "media": [photo.pk],
            "due_at": (wednesday + dt.timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "blocked"
    assert not Publication.objects.exists()


def test_it_reads_the_inbox_with_the_inbox_scope(anna, mastodon, wednesday):
    InboxItem.objects.create(
        organisation=anna.organisation,
        channel=mastodon,
        remote_id="7",
        author="lena",
        text="Wann ist Besuchszeit?",
        received_at=wednesday,
    )
    items = bearer(token_for(anna, "inbox")).get("/api/v1/inbox").json()["items"]
    assert [(i["author"], i["text"]) for i in items] == [("lena", "Wann ist Besuchszeit?")]


def test_it_answers_bad_input_in_the_one_error_shape(anna, mastodon):
    response = bearer(token_for(anna, "write")).post(
        "/api/v1/stories",
        {"text": "Hallo", "channels": [mastodon.pk]},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["detail"] == "Die Anfrage ist nicht gültig."
    assert [f["field"] for f in body["fields"]] == ["title"]


def test_it_documents_the_new_operations(anna_client):
    paths = anna_client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/channels", "/api/v1/posts", "/api/v1/stories", "/api/v1/inbox"} <= set(paths)
