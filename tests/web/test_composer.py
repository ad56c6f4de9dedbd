"""The composer: drafts per channel, live counts the network's way, planning and its guards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from carecast.publishing.models import Publication, State
from carecast.stories.models import MediaAsset, Story

TEXT = "Unser neuer MRT ist in Betrieb: leiser, schneller und mit mehr Platz."
LONG_X = "Die Geburtshilfe lädt werdende Eltern zum Infoabend ein. " * 6


def _form(channels, **fields):
    data = {
        "title": "Neuer MRT",
        "text": TEXT,
        "link": "",
        "hashtags": "",
        "department": "",
        "channels": [c.pk for c in channels],
        "action": "save",
    }
    data.update(fields)
    return data


def test_new_story_page_explains_what_to_do(anna_client, mastodon):
    body = anna_client.get("/stories/new/").content.decode()
    assert "Neue Story" in body and "Kanäle" in body
    assert "Einen oder mehrere Kanäle wählen" in body
    assert 'hx-post="/compose/live/variants/"' in body


def test_live_variants_draft_each_channel_and_count_its_way(anna_client, mastodon, x_jobs):
    response = anna_client.post(
        "/compose/live/variants/",
        _form(
            [mastodon, x_jobs],
            link="https://www.klinikum-musterstadt.de/aktuelles/neuer-mrt",
            hashtags="Radiologie",
        ),
    )
    body = response.content.decode()
    panels = {p.channel.pk: p for p in response.context["panels"]}
    assert (
        panels[x_jobs.pk].text
        == f"{TEXT}\n\nhttps://www.klinikum-musterstadt.de/aktuelles/neuer-mrt\n\n#Radiologie"
    )
    # X counts every link as 23 characters, whatever its length.
    assert panels[x_jobs.pk].report.used == len(TEXT) + 4 + 23 + len("#Radiologie")
    assert f"noch {panels[x_jobs.pk].report.remaining} Zeichen" in body
    assert 'id="publish-check" class="publish-check" hx-swap-oob="true"' in body
    assert "Vorschau auf Mastodon" in body and "Vorschau auf X" in body
    assert '<span class="post-tag">#Radiologie</span>' in body


def test_a_hand_edited_post_is_kept_and_checked(anna_client, x_jobs):
    data = _form([x_jobs], **{f"variant_{x_jobs.pk}": LONG_X, f"edited_{x_jobs.pk}": "1"})
    response = anna_client.post(f"/compose/live/variant/{x_jobs.pk}/", data)
    body = response.content.decode()
    over = len(LONG_X) - 280
    assert response.context["panel"].text == LONG_X
    assert f"{over} Zeichen zu viel" in body and "counter-over" in body
    assert f"{len(LONG_X)} von 280 Zeichen — bitte um {over} kürzen." in body
    assert "Veröffentlichen oder Planen noch nicht möglich:" in body
    assert 'value="schedule" class="button button-primary" disabled' in body


def test_it_saves_a_story_with_its_posts(anna_client, anna, mastodon, x_jobs):
    response = anna_client.post(
        "/stories/new/", _form([mastodon, x_jobs], hashtags="Radiologie, #Klinikum")
    )
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stories/{story.pk}/"
    assert story.hashtags == "#Radiologie #Klinikum"
    assert story.created_by == anna.user
    assert sorted(v.channel.name for v in story.variants.all()) == [
        "Mastodon – Klinikum",
        "X – Jobs",
    ]
    assert not Publication.objects.exists()
    detail = anna_client.get(response["Location"]).content.decode()
    assert "Story gespeichert." in detail and "Noch nicht geplant." in detail


def test_the_title_is_required(anna_client, mastodon):
    response = anna_client.post("/stories/new/", _form([mastodon], title=""))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not Story.objects.exists()


def next_spring_gap() -> dt.date:
    """The next last Sunday of March, when Berlin's clocks skip 02:00–03:00."""
    year = dt.date.today().year + 1
    day = dt.date(year, 3, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def test_planning_into_the_spring_gap_says_when_it_really_goes_out(anna_client, mastodon):
    gap = next_spring_gap()
    response = anna_client.post(
        "/stories/new/", _form([mastodon], action="schedule", due=f"{gap}T02:30"), follow=True
    )
    publication = Publication.objects.get()
    assert publication.state == State.SCHEDULED and publication.due_note == "nonexistent"
    assert publication.due_at == dt.datetime.combine(
        gap, dt.time(1, 30), tzinfo=dt.UTC
    )  # 03:30 CEST
    body = response.content.decode()
    day = f"So, {gap.day}. Mär {gap.year}"
    assert f"1 Beitrag geplant für {day}, 03:30." in body
    assert f"Diese Uhrzeit gibt es am {day} nicht (Zeitumstellung) — geplant für 03:30." in body


def test_the_gap_is_announced_before_planning(anna_client, mastodon):
    gap = next_spring_gap()
    body = anna_client.post("/compose/live/due/", {"due": f"{gap}T02:30"}).content.decode()
    day = f"So, {gap.day}. Mär {gap.year}"
    assert f"Diese Uhrzeit gibt es am {day} nicht (Zeitumstellung) — geplant für 03:30." in body
    assert (
        anna_client.post("/compose/live/due/", {"due": f"{gap}T10:30"}).content.decode().strip()
        == ""
    )


def test_planning_is_blocked_when_a_post_does_not_fit(anna_client, x_jobs):
    data = _form(
        [x_jobs],
        action="schedule",
        due="2099-01-01T10:00",
        **{f"variant_{x_jobs.pk}": LONG_X, f"edited_{x_jobs.pk}": "1"},
    )
    response = anna_client.post("/stories/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Die Beiträge können noch nicht erscheinen:" in body
    assert "X – Jobs: " in body and "bitte um" in body
    assert not Story.objects.exists() and not Publication.objects.exists()


def test_planning_needs_a_time_in_the_future(anna_client, mastodon):
    response = anna_client.post("/stories/new/", _form([mastodon], action="schedule", due=""))
    assert "Bitte wählen, wann die Beiträge erscheinen sollen." in response.content.decode()
    response = anna_client.post(
        "/stories/new/", _form([mastodon], action="schedule", due="2001-01-01T10:00")
    )
    assert "Dieser Zeitpunkt liegt in der Vergangenheit." in response.content.decode()
    assert not Publication.objects.exists()


def test_publish_now_schedules_every_post_for_now(anna_client, mastodon, x_jobs):
    response = anna_client.post(
        "/stories/new/", _form([mastodon, x_jobs], action="publish"), follow=True
    )
    publications = Publication.objects.all()
    assert len(publications) == 2 and {p.state for p in publications} == {State.SCHEDULED}
    assert "2 Beiträge werden jetzt veröffentlicht." in response.content.decode()


def test_editing_does_not_send_a_post_twice(anna_client, publication_factory, mastodon, x_jobs):
    scheduled = publication_factory(mastodon, State.SCHEDULED)
    story = scheduled.variant.story
    response = anna_client.post(
        f"/stories/{story.pk}/edit/", _form([mastodon, x_jobs], action="publish"), follow=True
    )
    # The changed text replaced the planned one (approvals.edits): one post on its way.
    on_its_way = Publication.objects.filter(channel=mastodon).exclude(state=State.CANCELLED)
    assert on_its_way.count() == 1 and on_its_way.get().due_at == scheduled.due_at
    assert Publication.objects.filter(channel=x_jobs).count() == 1
    assert (
        "Mastodon – Klinikum: bereits geplant, nicht erneut gesendet." in response.content.decode()
    )


def test_edit_page_keeps_hand_edited_posts(anna_client, story_for, mastodon, x_jobs):
    story = story_for(mastodon, x_jobs, variant_texts={x_jobs.pk: "Kurz für X."})
    response = anna_client.get(f"/stories/{story.pk}/edit/")
    panels = {p.channel.pk: p for p in response.context["panels"]}
    assert panels[x_jobs.pk].edited and panels[x_jobs.pk].text == "Kurz für X."
    assert not panels[mastodon.pk].edited
    assert f'id="edited_{x_jobs.pk}" value="1"' in response.content.decode()


def test_department_editor_edit_keeps_posts_on_channels_they_cannot_see(
    clara_client, story_for, babytown, mastodon, geburtshilfe
):
    story = story_for(babytown, mastodon, department=geburtshilfe)
    response = clara_client.post(
        f"/stories/{story.pk}/edit/", _form([babytown], title="Neu", department=geburtshilfe.pk)
    )
    assert response.status_code == 302
    assert {v.channel_id for v in story.variants.all()} == {babytown.pk, mastodon.pk}


def test_uploaded_images_lose_their_location(anna_client, jpeg_with_gps, media_root):
    from PIL import Image

    upload = SimpleUploadedFile("kreisssaal.jpg", jpeg_with_gps, content_type="image/jpeg")
    response = anna_client.post("/compose/upload/", {"images": upload})
    assert response.status_code == 200 and response["HX-Trigger"] == "media-changed"
    asset = MediaAsset.objects.get()
    assert f'name="alt_{asset.pk}"' in response.content.decode()
    with Image.open(asset.file.path) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert b"PhoneMaker" not in Path(asset.file.path).read_bytes()
    assert (asset.width, asset.height, asset.mime_type) == (64, 48, "image/jpeg")


def test_files_that_are_not_images_are_refused(anna_client):
    upload = SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg")
    body = anna_client.post("/compose/upload/", {"images": upload}).content.decode()
    assert "notes.jpg ist kein lesbares Bild." in body
    assert not MediaAsset.objects.exists()


def test_alt_texts_are_saved_and_missing_ones_flagged(anna_client, mastodon, jpeg_with_gps):
    anna_client.post("/compose/upload/", {"images": SimpleUploadedFile("a.jpg", jpeg_with_gps)})
    asset = MediaAsset.objects.get()
    live = anna_client.post(
        "/compose/live/variants/", _form([mastodon], media=[asset.pk])
    ).content.decode()
    assert "Das Bild hat keinen Alt-Text." in live and "kein ALT" in live
    anna_client.post(
        "/stories/new/", _form([mastodon], media=[asset.pk], **{f"alt_{asset.pk}": "Der neue MRT"})
    )
    asset.refresh_from_db()
    assert asset.alt_text == "Der neue MRT"
    assert list(Story.objects.get().media.all()) == [asset]


def test_media_files_are_only_served_to_the_organisation(anna_client, jpeg_with_gps, org):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from carecast.core.models import Organisation, Person

    anna_client.post("/compose/upload/", {"images": SimpleUploadedFile("a.jpg", jpeg_with_gps)})
    url = MediaAsset.objects.get().file.url
    response = anna_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert Client().get(url).status_code == 302
    other = Organisation.objects.create(name="Stadtklinik", slug="stadtklinik")
    user = get_user_model().objects.create_user("sven", "s@example.test", "pw")
    Person.objects.create(user=user, organisation=other)
    stranger = Client()
    stranger.force_login(user)
    assert stranger.get(url).status_code == 404
