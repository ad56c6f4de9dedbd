"""Assigning an item to a colleague (only people who may act on its channel; "Mir zugewiesen"
with a count; audited both ways) and internal notes (shown apart, never sent)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carecast.core.models import AuditLog, Department, Person, Role
from carecast.inbox import assign, fetch
from carecast.inbox.models import InboxItem, InboxNote
from tests.conftest import _person
from tests.inbox.conftest import client_for


@pytest.fixture(autouse=True)
def pinned_clock(time_machine):
    """Received, assigned and sent times are read from the clock: pin it."""
    time_machine.move_to("2026-12-07T10:00:00+01:00", tick=False)


@pytest.fixture
def births(channel_on, geburtshilfe, comment):
    channel = channel_on(
        "mastodon", handle="geburt", name="Mastodon – Geburtshilfe", department=geburtshilfe
    )
    comment("Danke an die Hebammen!", handle="mia", mention="geburt")
    fetch.fetch_channel(channel)
    return InboxItem.objects.get(channel=channel)


@pytest.fixture
def dora(org) -> Person:
    brust = Department.objects.create(organisation=org, name="Brustzentrum", slug="brust")
    return _person(org, "dora", Role.DEPARTMENT_EDITOR, brust)


def test_it_assigns_to_a_colleague_who_is_told_under_mir_zugewiesen(question, anna, ben):
    client = client_for(anna)
    response = client.post(reverse("inbox:assign", args=[question.pk]), {"person": ben.pk})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.assigned_to == ben and question.assigned_at is not None

    html = client_for(ben).get(reverse("inbox:list")).content.decode()
    assert "Mir zugewiesen" in html and 'data-count="1"' in html
    mine = client_for(ben).get(reverse("inbox:list") + "?mine=on").content.decode()
    assert "Besuchszeiten" in mine
    others = client_for(anna).get(reverse("inbox:list") + "?mine=on").content.decode()
    assert "Besuchszeiten" not in others and 'data-count="0"' in others


def test_assigning_and_unassigning_are_audited(question, anna, ben):
    client = client_for(anna)
    client.post(reverse("inbox:assign", args=[question.pk]), {"person": ben.pk})
    client.post(reverse("inbox:assign", args=[question.pk]), {"person": ""})
    question.refresh_from_db()
    assert question.assigned_to is None
    entries = list(AuditLog.objects.filter(action__startswith="inbox.").order_by("pk"))
    assert [e.action for e in entries] == ["inbox.assigned", "inbox.unassigned"]
    assert all(e.actor == anna.user and e.object_id == question.pk for e in entries)
    assert entries[0].detail["assignee"] == ben.pk == entries[1].detail["assignee"]


def test_only_people_with_rights_on_the_channel_can_be_assigned(
    question, births, anna, ben, clara, dora
):
    client = client_for(anna)
    # Clara edits Geburtshilfe: not the hospital's own channel, but her department's.
    refused = client.post(reverse("inbox:assign", args=[question.pk]), {"person": clara.pk})
    assert refused.status_code == 403
    assert (
        client.post(reverse("inbox:assign", args=[births.pk]), {"person": clara.pk}).status_code
        == 302
    )
    assert (
        client.post(reverse("inbox:assign", args=[births.pk]), {"person": dora.pk}).status_code
        == 403
    )
    with pytest.raises(assign.NotAssignable):
        assign.assign(births, dora, anna.user)
    births.refresh_from_db()
    question.refresh_from_db()
    assert births.assigned_to == clara and question.assigned_to is None
    html = client.get(reverse("inbox:list") + "?status=all").content.decode()
    card = html[html.index(f'id="item-{question.pk}"') :]
    card = card[: card.index("</article>")]
    assert f'value="{ben.pk}"' in card and f'value="{clara.pk}"' not in card


def test_a_department_editor_cannot_assign_what_she_cannot_see(question, clara, ben):
    response = client_for(clara).post(
        reverse("inbox:assign", args=[question.pk]), {"person": ben.pk}
    )
    assert response.status_code == 404
    assert not InboxItem.objects.filter(assigned_to__isnull=False).exists()


def test_someone_from_another_organisation_cannot_be_assigned(question, anna, django_user_model):
    from carecast.core.models import Organisation

    other = Organisation.objects.create(name="Anderes Klinikum", slug="anders")
    stranger = _person(other, "sven", Role.ADMIN)
    response = client_for(anna).post(
        reverse("inbox:assign", args=[question.pk]), {"person": stranger.pk}
    )
    assert response.status_code == 404


def test_an_internal_note_is_shown_apart_with_who_and_when_and_never_sent(
    question, ben, sandbox, time_machine
):
    time_machine.move_to("2026-12-07T10:15:00+01:00", tick=False)
    posts_before = len(sandbox.posts("mastodon"))
    client = client_for(ben)
    client.post(
        reverse("inbox:note", args=[question.pk]),
        {"text": "Hab bei Station 3 nachgefragt, Antwort kommt."},
    )
    note = InboxNote.objects.get()
    assert note.author == ben.user and note.item == question
    html = client.get(reverse("inbox:list")).content.decode()
    assert 'class="inbox-note"' in html and "Interne Notiz" in html
    assert "Station 3 nachgefragt" in html and "10:15" in html and "ben" in html
    assert len(sandbox.posts("mastodon")) == posts_before  # nothing went to the network
    assert not question.replies.exists()


def test_an_empty_note_is_refused_and_viewers_cannot_write_notes(question, ben, org):
    client = client_for(ben)
    client.post(reverse("inbox:note", args=[question.pk]), {"text": "   "})
    assert not InboxNote.objects.exists()
    viewer = _person(org, "vera", Role.VIEWER)
    response = client_for(viewer).post(reverse("inbox:note", args=[question.pk]), {"text": "Hallo"})
    assert response.status_code == 403 and not InboxNote.objects.exists()


def test_an_erasure_takes_the_notes_with_the_comment(question, anna, ben):
    assign.add_note(question, "Jonas ist der Sohn von Frau K. auf Station 3.", ben.user)
    client_for(anna).post(reverse("inbox:erase", args=[question.pk]))
    question.refresh_from_db()
    assert question.erased_at is not None and not InboxNote.objects.exists()


def test_the_count_is_what_still_needs_an_answer(question, anna, ben):
    assign.assign(question, ben, anna.user)
    client = client_for(ben)
    assert 'data-count="1"' in client.get(reverse("inbox:list")).content.decode()
    client.post(reverse("inbox:status", args=[question.pk]), {"status": "done"})
    html = client.get(reverse("inbox:list") + "?mine=on&status=all").content.decode()
    assert 'data-count="0"' in html and "Besuchszeiten" in html


def test_a_card_redrawn_after_a_post_sends_its_forms_back_to_the_page(question, ben):
    response = client_for(ben).post(
        reverse("inbox:status", args=[question.pk]),
        {"status": "done"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/inbox/?status=all"},
    )
    html = response.content.decode()
    assert 'name="next" value="/inbox/?status=all"' in html
    assert f'value="/inbox/{question.pk}/status/"' not in html
