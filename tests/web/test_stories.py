from __future__ import annotations

from carecast.publishing.models import State


def test_empty_story_list_explains_stories(anna_client):
    body = anna_client.get("/stories/").content.decode()
    assert "Noch keine Storys." in body and "Erste Story schreiben" in body


def test_story_list_shows_each_channel_with_its_state(
    anna_client, busy_week, django_assert_max_num_queries
):
    anna_client.get("/stories/")  # the sign-in's one-time two-factor check happens here
    with django_assert_max_num_queries(10):
        body = anna_client.get("/stories/").content.decode()
    assert "Pflegefachkraft gesucht" in body and "fehlgeschlagen" in body
    assert "Infoabend Kreißsaal" in body and "unbestätigt" in body


def test_story_list_search(anna_client, busy_week):
    body = anna_client.get("/stories/?q=kreiß").content.decode()
    assert "Infoabend Kreißsaal" in body and "Pflegefachkraft" not in body
    assert (
        "Keine Story hat „Zahnarzt“ im Titel."
        in anna_client.get("/stories/?q=Zahnarzt").content.decode()
    )


def test_story_detail_lists_publications_per_channel(anna_client, publication_factory, mastodon):
    publication = publication_factory(mastodon, State.PUBLISHED)
    body = anna_client.get(f"/stories/{publication.variant.story_id}/").content.decode()
    assert "Beiträge je Kanal" in body and "Mastodon – Klinikum" in body
    assert "veröffentlicht" in body and "Beitrag ansehen" in body and publication.remote_url in body
    assert f"/publications/{publication.pk}/" in body


def test_story_detail_of_unplanned_story(anna_client, story_for, mastodon):
    story = story_for(mastodon)
    body = anna_client.get(f"/stories/{story.pk}/").content.decode()
    assert "Noch nicht geplant." in body and "Bearbeiten" in body
