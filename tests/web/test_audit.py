"""The audit log page (“Protokoll”): the lead sees who did what and when, filters it,
exports it as CSV; each story and post shows its own history, overrides with their reason."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from carecast.core import audit
from carecast.core.models import AuditLog
from carecast.publishing.services import schedule
from tests.web.conftest import berlin, login

BEFORE_AFTER = "Vorher/Nachher: Lippenunterspritzung mit Hyaluron in unserer Ästhetik-Sprechstunde."
REASON = "Rekonstruktiver Eingriff, Rechtsabteilung hat freigegeben"


@pytest.fixture
def overridden(org, story_for, mastodon, anna):
    """A post whose blocking check (before/after photos) Anna overrode with a reason."""
    org.imprint_url = "https://www.klinikum-musterstadt.de/impressum"
    org.save()
    story = story_for(mastodon, title="Ästhetik-Sprechstunde", text=BEFORE_AFTER, actor=anna.user)
    variant = story.variants.get()
    variant.text = BEFORE_AFTER
    variant.save()
    due = timezone.now() + dt.timedelta(days=1)
    return schedule(variant, due, actor=anna.user, override_reason=REASON)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_it_links_an_entry_to_the_object_whose_id_it_carries(org, anna):
    by_story = audit.record(org, "story.saved", "Neuer MRT", actor=anna.user, story=7)
    by_post = audit.record(org, "compliance.override", "x", publication=9, reason="ok")
    by_prefix = audit.record(org, "person.role_changed", "Clara", anna.user)  # old positional call
    named = audit.record(org, "story.approved", "Neuer MRT", about=("story", 3))
    assert (by_story.object_type, by_story.object_id) == ("story", 7)
    assert (by_post.object_type, by_post.object_id) == ("publication", 9)
    assert (by_prefix.object_type, by_prefix.object_id, by_prefix.actor) == (
        "person",
        None,
        anna.user,
    )
    assert (named.object_type, named.object_id, named.detail) == ("story", 3, {})


def test_it_shows_the_log_and_its_navigation_to_the_lead_only(anna, ben, clara):
    page = login(anna).get(reverse("web:audit"))
    assert page.status_code == 200
    assert 'href="/audit/"' in page.content.decode()
    assert "Protokoll" in page.content.decode()
    for other in (ben, clara):
        assert 'href="/audit/"' not in login(other).get(reverse("web:dashboard")).content.decode()
        assert login(other).get(reverse("web:audit")).status_code == 403
        assert login(other).get(reverse("web:audit_csv")).status_code == 403


def test_it_shows_an_empty_log_with_an_explanation(anna):
    AuditLog.objects.all().delete()
    page = login(anna).get(reverse("web:audit")).content.decode()
    assert "Noch nichts protokolliert." in page


def test_it_shows_an_override_with_its_reason_in_german(anna, overridden):
    page = login(anna).get(reverse("web:audit")).content.decode()
    assert "Blockierende Prüfung übergangen" in page
    assert REASON in page
    assert "hwg.before_after" in page
    assert "Beitrag geplant" in page
    assert reverse("web:publication", args=[overridden.pk]) in page


def test_it_shows_an_unknown_action_as_words_not_code(org, anna):
    audit.record(org, "story.escalated_to_board", "Neuer MRT", actor=anna.user, level_reached=2)
    page = login(anna).get(reverse("web:audit")).content.decode()
    assert "Story escalated to board" in page
    assert "Level reached:</span> 2" in page


@pytest.fixture
def mixed_log(org, anna, ben, clara):
    """Entries by three people and carecast itself over three days."""
    with time_machine.travel(berlin(2026, 11, 2, 9, 0), tick=False):
        audit.record(org, "person.role_changed", "Clara", actor=anna.user, before=["viewer"])
    with time_machine.travel(berlin(2026, 11, 3, 23, 30), tick=False):
        audit.record(org, "story.saved", "Neuer MRT", actor=ben.user, story=1)
    with time_machine.travel(berlin(2026, 11, 4, 0, 30), tick=False):
        audit.record(org, "story.saved", "Kreißsaalführung", actor=clara.user, story=2)
        audit.record(org, "channel.paused", "X – Jobs", reason="Zugang abgelaufen")


def shown(anna, **query) -> list[str]:
    """The subjects of the rows the log page shows for ``query``."""
    response = login(anna).get(reverse("web:audit"), query)
    return [row.entry.subject for row in response.context["rows"]]


def test_it_filters_by_person_object_text_action_and_dates(anna, ben, clara, mixed_log):
    assert shown(anna, person=ben.user.pk) == ["Neuer MRT"]
    assert shown(anna, person="auto") == ["X – Jobs"]
    assert shown(anna, object_type="story") == ["Kreißsaalführung", "Neuer MRT"]
    assert shown(anna, object_type="story", q="kreiß") == ["Kreißsaalführung"]
    assert shown(anna, q="#1") == ["Neuer MRT"]
    assert shown(anna, action="channel.paused") == ["X – Jobs"]
    # Days are the organisation's (Berlin): 23:30 on the 3rd is the 3rd, 00:30 the 4th.
    assert shown(anna, start="2026-11-03", end="2026-11-03") == ["Neuer MRT"]
    assert shown(anna, start="2026-11-04") == ["X – Jobs", "Kreißsaalführung"]


def test_it_refuses_a_bad_date_range_in_german_and_keeps_what_was_typed(anna, mixed_log):
    response = login(anna).get(
        reverse("web:audit"), {"start": "2026-11-04", "end": "2026-11-02", "q": "MRT"}
    )
    page = response.content.decode()
    assert "Das Enddatum liegt vor dem Startdatum." in page
    assert 'value="MRT"' in page and 'value="2026-11-02"' in page
    assert [row.entry.subject for row in response.context["rows"]] == ["Neuer MRT"]
    page = login(anna).get(reverse("web:audit"), {"start": "gestern"}).content.decode()
    assert "Bitte ein Datum wie 07.12.2026 eingeben." in page


def test_it_pages_through_many_entries(org, anna):
    AuditLog.objects.bulk_create(
        AuditLog(organisation=org, action="story.saved", subject=f"Story {n}") for n in range(120)
    )
    first = login(anna).get(reverse("web:audit"))
    assert len(first.context["rows"]) == 50
    assert "Seite 1 von 3" in first.content.decode()
    last = login(anna).get(reverse("web:audit"), {"page": 3})
    assert len(last.context["rows"]) == 20


def test_it_lists_many_entries_in_a_fixed_number_of_queries(
    org, anna, ben, clara, django_assert_max_num_queries
):
    people = [anna.user, ben.user, clara.user, None]
    for n in range(60):
        audit.record(org, "story.saved", f"Story {n}", actor=people[n % 4], story=n + 1)
    client = login(anna)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("web:audit"))
    assert len(response.context["rows"]) == 50
    with django_assert_max_num_queries(14):
        b"".join(client.get(reverse("web:audit_csv")).streaming_content)


def test_it_exports_the_filtered_entries_as_csv(anna, ben, mixed_log):
    response = login(anna).get(reverse("web:audit_csv"), {"object_type": "story"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["Zeit", "Person", "Aktion", "Aktionscode"]
    assert [(r[1], r[2], r[6]) for r in rows[1:]] == [
        ("clara", "Story gespeichert", "Kreißsaalführung"),
        ("ben", "Story gespeichert", "Neuer MRT"),
    ]
    assert rows[1][0] == "2026-11-04 00:30:00"  # in the organisation's time


def test_it_exports_the_override_reason(anna, overridden):
    rows = csv_rows(login(anna).get(reverse("web:audit_csv"), {"action": "compliance.override"}))
    assert len(rows) == 2
    assert f"Begründung: {REASON}" in rows[1][7]


def test_it_defuses_cells_a_spreadsheet_would_run(org, anna):
    audit.record(org, "story.saved", '=HYPERLINK("http://x.test","klick")', actor=anna.user)
    rows = csv_rows(login(anna).get(reverse("web:audit_csv")))
    assert rows[1][6].startswith("'=")


def test_it_exports_no_word_of_an_erased_comment(org, anna, ben, mastodon):
    from carecast.inbox.models import InboxItem
    from carecast.inbox.retention import erase_on_request, purge_expired

    words = "Meine Tochter Lina Beispiel lag auf Station 4"
    now = timezone.now()
    kept = dict(organisation=org, channel=mastodon, author="Sabine K.", received_at=now)
    asked = InboxItem.objects.create(remote_id="1", text=words, **kept)
    old = InboxItem.objects.create(
        remote_id="2", text=words + " (alt)", **{**kept, "received_at": now - dt.timedelta(300)}
    )
    assert erase_on_request(asked, ben.user)
    assert purge_expired() == 1
    old.refresh_from_db()
    assert old.erased_at is not None
    text = b"".join(login(anna).get(reverse("web:audit_csv")).streaming_content).decode()
    assert "Kommentar auf Anfrage gelöscht" in text
    assert "Alte Kommentare gelöscht (Aufbewahrungsfrist)" in text
    for word in ("Lina", "Beispiel", "Tochter", "Station 4", "Sabine"):
        assert word not in text
    page = login(anna).get(reverse("web:audit")).content.decode()
    assert "Lina" not in page and "Sabine" not in page


def test_it_shows_a_post_its_own_history_with_the_override_reason(anna, clara, overridden):
    page = login(anna).get(reverse("web:publication", args=[overridden.pk])).content.decode()
    assert "Verlauf" in page
    assert "Blockierende Prüfung übergangen" in page and REASON in page
    assert "Story gespeichert" not in page  # the story's entries are on the story's page


def test_it_shows_a_story_its_history_and_that_of_its_posts(anna, overridden, org):
    story = overridden.variant.story
    audit.record(org, "story.saved", "Andere Story", actor=anna.user, story=story.pk + 100)
    page = login(anna).get(reverse("web:story_detail", args=[story.pk])).content.decode()
    assert "Story gespeichert" in page
    assert "Blockierende Prüfung übergangen" in page and REASON in page
    assert "Andere Story" not in page


def test_it_shows_a_story_page_in_few_queries_however_long_its_history(
    org, anna, overridden, django_assert_max_num_queries
):
    story = overridden.variant.story
    for n in range(40):
        audit.record(org, "story.saved", story.title, actor=anna.user, story=story.pk)
    client = login(anna)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("web:story_detail", args=[story.pk]))
    assert len(page.context["history"]) == 43  # saved, scheduled, overridden, 40 more saves


def test_it_logs_who_connected_paused_and_resumed_a_channel(org, anna, ben, feed_channel):
    from carecast.networks.connect.base import ConnectedAccount
    from carecast.networks.services import save_connected

    account = ConnectedAccount(
        remote_user_id="1",
        handle="@klinikum@social.example",
        base_url="https://social.example",
        credentials={"access_token": "secret"},
    )
    channel = save_connected(org, "mastodon", account, name="Mastodon – News", actor=anna.user)
    client = login(ben)
    client.post(reverse("web:channel_pause", args=[feed_channel.pk]))
    client.post(reverse("web:channel_resume", args=[feed_channel.pk]))
    entries = AuditLog.objects.filter(object_type="channel").order_by("created_at", "id")
    assert [(e.action, e.actor, e.object_id) for e in entries] == [
        ("channel.connected", anna.user, channel.pk),
        ("channel.paused", ben.user, feed_channel.pk),
        ("channel.resumed", ben.user, feed_channel.pk),
    ]
    page = login(anna).get(reverse("web:audit"), {"object_type": "channel"}).content.decode()
    assert "Kanal verbunden" in page and "Konto:</span> @klinikum@social.example" in page
    assert "Kanal pausiert" in page and "Kanal fortgesetzt" in page
    assert reverse("web:channel", args=[feed_channel.pk]) in page


def test_it_links_entries_written_before_the_link_existed(org):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("carecast.core.migrations.0004_audit_object_link")
    old = AuditLog.objects.bulk_create(
        [
            AuditLog(organisation=org, action="compliance.override", detail={"publication": 4}),
            AuditLog(organisation=org, action="story.saved", detail={"story": 8}),
            AuditLog(organisation=org, action="person.deactivated", subject="Clara"),
            AuditLog(organisation=org, action="inbox.hidden", detail={"channel": "X – Jobs"}),
        ]
    )
    migration.link_existing(apps, None)
    linked = [
        (e.object_type, e.object_id)
        for e in AuditLog.objects.filter(pk__in=[e.pk for e in old]).order_by("pk")
    ]
    assert linked == [("publication", 4), ("story", 8), ("person", None), ("comment", None)]


def test_it_offers_every_action_sorted_as_people_read_german(org, anna):
    audit.record(org, "story.escalated", "Neuer MRT", actor=anna.user)
    form = login(anna).get(reverse("web:audit")).context["form"]
    labels = [label for code, label in form.fields["action"].choices if code]
    assert "Story escalated" in labels  # in the log, though no label knows it yet
    assert labels.index("Änderungen erbeten") < labels.index("Beitrag geplant")


def test_it_links_an_entry_about_a_comment_to_the_comment(org, anna):
    audit.record(org, "reply.approved", "#12", actor=anna.user, item=12, comment="Passt so.")
    page = login(anna).get(reverse("web:audit")).content.decode()
    assert reverse("inbox:item", args=[12]) in page
    assert "Antwort freigegeben" in page and "Passt so." in page
