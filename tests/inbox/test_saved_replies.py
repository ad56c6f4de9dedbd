"""Saved replies (Textbausteine): kept by the lead in German and English, offered in the reply
box with {name} filled in; the reply checks still run on the text that is finally sent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carecast.core.models import AuditLog
from carecast.inbox import saved_replies
from carecast.inbox.models import InboxReply, SavedReply
from tests.inbox.conftest import client_for

THANKS_DE = "Danke für Ihre Nachricht, {name}! Wir melden uns über {channel}."
THANKS_EN = "Thank you, {name}! {team} will get back to you."


@pytest.fixture(autouse=True)
def pinned_clock(time_machine):
    """Received, assigned and sent times are read from the clock: pin it."""
    time_machine.move_to("2026-12-07T10:00:00+01:00", tick=False)


def test_the_lead_keeps_saved_replies_in_german_and_english(anna):
    client = client_for(anna)
    page = reverse("inbox:saved_replies")
    client.post(page, {"title": "Danke", "language": "de", "text": THANKS_DE})
    client.post(page, {"title": "Thanks", "language": "en", "text": THANKS_EN})
    assert [(r.title, r.language) for r in SavedReply.objects.all()] == [
        ("Danke", "de"),
        ("Thanks", "en"),
    ]
    thanks = SavedReply.objects.get(language="en")
    client.post(
        reverse("inbox:saved_reply", args=[thanks.pk]),
        {"title": "Thanks", "language": "en", "text": "Thanks, {name}."},
    )
    thanks.refresh_from_db()
    assert thanks.text == "Thanks, {name}." and thanks.updated_by == anna.user
    client.post(reverse("inbox:saved_reply_delete", args=[thanks.pk]))
    assert list(SavedReply.objects.values_list("title", flat=True)) == ["Danke"]
    assert [e.action for e in AuditLog.objects.order_by("pk")] == [
        "inbox.saved_reply_added",
        "inbox.saved_reply_added",
        "inbox.saved_reply_changed",
        "inbox.saved_reply_deleted",
    ]
    html = client.get(page).content.decode()
    assert "Textbausteine" in html and "Danke für Ihre Nachricht" in html


def test_an_unknown_placeholder_is_refused_with_the_known_ones_named(anna):
    response = client_for(anna).post(
        reverse("inbox:saved_replies"),
        {"title": "Tippfehler", "language": "de", "text": "Hallo {nmae}"},
    )
    assert response.status_code == 200 and not SavedReply.objects.exists()
    html = response.content.decode()
    assert "{nmae}" in html and "{name}" in html


def test_only_the_lead_keeps_them_the_team_reads_them(anna, ben, org):
    SavedReply.objects.create(organisation=org, title="Danke", text=THANKS_DE)
    client = client_for(ben)
    assert client.get(reverse("inbox:saved_replies")).status_code == 200
    response = client.post(
        reverse("inbox:saved_replies"), {"title": "X", "language": "de", "text": "Y"}
    )
    assert response.status_code == 403
    saved = SavedReply.objects.get()
    assert client.get(reverse("inbox:saved_reply", args=[saved.pk])).status_code == 403
    assert client.post(reverse("inbox:saved_reply_delete", args=[saved.pk])).status_code == 403
    assert SavedReply.objects.count() == 1


def test_the_reply_box_offers_them_filled_in_the_commenters_language_first(question, ben, org):
    SavedReply.objects.create(organisation=org, title="Thanks", language="en", text=THANKS_EN)
    SavedReply.objects.create(organisation=org, title="Danke", language="de", text=THANKS_DE)
    html = client_for(ben).get(reverse("inbox:list")).content.decode()
    box = html[html.index(f'id="saved-{question.pk}"') :]
    box = box[: box.index("</select>")]
    german = "Danke für Ihre Nachricht, @jonas! Wir melden uns über Mastodon – Klinikum."
    english = "Thank you, @jonas! Klinikum Musterstadt will get back to you."
    assert german in box and english in box
    assert box.index(german) < box.index(english)  # "Besuchszeiten": German first
    assert "{name}" not in box


def test_filling_leaves_unknown_fields_and_no_gap_for_an_erased_name(question):
    values = saved_replies.values_for(question)
    assert saved_replies.fill("Hallo {name}, {wer}?", values) == "Hallo @jonas, {wer}?"
    question.erased_at, question.author = question.received_at, ""
    values = saved_replies.values_for(question)
    assert saved_replies.fill("Hallo {name}, danke!", values) == "Hallo, danke!"


def test_the_reply_guard_still_runs_on_the_final_text(question, ben, org, sandbox):
    risky = "Ihr Aufenthalt auf Station 4 war sicher schwer – gute Besserung, {name}!"
    SavedReply.objects.create(organisation=org, title="Besserung", text=risky)
    text = saved_replies.fill(risky, saved_replies.values_for(question))
    response = client_for(ben).post(reverse("inbox:reply", args=[question.pk]), {"text": text})
    assert response.status_code == 200  # kept, with the findings
    html = response.content.decode()
    assert "Nicht gesendet" in html and "Station 4" in html
    assert not InboxReply.objects.exists()
    assert not [p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]
