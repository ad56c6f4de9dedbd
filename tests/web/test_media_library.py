"""The media library: assets with alt text, tags, music and consent records; a withdrawal that
reaches the posts; and who may see which asset and which signed document."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from carecast.compliance.service import run_checks
from carecast.core.models import AuditLog, Organisation, Person, Role
from carecast.publishing.compliance import draft_from
from carecast.publishing.models import State
from carecast.stories.models import MediaAsset, PersonShown
from tests.web.conftest import login

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def png_bytes(size=(32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 60)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def asset_for(org):
    def make(organisation=None, name="team.png", **fields) -> MediaAsset:
        fields.setdefault("kind", MediaAsset.Kind.IMAGE)
        fields.setdefault("mime_type", "image/png")
        asset = MediaAsset(organisation=organisation or org, **fields)
        asset.file.save(name, ContentFile(png_bytes()), save=True)
        return asset

    return make


@pytest.fixture
def photo(asset_for) -> MediaAsset:
    return asset_for(alt_text="Das Team der Geburtshilfe im Kreißsaal")


@pytest.fixture
def other_org_asset(asset_for) -> MediaAsset:
    other = Organisation.objects.create(name="Stadtklinik Anderswo", slug="anderswo")
    return asset_for(organisation=other, name="fremd.png", alt_text="Fremdes Bild")


@pytest.fixture
def outsider_client(other_org_asset) -> Client:
    """Olga: signed in, but a communications lead of another hospital."""
    user = get_user_model().objects.create_user("olga", "olga@anderswo.test", "pw-olga")
    Person.objects.create(user=user, organisation=other_org_asset.organisation, role=Role.ADMIN)
    return login(user.person)


def shown(asset, name="Hebamme Petra", **fields) -> PersonShown:
    fields.setdefault("consent", PersonShown.Consent.GIVEN)
    fields.setdefault("consent_all_channels", True)
    return PersonShown.objects.create(asset=asset, name=name, **fields)


# ---------- the library page ----------


def test_it_shows_an_empty_library_with_what_to_do(anna_client):
    body = anna_client.get("/media-library/").content.decode()
    assert "Noch keine Bilder oder Videos." in body
    assert 'action="/media-library/upload/"' in body
    assert 'aria-current="page">Mediathek</a>' in body


def test_it_shows_alt_text_consent_and_music_per_asset(anna_client, asset_for, photo):
    shown(photo)
    no_alt = asset_for(name="ohne-alt.png")
    shown(no_alt, consent=PersonShown.Consent.NONE)
    video = asset_for(
        name="tanz.mp4",
        kind=MediaAsset.Kind.VIDEO,
        mime_type="video/mp4",
        alt_text="Tanzvideo der Pflege",
        music_title="Jerusalema",
        music_licence="licensed",
    )
    expired = asset_for(name="alt.png", alt_text="Empfang")
    shown(expired, consent_until=timezone.localdate() - dt.timedelta(days=1))

    body = anna_client.get("/media-library/").content.decode()
    assert "Das Team der Geburtshilfe im Kreißsaal" in body
    assert "Einwilligungen vollständig" in body
    assert 'class="asset-alt alt-text-missing">Alt-Text fehlt' in body
    assert "Einwilligung fehlt" in body and "Einwilligung abgelaufen" in body
    assert "Musik: lizenziert" in body
    assert "keine Personen erfasst" in body  # the video: nobody recorded yet
    assert f"/media-library/{video.pk}/" in body


def test_it_filters_missing_alt_text_missing_consent_and_withdrawn(anna_client, asset_for, photo):
    shown(photo)
    no_alt = asset_for(name="ohne-alt.png")
    lacking = asset_for(name="ohne-einwilligung.png", alt_text="Ohne Einwilligung")
    shown(lacking, consent=PersonShown.Consent.NONE)
    expired = asset_for(name="abgelaufen.png", alt_text="Abgelaufen")
    shown(expired, consent_until=timezone.localdate() - dt.timedelta(days=3))
    gone = asset_for(name="widerrufen.png", alt_text="Widerrufen")
    shown(gone, consent=PersonShown.Consent.WITHDRAWN, withdrawn_at=timezone.now())

    def listed(filter_key):
        page = anna_client.get(f"/media-library/?filter={filter_key}").context["page"]
        return {asset.pk for asset in page}

    assert listed("no_alt") == {no_alt.pk}
    assert listed("no_consent") == {lacking.pk, expired.pk}
    assert listed("withdrawn") == {gone.pk}
    body = anna_client.get("/media-library/?filter=withdrawn").content.decode()
    assert 'class="button is-current" href="?filter=withdrawn"' in body


def test_it_speaks_english_too(anna_client, asset_for, settings):
    shown(asset_for(name="ohne-alt.png"), consent=PersonShown.Consent.NONE)
    anna_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = anna_client.get("/media-library/").content.decode()
    assert "<h1>Media library</h1>" in body
    assert "Alt text missing" in body and "consent missing" in body and "Upload photos" in body


def test_it_says_so_when_a_filter_matches_nothing(anna_client, photo):
    body = anna_client.get("/media-library/?filter=withdrawn").content.decode()
    assert "Kein Bild und kein Video passt zu diesem Filter." in body


# ---------- access ----------


def test_it_hides_another_organisations_asset(anna_client, other_org_asset):
    person = shown(other_org_asset, consent_document="consent/2026/x.pdf")
    assert "Fremdes Bild" not in anna_client.get("/media-library/").content.decode()
    base = f"/media-library/{other_org_asset.pk}/"
    for path in [
        base,
        base + "people/new/",
        base + f"people/{person.pk}/",
        base + f"people/{person.pk}/document/",
        base + f"people/{person.pk}/withdraw/",
    ]:
        assert anna_client.get(path).status_code == 404, path
    assert anna_client.post(base + f"people/{person.pk}/withdraw/").status_code == 404
    person.refresh_from_db()
    assert person.consent == PersonShown.Consent.GIVEN


def test_department_editor_sees_only_department_assets_and_own_uploads(
    clara, clara_client, asset_for, story_for, babytown, mastodon, geburtshilfe
):
    own_story = asset_for(name="kreisssaal.png", alt_text="Kreißsaal")
    story_for(babytown, title="Babytown", department=geburtshilfe, media=[own_story])
    uploaded = asset_for(name="hochgeladen.png", alt_text="Von Clara", uploaded_by=clara.user)
    elsewhere = asset_for(name="mrt.png", alt_text="Der neue MRT")
    story_for(mastodon, title="MRT", media=[elsewhere])

    page = clara_client.get("/media-library/").context["page"]
    assert {asset.pk for asset in page} == {own_story.pk, uploaded.pk}
    assert clara_client.get(f"/media-library/{elsewhere.pk}/").status_code == 404
    response = clara_client.post(f"/media-library/{elsewhere.pk}/", {"alt_text": "geändert"})
    assert response.status_code == 404
    assert clara_client.get(f"/media-library/{own_story.pk}/").status_code == 200


def test_it_lets_read_only_people_look_but_not_change(org, photo):
    user = get_user_model().objects.create_user("vera", "vera@klinikum.test", "pw-vera")
    client = login(Person.objects.create(user=user, organisation=org, role=Role.VIEWER))
    body = client.get(f"/media-library/{photo.pk}/").content.decode()
    assert "Das Team der Geburtshilfe im Kreißsaal" in body and "<textarea" not in body
    assert client.post(f"/media-library/{photo.pk}/", {"alt_text": "x"}).status_code == 403
    assert client.get(f"/media-library/{photo.pk}/people/new/").status_code == 403


def test_it_sends_anonymous_people_to_login(photo):
    response = Client().get("/media-library/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# ---------- upload ----------


def test_it_uploads_an_image_without_its_location_and_opens_it(anna, anna_client, jpeg_with_gps):
    upload = SimpleUploadedFile("kreisssaal.jpg", jpeg_with_gps, content_type="image/jpeg")
    response = anna_client.post("/media-library/upload/", {"images": upload}, follow=True)
    asset = MediaAsset.objects.get()
    assert response.redirect_chain[-1][0] == f"/media-library/{asset.pk}/"
    assert asset.uploaded_by == anna.user and asset.mime_type == "image/jpeg"
    assert b"PhoneMaker" not in asset.file.read()
    body = response.content.decode()
    assert "Bild hochgeladen. Ergänzen Sie jetzt den Alt-Text" in body
    assert "Alt-Text fehlt" in body


def test_it_explains_why_an_upload_was_refused(anna_client):
    upload = SimpleUploadedFile("befund.jpg", b"not an image at all", content_type="image/jpeg")
    response = anna_client.post("/media-library/upload/", {"images": upload}, follow=True)
    assert response.redirect_chain[-1][0] == "/media-library/"
    assert '<p class="message message-error">befund.jpg ist kein lesbares Bild.</p>' in (
        response.content.decode()
    )
    assert not MediaAsset.objects.exists()


def test_it_asks_for_a_file_when_none_was_chosen(anna_client):
    body = anna_client.post("/media-library/upload/", follow=True).content.decode()
    assert "Bitte wählen Sie mindestens ein Bild zum Hochladen aus." in body


# ---------- describing an asset ----------


def test_it_saves_alt_text_credit_and_tags(anna_client, photo):
    response = anna_client.post(
        f"/media-library/{photo.pk}/",
        {
            "alt_text": "  Hebamme hält ein Neugeborenes  ",
            "credit": "Foto: Klinikum",
            "known_tags": ["vorher-nachher", "patient"],
            "other_tags": "Kreißsaal, #Geburt, kreißsaal",
        },
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.alt_text == "Hebamme hält ein Neugeborenes"
    assert photo.credit == "Foto: Klinikum"
    assert photo.tags == ["vorher-nachher", "patient", "kreißsaal", "geburt"]
    entry = AuditLog.objects.get(action="media.updated")
    assert entry.detail["fields"] == ["alt_text", "credit", "tags"]


def test_it_records_music_only_for_videos(anna_client, asset_for, photo):
    video = asset_for(name="tanz.mp4", kind=MediaAsset.Kind.VIDEO, mime_type="video/mp4")
    assert "Musiklizenz" in anna_client.get(f"/media-library/{video.pk}/").content.decode()
    assert (
        'name="music_licence"'
        not in anna_client.get(f"/media-library/{photo.pk}/").content.decode()
    )

    refused = anna_client.post(f"/media-library/{video.pk}/", {"music_title": "Jerusalema"})
    assert "Bitte geben Sie an, welche Lizenz diese Musik abdeckt." in refused.content.decode()
    anna_client.post(
        f"/media-library/{video.pk}/",
        {"music_title": "Jerusalema", "music_licence": "commercial_library"},
    )
    video.refresh_from_db()
    assert (video.music_title, video.music_licence) == ("Jerusalema", "commercial_library")


def test_tags_make_the_before_after_check_fire(anna_client, photo, mastodon):
    text = "Lippenunterspritzung mit Hyaluron in unserer Ästhetik-Sprechstunde."
    assert "hwg.before_after" not in [f.id for f in run_checks(draft_from(mastodon, text, [photo]))]
    anna_client.post(
        f"/media-library/{photo.pk}/",
        {"alt_text": photo.alt_text, "known_tags": ["vorher-nachher"]},
    )
    photo.refresh_from_db()
    findings = run_checks(draft_from(mastodon, text, [photo]))
    assert "hwg.before_after" in [f.id for f in findings]


def test_a_cosmetic_tag_alone_with_before_after_is_enough(asset_for, mastodon):
    asset = asset_for(tags=["Vorher-Nachher", "Filler"])
    findings = run_checks(draft_from(mastodon, "Ein Blick in unsere Praxis.", [asset]))
    assert "hwg.before_after" in [f.id for f in findings]


# ---------- consent records ----------


def person_data(**fields) -> dict:
    data = {
        "name": "Hebamme Petra",
        "consent": "given",
        "scope": "all",
        "consent_purpose": "Bericht über die Geburtshilfe",
        "consent_until": "2027-12-31",
        "consent_reference": "Formular 12/2026",
    }
    data.update(fields)
    return data


def test_it_records_consent_for_chosen_channels_with_the_signed_document(
    anna_client, photo, mastodon, bluesky
):
    document = SimpleUploadedFile("einwilligung.pdf", PDF, content_type="application/pdf")
    response = anna_client.post(
        f"/media-library/{photo.pk}/people/new/",
        person_data(scope="chosen", consent_channels=[mastodon.pk], document=document),
        follow=True,
    )
    person = PersonShown.objects.get()
    assert person.consent == PersonShown.Consent.GIVEN and not person.consent_all_channels
    assert list(person.consent_channels.all()) == [mastodon]
    assert person.consent_until == dt.date(2027, 12, 31)
    assert person.consent_document.name.startswith(
        "consent/"
    ) and person.consent_document.name.endswith(".pdf")
    body = response.content.decode()
    assert "Einwilligung gespeichert." in body and "Mastodon – Klinikum" in body
    assert AuditLog.objects.filter(action="consent.recorded", subject="Hebamme Petra").exists()

    served = anna_client.get(f"/media-library/{photo.pk}/people/{person.pk}/document/")
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == PDF
    assert "no-store" in served["Cache-Control"] and "private" in served["Cache-Control"]


def test_it_never_serves_the_signed_consent_publicly(anna_client, outsider_client, photo):
    document = SimpleUploadedFile("einwilligung.pdf", PDF, content_type="application/pdf")
    anna_client.post(f"/media-library/{photo.pk}/people/new/", person_data(document=document))
    person = PersonShown.objects.get()
    path = f"/media-library/{photo.pk}/people/{person.pk}/document/"

    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert outsider_client.get(path).status_code == 404
    # Not through the media files either: they serve library assets, not consent documents.
    assert anna_client.get(f"/media/{person.consent_document.name}").status_code == 404
    assert Client().get(f"/media/{person.consent_document.name}").status_code == 302


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("einwilligung.pdf", b"<html>kein PDF</html>", "muss eine PDF-, JPEG- oder PNG-Datei sein"),
        ("scan.png", b"GIF89a....", "muss eine PDF-, JPEG- oder PNG-Datei sein"),
        ("gross.pdf", PDF + b"0" * (10 * 1024 * 1024), "ist größer als 10 MB"),
    ],
)
def test_it_refuses_a_signed_consent_that_is_not_a_document(
    anna_client, photo, name, content, message
):
    document = SimpleUploadedFile(name, content)
    response = anna_client.post(
        f"/media-library/{photo.pk}/people/new/", person_data(document=document)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "Bitte prüfen Sie die markierten Felder." in body
    assert not PersonShown.objects.exists()


def test_it_needs_the_channels_a_consent_covers(anna_client, photo):
    response = anna_client.post(
        f"/media-library/{photo.pk}/people/new/", person_data(scope="chosen")
    )
    assert "Bitte wählen Sie die Kanäle, für die die Person eingewilligt hat." in (
        response.content.decode()
    )
    assert not PersonShown.objects.exists()


def test_it_records_a_person_without_consent(anna_client, photo):
    anna_client.post(
        f"/media-library/{photo.pk}/people/new/",
        {"name": "Besucher im Hintergrund", "consent": "none"},
    )
    person = PersonShown.objects.get()
    assert person.consent == PersonShown.Consent.NONE
    assert "Einwilligung fehlt" in anna_client.get("/media-library/").content.decode()


def test_it_edits_a_consent_and_keeps_the_document(anna_client, photo):
    petra = shown(photo, consent_document="consent/2026/alt.pdf")
    anna_client.post(
        f"/media-library/{photo.pk}/people/{petra.pk}/",
        person_data(name="Petra Krause", consent_purpose="Recruiting-Kampagne 2027"),
    )
    petra.refresh_from_db()
    assert petra.name == "Petra Krause" and petra.consent_purpose == "Recruiting-Kampagne 2027"
    assert petra.consent_document.name == "consent/2026/alt.pdf"
    assert AuditLog.objects.filter(action="consent.changed").exists()


# ---------- withdrawal ----------


@pytest.fixture
def used_photo(photo, publication_factory, mastodon, bluesky):
    """The photo in a scheduled post and in a published one."""
    scheduled = publication_factory(mastodon, State.SCHEDULED, title="Infoabend Kreißsaal")
    published = publication_factory(
        bluesky,
        State.PUBLISHED,
        due_at=timezone.now() - dt.timedelta(days=2),
        title="Danke an unsere Hebammen",
    )
    for publication in (scheduled, published):
        publication.variant.story.media.add(photo)
    return photo, scheduled, published


def test_withdrawal_asks_first_and_says_what_will_happen(anna_client, used_photo):
    photo, scheduled, published = used_photo
    petra = shown(photo)
    body = anna_client.get(
        f"/media-library/{photo.pk}/people/{petra.pk}/withdraw/"
    ).content.decode()
    assert "Einwilligung von Hebamme Petra widerrufen?" in body
    assert "1 geplanter Beitrag wird abgebrochen" in body
    assert "1 veröffentlichter Beitrag wird zur Prüfung markiert" in body
    petra.refresh_from_db()
    assert petra.consent == PersonShown.Consent.GIVEN  # a GET changes nothing


def test_withdrawal_cancels_the_scheduled_post_and_flags_the_published_one(
    anna, anna_client, used_photo
):
    photo, scheduled, published = used_photo
    petra = shown(photo)
    response = anna_client.post(
        f"/media-library/{photo.pk}/people/{petra.pk}/withdraw/", follow=True
    )
    assert response.redirect_chain[-1][0] == (
        f"/media-library/{photo.pk}/people/{petra.pk}/withdrawn/"
    )
    scheduled.refresh_from_db(), published.refresh_from_db(), petra.refresh_from_db()
    assert scheduled.state == State.CANCELLED
    assert published.state == State.PUBLISHED
    assert petra.consent == PersonShown.Consent.WITHDRAWN and petra.withdrawn_at
    body = response.content.decode()
    assert "Hebamme Petra hat die Einwilligung widerrufen" in body
    assert "1 veröffentlichter Beitrag muss geprüft werden" in body
    assert "1 geplanter Beitrag abgebrochen" in body
    assert f'href="/publications/{published.pk}/"' in body
    assert f'href="/publications/{scheduled.pk}/"' in body
    assert published.remote_url in body
    assert AuditLog.objects.get(action="consent.withdrawn").actor == anna.user

    # The asset keeps the flag: the public post is listed until someone takes it down.
    page = anna_client.get(f"/media-library/{photo.pk}/").content.decode()
    assert "Einwilligung widerrufen: Diese Beiträge sind noch öffentlich" in page
    assert "Danke an unsere Hebammen" in page
    # A second POST does not withdraw twice.
    anna_client.post(f"/media-library/{photo.pk}/people/{petra.pk}/withdraw/")
    assert AuditLog.objects.filter(action="consent.withdrawn").count() == 1


def test_a_withdrawn_consent_cannot_be_edited_back(anna_client, photo):
    petra = shown(photo, consent=PersonShown.Consent.WITHDRAWN, withdrawn_at=timezone.now())
    response = anna_client.post(
        f"/media-library/{photo.pk}/people/{petra.pk}/", person_data(), follow=True
    )
    petra.refresh_from_db()
    assert petra.consent == PersonShown.Consent.WITHDRAWN
    assert "Ein Widerruf bleibt dokumentiert." in response.content.decode()


def test_it_shows_where_the_asset_is_used(anna_client, used_photo):
    photo, scheduled, published = used_photo
    body = anna_client.get(f"/media-library/{photo.pk}/").content.decode()
    assert "Verwendet in" in body
    assert "Infoabend Kreißsaal" in body and "Danke an unsere Hebammen" in body
    assert "state-scheduled" in body and "state-published" in body


# ---------- the demo hospital ----------


def test_the_demo_library_has_each_kind_of_consent(anna_client, publication_factory, mastodon):
    from carecast.demo.content import seed_media_library

    published = publication_factory(
        mastodon,
        State.PUBLISHED,
        due_at=timezone.now() - dt.timedelta(days=1),
        title="Weltfrühgeborenentag: Danke an unsere Eltern",
    )
    seed_media_library(published.channel.organisation)

    page = anna_client.get("/media-library/")
    statuses = {
        asset.file.name.rsplit("/", 1)[-1]: status for asset, status in page.context["tiles"]
    }
    assert sorted(statuses.values()) == ["given", "missing", "nobody", "withdrawn"]
    video = MediaAsset.objects.get(kind=MediaAsset.Kind.VIDEO)
    assert video.music_licence == "licensed"
    assert published.variant.story.media.count() == 1
    flagged = AuditLog.objects.get(action="compliance.flagged")
    assert flagged.detail["publication"] == published.pk
    body = page.content.decode()
    assert "Alt-Text fehlt" in body and "Musik: lizenziert" in body


def test_the_seeded_demo_hospital_gets_its_media_library(db, sandbox):
    """What ``carecast demo`` does: ``seed`` calls ``seed_media_library`` after the stories."""
    from carecast.demo.seed import seed
    from carecast.publishing.models import Publication

    org = seed(sandbox.base_url)

    people = {p.name: p for p in PersonShown.objects.filter(asset__organisation=org)}
    assert people["Familie Yilmaz"].consent == PersonShown.Consent.WITHDRAWN
    assert people["Mitarbeiter der AEMP"].consent == PersonShown.Consent.NONE
    assert people["Miriam Brandt (Pflege)"].consent == PersonShown.Consent.GIVEN
    flagged = AuditLog.objects.filter(action="compliance.flagged")
    assert flagged.count() == 2 and not any(e.detail["cancelled"] for e in flagged)
    states = set(Publication.objects.values_list("state", flat=True))
    assert states == {State.PUBLISHED, State.SCHEDULED}  # nothing scheduled was touched
