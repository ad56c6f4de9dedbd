"""The channel pages: connect forms, the channel page, settings, pause, resume, archive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing.models import Attempt, State
from tests.web.conftest import login


@pytest.fixture
def ben_client(ben):
    return login(ben)


def test_it_offers_every_network_to_the_comms_team(anna_client, settings):
    settings.CARECAST_X_CLIENT_ID = ""
    page = anna_client.get(reverse("web:channels")).content.decode()
    assert "Kanal verbinden" in page
    for network in ("mastodon", "bluesky", "feed"):
        assert reverse("web:channel_connect", args=[network]) in page
    assert reverse("web:channel_connect", args=["x"]) not in page  # no client id set


def test_department_editors_may_not_connect(clara_client):
    assert "Kanal verbinden" not in clara_client.get(reverse("web:channels")).content.decode()
    assert clara_client.get(reverse("web:channel_connect", args=["feed"])).status_code == 403


def test_it_connects_a_feed_and_asks_for_its_settings_next(ben_client, org):
    answer = ben_client.post(
        reverse("web:channel_connect", args=["feed"]), {"path": "news", "name": "Website – News"}
    )
    channel = Channel.objects.get(network="feed")
    assert answer["Location"] == reverse("web:channel_settings", args=[channel.pk])
    assert channel.base_url.endswith(f"/feeds/{channel.pk}.xml")


def test_it_refuses_one_account_twice_in_german_and_keeps_what_was_typed(ben_client, org):
    url = reverse("web:channel_connect", args=["feed"])
    ben_client.post(url, {"path": "news", "name": "Website – News"})
    page = ben_client.post(url, {"path": "news", "name": "Zweiter Feed"}).content.decode()
    assert "news ist bereits als Kanal „Website – News“ verbunden." in page
    assert 'value="Zweiter Feed"' in page
    assert Channel.objects.count() == 1


def test_it_saves_settings_with_a_weekly_window_editor(anna_client, mastodon, geburtshilfe):
    url = reverse("web:channel_settings", args=[mastodon.pk])
    form = {
        "name": "Mastodon – Geburtshilfe",
        "purpose": "department",
        "department": geburtshilfe.pk,
        "timezone": "Europe/Berlin",
        "w0_0_start": "07:00",
        "w0_0_end": "12:00",
        "w0_1_start": "17:00",
        "w0_1_end": "20:00",
        "w1_0_start": "07:00",
        "w1_0_end": "12:00",
    }
    assert anna_client.post(url, form).status_code == 302
    mastodon.refresh_from_db()
    assert mastodon.department == geburtshilfe and mastodon.name == "Mastodon – Geburtshilfe"
    assert mastodon.posting_windows == [
        {"days": [0, 1], "start": "07:00", "end": "12:00"},
        {"days": [0], "start": "17:00", "end": "20:00"},
    ]
    # The editor shows them again, day by day.
    page = anna_client.get(url).content.decode()
    assert 'name="w1_0_start" value="07:00"' in page


def test_bad_windows_and_zones_are_refused_and_nothing_is_lost(anna_client, mastodon):
    url = reverse("web:channel_settings", args=[mastodon.pk])
    form = {"name": "Neu", "purpose": "news", "timezone": "Mars/Olympus"}
    form.update(w2_0_start="20:00", w2_0_end="08:00", w3_0_start="09:00")
    page = anna_client.post(url, form).content.decode()
    assert "„Mars/Olympus“ ist keine Zeitzone." in page
    assert "Das Ende muss nach dem Beginn liegen." in page
    assert "Bitte Beginn und Ende angeben." in page
    assert 'value="Neu"' in page
    mastodon.refresh_from_db()
    assert mastodon.name == "Mastodon – Klinikum"


def test_the_channel_page_shows_token_last_post_limits_and_errors(
    anna_client, x_jobs, failed, publication_factory
):
    published = publication_factory(x_jobs, State.PUBLISHED, timezone.now() - dt.timedelta(hours=1))
    x_jobs.checked_at, x_jobs.check_ok = timezone.now(), True
    x_jobs.save()
    page = anna_client.get(reverse("web:channel", args=[x_jobs.pk])).content.decode()
    assert "funktioniert" in page and "zuletzt geprüft" in page
    assert reverse("web:publication", args=[published.pk]) in page
    assert "280 Zeichen" in page
    assert "Your Tweet text is too long. (code 186)" in page
    assert Attempt.objects.filter(publication=failed).exists()


def test_a_paused_channel_offers_to_reconnect(anna_client, paused):
    page = anna_client.get(reverse("web:channel", args=[paused.pk])).content.decode()
    assert "Neu verbinden" in page
    assert reverse("web:channel_reconnect", args=["x", paused.pk]) in page


def test_pausing_keeps_planned_posts_waiting(anna_client, mastodon, publication_factory):
    planned = publication_factory(mastodon, State.SCHEDULED)
    anna_client.post(reverse("web:channel_pause", args=[mastodon.pk]))
    mastodon.refresh_from_db()
    planned.refresh_from_db()
    assert mastodon.status == ChannelStatus.PAUSED and planned.state == State.SCHEDULED


def test_archiving_asks_what_happens_to_planned_posts(anna_client, mastodon, publication_factory):
    planned = publication_factory(mastodon, State.SCHEDULED)
    url = reverse("web:channel_archive", args=[mastodon.pk])
    page = anna_client.get(url).content.decode()
    assert "1 Beitrag ist auf diesem Kanal geplant" in page
    refused = anna_client.post(url, {}).content.decode()
    assert "Bitte wählen Sie, was mit den geplanten Beiträgen geschieht." in refused
    mastodon.refresh_from_db()
    assert mastodon.status == ChannelStatus.ACTIVE
    anna_client.post(url, {"scheduled": "cancel"})
    mastodon.refresh_from_db()
    planned.refresh_from_db()
    assert mastodon.status == ChannelStatus.ARCHIVED and planned.state == State.CANCELLED
    assert (
        f'id="channel-{mastodon.pk}"'
        not in anna_client.get(reverse("web:channels")).content.decode()
    )


def test_a_callback_nobody_started_is_refused(anna_client):
    answer = anna_client.get(reverse("web:channel_connect_callback"), {"state": "x", "code": "y"})
    assert answer.status_code == 302
    assert not Channel.objects.exists()


def test_a_feed_has_nothing_to_reconnect(anna_client, feed_channel):
    url = reverse("web:channel_reconnect", args=["feed", feed_channel.pk])
    assert anna_client.get(url).status_code == 404
    page = anna_client.get(reverse("web:channel", args=[feed_channel.pk])).content.decode()
    assert url not in page


def test_the_networks_call_back_to_the_organisations_public_address(ben_client, org, sandbox):
    org.public_url = "https://carecast.klinikum.example/"
    org.save()
    answer = ben_client.post(
        reverse("web:channel_connect", args=["mastodon"]), {"server": sandbox.base_url}
    )
    assert answer.status_code == 302 and answer["Location"].startswith(sandbox.base_url)
    registered = sandbox.requests("mastodon", "/api/v1/apps", "POST")[-1]["form"]
    assert registered["redirect_uris"] == [
        "https://carecast.klinikum.example/channels/connect/callback/"
    ]


def test_the_channel_page_says_until_when_the_token_is_valid(anna_client, x_jobs, geburtshilfe):
    x_jobs.token_expires_at = timezone.now() + dt.timedelta(hours=2)
    x_jobs.save()
    page = anna_client.get(reverse("web:channel", args=[x_jobs.pk])).content.decode()
    assert "Gültig bis" in page and "wird vorher automatisch erneuert" in page
    geburtshilfe.archived = True
    geburtshilfe.save()
    settings_page = anna_client.get(reverse("web:channel_settings", args=[x_jobs.pk]))
    assert geburtshilfe.name not in settings_page.content.decode()
