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
