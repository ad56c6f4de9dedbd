"""The composer shows findings beside each post and asks the lead for a reason to override."""

from __future__ import annotations

from django.test import Client

from carecast.core.models import AuditLog
from carecast.publishing.models import Publication, State

BEFORE_AFTER = "Vorher/Nachher: Lippenunterspritzung mit Hyaluron in unserer Ästhetik-Sprechstunde."


def client_of(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def form(channel, **fields) -> dict:
    data = {
        "title": "Ästhetik",
        "text": BEFORE_AFTER,
        "link": "",
        "hashtags": "",
        "department": "",
        "channels": [channel.pk],
        "action": "save",
    }
    data.update(fields)
    return data


def test_it_shows_the_finding_beside_the_post(anna, mastodon):
    body = client_of(anna).post("/compose/live/variants/", form(mastodon)).content.decode()
    assert 'data-finding="hwg.before_after"' in body
    assert "Vorher-Nachher-Vergleich eines Schönheitseingriffs" in body
    assert "Eine Prüfung blockiert die Veröffentlichung:" in body
    assert "https://www.gesetze-im-internet.de/heilmwerbg/__11.html" in body


def test_it_does_not_plan_a_blocked_post_without_a_reason(anna, mastodon):
    response = client_of(anna).post(
        "/stories/new/", form(mastodon, action="schedule", due="2099-01-01T10:00")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Eine Begründung zum Übergehen der Prüfung angeben" in body
    assert 'name="override_reason"' in body
    assert not Publication.objects.exists()


def test_it_plans_a_blocked_post_when_the_lead_gives_a_reason(anna, mastodon):
    data = form(
        mastodon,
        action="schedule",
        due="2099-01-01T10:00",
        override_reason="Rechtsabteilung hat freigegeben",
    )
    response = client_of(anna).post("/stories/new/", data, follow=True)
    assert response.status_code == 200
    publication = Publication.objects.get()
    assert publication.state == State.SCHEDULED
    entry = AuditLog.objects.get(action="compliance.override")
    assert entry.actor == anna.user and entry.detail["reason"] == "Rechtsabteilung hat freigegeben"


def test_it_gives_an_editor_no_override(ben, mastodon):
    client = client_of(ben)
    assert 'name="override_reason"' not in client.get("/stories/new/").content.decode()
    data = form(mastodon, action="publish", override_reason="bitte trotzdem")
    body = client.post("/stories/new/", data).content.decode()
    assert (
        "Nur die Leitung der Unternehmenskommunikation kann eine blockierende Prüfung übergehen"
        in body
    )
    assert not Publication.objects.exists()


def test_it_leaves_ordinary_posts_alone(ben, mastodon):
    data = form(mastodon, text="Neuer MRT in Betrieb.", action="schedule", due="2099-01-01T10:00")
    client_of(ben).post("/stories/new/", data, follow=True)
    assert Publication.objects.get().state == State.SCHEDULED
