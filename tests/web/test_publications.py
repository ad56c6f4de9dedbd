"""The publication page: what happened, in the network's words, and what a person can do."""

from __future__ import annotations

from django.test import Client

from carecast.publishing.models import State


def test_failed_shows_the_networks_message_and_can_be_resent(anna_client, failed):
    body = anna_client.get(f"/publications/{failed.pk}/").content.decode()
    assert "Veröffentlichung fehlgeschlagen" in body
    assert '<p class="network-message">Your Tweet text is too long. (code 186)</p>' in body
    assert "<td>403</td>" in body and "Fehler" in body  # attempts table: status and outcome
    assert "Erneut senden" in body
    response = anna_client.post(f"/publications/{failed.pk}/resend/", follow=True)
    failed.refresh_from_db()
    assert failed.state == State.SCHEDULED
    assert "Der Beitrag wird jetzt erneut gesendet." in response.content.decode()


def test_unconfirmed_explains_and_offers_both_ways_out(anna_client, unconfirmed):
    body = anna_client.get(f"/publications/{unconfirmed.pk}/").content.decode()
    assert "Das Netzwerk hat den Beitrag vielleicht erhalten — bitte im Kanal nachsehen." in body
    assert "Ist veröffentlicht" in body and "Erneut senden" in body
    assert "vorübergehender Fehler" in body and "Ergebnis unbekannt" in body and "503" in body
    assert "Sandbox-Ansicht öffnen" in body


def test_confirming_records_the_url_and_never_resends(anna_client, unconfirmed):
    url = "http://127.0.0.1:8765/@klinikumjobs/42"
    response = anna_client.post(
        f"/publications/{unconfirmed.pk}/confirm/", {"url": url}, follow=True
    )
    unconfirmed.refresh_from_db()
    assert unconfirmed.state == State.PUBLISHED and unconfirmed.remote_url == url
    body = response.content.decode()
    assert "Als veröffentlicht markiert." in body and "Beitrag ansehen" in body


def test_confirming_without_url_is_fine_but_a_bad_url_is_refused(anna_client, unconfirmed):
    anna_client.post(f"/publications/{unconfirmed.pk}/confirm/", {"url": "kein link"})
    unconfirmed.refresh_from_db()
    assert unconfirmed.state == State.UNCONFIRMED
    anna_client.post(f"/publications/{unconfirmed.pk}/confirm/", {"url": ""})
    unconfirmed.refresh_from_db()
    assert unconfirmed.state == State.PUBLISHED


def test_scheduled_can_be_cancelled_once(anna_client, publication_factory, mastodon):
    publication = publication_factory(mastodon, State.SCHEDULED)
    body = anna_client.get(f"/publications/{publication.pk}/").content.decode()
    assert "Beitrag abbrechen" in body and "Noch kein Versuch" in body
    anna_client.post(f"/publications/{publication.pk}/cancel/")
    publication.refresh_from_db()
    assert publication.state == State.CANCELLED
    response = anna_client.post(f"/publications/{publication.pk}/cancel/", follow=True)
    assert (
        "Nur Entwürfe, geplante und fehlgeschlagene Beiträge können abgebrochen werden."
        in response.content.decode()
    )


def test_the_service_refusal_is_shown(anna_client, publication_factory, mastodon):
    published = publication_factory(mastodon, State.PUBLISHED)
    response = anna_client.post(f"/publications/{published.pk}/resend/", follow=True)
    assert (
        "Nur fehlgeschlagene oder unbestätigte Beiträge können erneut gesendet werden."
        in response.content.decode()
    )
    published.refresh_from_db()
    assert published.state == State.PUBLISHED


def test_actions_are_post_only(anna_client, failed):
    for action in ("cancel", "resend", "confirm"):
        assert anna_client.get(f"/publications/{failed.pk}/{action}/").status_code == 405
    failed.refresh_from_db()
    assert failed.state == State.FAILED


def test_actions_need_the_csrf_token(anna, failed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna.user)
    assert client.post(f"/publications/{failed.pk}/resend/").status_code == 403
    failed.refresh_from_db()
    assert failed.state == State.FAILED


def test_dst_note_on_the_publication_page(anna_client, publication_factory, mastodon):
    import datetime as dt

    from carecast.core.timezones import resolve_local

    resolved = resolve_local(dt.datetime(2027, 3, 28, 2, 30), "Europe/Berlin")
    publication = publication_factory(
        mastodon, State.SCHEDULED, resolved.instant, due_note=resolved.note
    )
    body = anna_client.get(f"/publications/{publication.pk}/").content.decode()
    assert (
        "Diese Uhrzeit gibt es am So, 28. Mär 2027 nicht (Zeitumstellung) — geplant für 03:30."
        in body
    )


def test_the_text_as_sent_is_shown(anna_client, publication_factory, mastodon):
    publication = publication_factory(
        mastodon, State.PUBLISHED, text="Hallo <b>Welt</b> #Klinikum https://k.example/a"
    )
    publication.text = "Gesendet: <b>so</b> #Klinikum"
    publication.save()
    body = anna_client.get(f"/publications/{publication.pk}/").content.decode()
    assert 'Gesendet: &lt;b&gt;so&lt;/b&gt; <span class="post-tag">#Klinikum</span>' in body
