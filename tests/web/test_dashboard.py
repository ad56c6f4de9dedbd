from __future__ import annotations

from carecast.publishing.models import State


def test_it_says_what_to_do_when_empty(anna_client):
    body = anna_client.get("/").content.decode()
    assert "Neue Story" in body
    assert "Es sind keine Beiträge geplant." in body
    assert "Alle Kanäle sind aktiv." in body
    assert "Alles in Ordnung" in body


def test_it_shows_what_needs_attention_first(anna_client, busy_week, paused):
    response = anna_client.get("/")
    body = response.content.decode()
    attention = response.context["attention"]
    assert [p.state for p in attention] == [State.UNCONFIRMED, State.FAILED]
    assert "Your Tweet text is too long. (code 186)" in body
    assert "unbestätigt" in body and "fehlgeschlagen" in body
    upcoming = [g.first.variant.story.title for g in response.context["upcoming"]]
    assert upcoming == [
        "Grippeimpfung für Mitarbeitende",
        "Infoabend für werdende Eltern",
        "Babytown: Besuchszeiten",
    ]
    assert "Neuer MRT in Betrieb" in body  # recently published


def test_paused_channels_get_a_banner_on_every_page(anna_client, paused):
    for path in ("/", "/stories/", "/calendar/", "/channels/"):
        body = anna_client.get(path).content.decode()
        assert "Kanal „X – Klinikum“ ist pausiert:" in body
        assert "Zugang abgelaufen" in body and "neu verbinden" in body


def test_dashboard_stays_at_a_few_queries(anna_client, busy_week, django_assert_max_num_queries):
    anna_client.get("/")  # the sign-in's one-time two-factor check happens here
    with django_assert_max_num_queries(12):
        anna_client.get("/")


def test_it_speaks_english_on_request(anna_client, busy_week):
    from django.conf import settings

    anna_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = anna_client.get("/").content.decode()
    assert "Needs attention" in body and "New story" in body and "unconfirmed" in body
    assert 'lang="en"' in body
