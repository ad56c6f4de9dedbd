"""Personal data: the record of processing (generated from one table that every model with
people's data must be in), the search across every kind of person, and who may use it."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.core.models import AuditLog
from carecast.inbox.models import InboxItem
from carecast.live.models import LiveSession, Question
from carecast.privacy import stores
from carecast.stories.models import MediaAsset, PersonShown, Story
from carecast.stories.services import save_story
from tests.web.conftest import login

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_it_lists_every_model_with_personal_data_in_the_record():
    assert stores.unlisted_fields() == []


def test_it_would_fail_for_a_store_left_out(monkeypatch):
    without = tuple(s for s in stores.STORES if s.key != "questions")
    monkeypatch.setattr(stores, "STORES", without)
    missing = stores.unlisted_fields()
    assert "live.Question.nickname" in missing and "live.Upvote.client" in missing


def test_it_lists_what_carecast_stores_why_and_how_long(anna, org, settings):
    org.comment_retention_days = 60
    org.save()
    settings.CARECAST_LIVE_KEEP_DAYS = 14
    page = login(anna).get("/settings/personal-data/").content.decode()
    assert "Verzeichnis der Verarbeitungstätigkeiten" in page
    assert "Gespeichert 60 Tage, dann automatisch gelöscht." in page
    assert "Gelöscht 14 Tage nach Ende der Sprechstunde." in page
    for store in stores.STORES:
        assert f'data-store="{store.key}"' in page
    for heading in ("Abgebildete Personen", "Fragen in Live-Sprechstunden", "Teammitglieder"):
        assert heading in page
    assert "Rechtsgrundlage" in page and "Art. 6 Abs. 1 lit. f DSGVO" in page


@pytest.fixture
def lena_everywhere(org, anna, mastodon):
    """One name as a commenter, in a picture, with a question, and in a story's text."""
    InboxItem.objects.create(
        organisation=org,
        channel=mastodon,
        remote_id="1",
        author="Lena Sommerfeld",
        text="Wann ist Besuchszeit?",
        received_at=NOW,
    )
    asset = MediaAsset.objects.create(organisation=org, mime_type="image/jpeg", file="x.jpg")
    PersonShown.objects.create(asset=asset, name="Lena Sommerfeld", consent="given")
    session = LiveSession.objects.create(
        organisation=org, title="Sprechstunde", slug="s", starts_at=NOW, ends_at=NOW
    )
    Question.objects.create(
        session=session,
        text="Wie lange?",
        public_text="Wie lange?",
        nickname="Lena S.",
        client="c9",
    )
    save_story(
        org, title="Dank", text="Danke an Lena Sommerfeld für das Foto!", channels=[mastodon]
    )


def test_it_finds_one_person_across_every_kind(anna, lena_everywhere):
    page = login(anna).get("/settings/personal-data/requests/", {"q": "Lena"}).content.decode()
    assert 'value="commenter:Lena Sommerfeld"' in page
    assert 'value="shown:Lena Sommerfeld"' in page
    assert 'value="asker:c9"' in page
    assert "Kommentierende" in page and "Fragende in Live-Sprechstunden" in page
    # A story's text names her too: carecast lists it for a person to edit.
    story = Story.objects.get()
    assert "Auch in Texten erwähnt" in page
    assert f'Story · Text: <a href="/stories/{story.pk}/">#{story.pk}</a>' in page


def test_it_says_when_nobody_is_found(anna, lena_everywhere):
    page = login(anna).get("/settings/personal-data/requests/", {"q": "Zacharias"})
    assert "carecast speichert keine Person unter diesem Namen" in page.content.decode()


def test_it_asks_before_erasing(anna, lena_everywhere):
    page = login(anna).post(
        "/settings/personal-data/requests/erase/", {"pick": "commenter:Lena Sommerfeld"}
    )
    assert "Endgültig löschen" in page.content.decode()
    assert InboxItem.objects.get().author == "Lena Sommerfeld"


def test_only_the_lead_may_export_or_erase(ben, clara, lena_everywhere):
    for person in (ben, clara):
        client = login(person)
        assert client.get("/settings/personal-data/requests/", {"q": "Lena"}).status_code == 403
        picks = {"pick": "commenter:Lena Sommerfeld", "confirm": "yes"}
        assert client.post("/settings/personal-data/requests/erase/", picks).status_code == 403
        assert client.post("/settings/personal-data/requests/export/", picks).status_code == 403
    assert InboxItem.objects.get().author == "Lena Sommerfeld"
    assert not AuditLog.objects.filter(action__startswith="privacy.").exists()


def test_it_never_finds_or_erases_another_hospitals_people(anna, lena_everywhere):
    from carecast.core.models import Organisation
    from carecast.networks.models import Channel

    other = Organisation.objects.create(name="Stadtklinik Anderswo", slug="anderswo")
    channel = Channel.objects.create(organisation=other, network="mastodon", name="Anderswo")
    theirs = InboxItem.objects.create(
        organisation=other,
        channel=channel,
        remote_id="9",
        author="Lena Sommerfeld",
        text="Anderswo gefragt",
        received_at=NOW,
    )
    their_story = save_story(
        other, title="Dank", text="Danke an Lena Sommerfeld!", channels=[channel]
    )
    client = login(anna)
    page = client.get("/settings/personal-data/requests/", {"q": "Lena"}).content.decode()
    assert "Anderswo gefragt" not in page
    assert f"/stories/{their_story.pk}/" not in page
    assert f"/stories/{Story.objects.get(organisation=anna.organisation).pk}/" in page
    picks = {"pick": ["commenter:Lena Sommerfeld", "bogus:x"], "confirm": "yes"}
    assert client.post("/settings/personal-data/requests/erase/", picks).status_code == 302
    theirs.refresh_from_db()
    assert theirs.text == "Anderswo gefragt" and theirs.erased_at is None
    assert InboxItem.objects.get(organisation=anna.organisation).erased_at == NOW
