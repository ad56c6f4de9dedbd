"""The JSON API: counting the networks' way and the calendar feed, behind the session."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from carecast.publishing.models import State

TOO_LONG = (
    "Liebe werdende Eltern, am Donnerstag zeigen Hebammen und Ärztinnen der Geburtshilfe den "
    "Kreißsaal, beantworten Fragen zur Geburt, zum Wochenbett und zum Stillen und stellen das "
    "Familienzimmer vor. Anmeldung nicht nötig — kommen Sie einfach vorbei! Wir freuen uns auf Sie "
    "und beantworten gern auch Fragen zu Geburtsvorbereitungskursen."
)


def test_count_says_how_much_too_long_in_german(anna_client, x_jobs, mastodon):
    response = anna_client.post(
        "/api/v1/count",
        {"text": TOO_LONG, "channels": [x_jobs.pk, mastodon.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    by_network = {item["network"]: item for item in response.json()}
    x = by_network["x"]
    used = x["used"]
    assert x["limit"] == 280 and used > 280 and x["remaining"] == 280 - used
    assert x["fits"] is False
    # The composer's compliance findings come too (here a hint, not blocking); the text's:
    assert [p for p in x["problems"] if p["code"] == "too_long"] == [
        {
            "code": "too_long",
            "blocking": True,
            "message": f"{used} von 280 Zeichen — bitte um {used - 280} kürzen.",
        }
    ]
    assert by_network["mastodon"]["fits"] is True
    assert not [p for p in by_network["mastodon"]["problems"] if p["blocking"]]
    assert "facets" not in x or x["facets"] is None


def test_count_gives_bluesky_facets(anna_client, bluesky):
    response = anna_client.post(
        "/api/v1/count",
        {"text": "Infoabend #Geburtshilfe https://klinikum.example", "channels": [bluesky.pk]},
        content_type="application/json",
    )
    [item] = response.json()
    assert item["network"] == "bluesky" and item["limit"] == 300
    assert isinstance(item["facets"], list)


def test_count_in_english(anna_client, x_jobs):
    from django.conf import settings

    anna_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    [item] = anna_client.post(
        "/api/v1/count",
        {"text": TOO_LONG, "channels": [x_jobs.pk]},
        content_type="application/json",
    ).json()
    used = item["used"]
    assert item["problems"][0]["message"] == f"{used} of 280 characters — shorten by {used - 280}."


def test_count_needs_a_session(db, x_jobs):
    response = Client().post(
        "/api/v1/count", {"text": "x", "channels": [x_jobs.pk]}, content_type="application/json"
    )
    assert response.status_code == 401


def test_count_ignores_channels_the_person_may_not_use(clara_client, babytown, x_jobs):
    response = clara_client.post(
        "/api/v1/count",
        {"text": "Hallo", "channels": [babytown.pk, x_jobs.pk]},
        content_type="application/json",
    )
    assert [item["channel"] for item in response.json()] == [babytown.pk]


def test_publications_for_the_calendar(anna_client, busy_week):
    now = dt.datetime.now(dt.UTC)
    response = anna_client.get(
        "/api/v1/publications",
        {
            "start": (now - dt.timedelta(days=3)).isoformat(),
            "end": (now + dt.timedelta(days=4)).isoformat(),
        },
    )
    assert response.status_code == 200
    items = response.json()
    states = {item["state"] for item in items}
    assert {State.FAILED, State.UNCONFIRMED, State.SCHEDULED, State.PUBLISHED} <= states
    failed = next(i for i in items if i["state"] == "failed")
    assert (
        failed["state_label"] == "fehlgeschlagen"
        and failed["url"] == f"/publications/{failed['id']}/"
    )
    assert failed["sandbox"] is True
    assert failed["due_at"].endswith(("+01:00", "+02:00"))  # in Berlin time


def test_publications_range_is_checked(anna_client):
    response = anna_client.get(
        "/api/v1/publications", {"start": "2026-01-01T00:00", "end": "2026-12-31T00:00"}
    )
    assert response.status_code == 400


def test_publications_are_scoped(clara_client, busy_week):
    now = dt.datetime.now(dt.UTC)
    items = clara_client.get(
        "/api/v1/publications",
        {
            "start": (now - dt.timedelta(days=3)).isoformat(),
            "end": (now + dt.timedelta(days=4)).isoformat(),
        },
    ).json()
    assert [i["story"] for i in items] == ["Babytown: Besuchszeiten"]


def test_openapi_docs_are_served_to_signed_in_people(anna_client):
    assert Client().get("/api/v1/docs").status_code == 302  # tests/web/test_security.py
    assert anna_client.get("/api/v1/docs").status_code == 200
    schema = anna_client.get("/api/v1/openapi.json").json()
    assert "/api/v1/count" in schema["paths"] and "/api/v1/publications" in schema["paths"]


def test_publications_accept_plain_dates_in_the_organisations_zone(
    anna_client, publication_factory, mastodon
):
    from tests.web.conftest import berlin

    publication_factory(mastodon, State.SCHEDULED, berlin(2027, 3, 28, 0, 30))
    items = anna_client.get(
        "/api/v1/publications", {"start": "2027-03-28", "end": "2027-03-29"}
    ).json()
    assert [i["due_at"] for i in items] == ["2027-03-28T00:30:00+01:00"]
    assert (
        anna_client.get("/api/v1/publications", {"start": "2027-03-27", "end": "2027-03-28"}).json()
        == []
    )
