"""Personal data: the record of processing, and one commenter's data looked up, exported
as JSON and erased on request, with an audit entry that keeps no erased word."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from carecast.core.models import AuditLog
from carecast.inbox.models import InboxItem, InboxReply
from tests.web.conftest import login

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def comments(org, mastodon, time_machine):
    time_machine.move_to(NOW, tick=False)

    def item(remote_id, author, text, author_id=""):
        return InboxItem.objects.create(
            organisation=org,
            channel=mastodon,
            remote_id=remote_id,
            author=author,
            author_id=author_id,
            text=text,
            received_at=NOW,
        )

    first = item("1", "lena_k", "Meine Mutter liegt auf Station 4, wann ist Besuchszeit?", "109")
    InboxReply.objects.create(item=first, text="Liebe Frau K., ab 14 Uhr.", state="sent")
    second = item("2", "@lena_k", "Danke, Station 4 war sehr freundlich.")
    other = item("3", "tom", "Gibt es Parkplätze?")
    return first, second, other


def test_it_exports_everything_kept_about_a_commenter(anna, comments):
    response = login(anna).get(
        "/settings/personal-data/commenter/", {"who": "lena_k", "format": "json"}
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    texts = [c["text"] for c in data["comments"]]
    assert texts == [
        "Meine Mutter liegt auf Station 4, wann ist Besuchszeit?",
        "Danke, Station 4 war sehr freundlich.",
    ]
    assert data["comments"][0]["replies"] == ["Liebe Frau K., ab 14 Uhr."]
    assert data["controller"] == "Klinikum Musterstadt"


def test_it_erases_a_commenter_and_audits_no_erased_word(anna, comments):
    first, second, other = comments
    client = login(anna)
    page = client.get("/settings/personal-data/commenter/", {"who": "109"}).content.decode()
    assert "Besuchszeit" in page and "Parkplätze" not in page
    response = client.post("/settings/personal-data/commenter/erase/", {"who": "lena_k"})
    assert response.status_code == 302
    for item in (first, second):
        item.refresh_from_db()
        assert item.text == item.author == item.author_id == "" and item.erased_at == NOW
    assert InboxReply.objects.get().text == ""
    other.refresh_from_db()
    assert other.text == "Gibt es Parkplätze?"
    entry = AuditLog.objects.get(action="privacy.commenter_erased")
    stored = json.dumps([entry.subject, entry.detail], ensure_ascii=False)
    for word in ("lena", "Station", "Besuchszeit", "Frau K."):
        assert word not in stored
    assert entry.detail["erased"] == 2
    again = client.get("/settings/personal-data/commenter/", {"who": "lena_k"}).content.decode()
    assert "carecast speichert keine Kommentare unter diesem Namen." in again


def test_it_lists_what_carecast_stores_why_and_how_long(anna, org):
    org.comment_retention_days = 60
    org.save()
    page = login(anna).get("/settings/personal-data/").content.decode()
    assert "Verzeichnis der Verarbeitungstätigkeiten" in page
    assert "Gespeichert 60 Tage, dann automatisch gelöscht." in page
    for heading in ("Abgebildete Personen", "Fragen in Live-Sprechstunden", "Teammitglieder"):
        assert heading in page
