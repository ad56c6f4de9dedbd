"""The calendar never cuts a story's title: the month view names the story on each card too,
and a long title is shown in full."""

from __future__ import annotations

LONG_TITLE = (
    "Informationsabend für werdende Eltern mit Kreißsaalführung, Hebammensprechstunde und "
    "Fragen zur Familienzimmer-Reservierung"
)


def test_it_shows_the_whole_title_in_week_and_month(anna_client, publication_factory, mastodon):
    publication = publication_factory(mastodon, title=LONG_TITLE)
    day = publication.due_at.date().isoformat()
    for view in ("week", "month"):
        body = anna_client.get(f"/calendar/?view={view}&date={day}").content.decode()
        assert f'<span class="cal-card-title">{LONG_TITLE}</span>' in body, view


def test_it_marks_the_posts_the_automation_made(anna_client, publication_factory, mastodon):
    from carecast.automation.models import AutoPost

    made = publication_factory(mastodon, title="Stellenangebot: Pflegefachkraft")
    publication_factory(mastodon, title="Tag der offenen Tür")
    AutoPost.objects.create(channel=mastodon, status=AutoPost.Status.SCHEDULED, publication=made)
    body = anna_client.get(f"/calendar/?date={made.due_at.date().isoformat()}").content.decode()
    cards = body.split('<li class="cal-card')[1:]
    marked = {
        card.split('class="cal-card-title">')[1].split("<")[0]: "automatisch" in card
        for card in cards
    }
    assert marked == {"Stellenangebot: Pflegefachkraft": True, "Tag der offenen Tür": False}
