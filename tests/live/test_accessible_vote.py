"""The vote button's accessible name carries its count ("Will ich auch wissen: 1"), not only the words."""

from __future__ import annotations

from carecast.live import actions


def test_it_names_the_vote_button_with_its_count(live_session, client):
    question = actions.approve(
        actions.submit_question(live_session, "Gibt es Familienzimmer?", client="a")
    )
    client.get("/live/geburt/")
    client.post(f"/live/geburt/vote/{question.pk}/")
    html = client.get("/live/geburt/board/").content.decode()
    button = html.split('<button class="vote"', 1)[1].split("</button>", 1)[0]
    assert "aria-label" not in button  # it would hide the count from screen readers
    assert (
        '<span class="visually-hidden">Will ich auch wissen:</span> <span class="n">1</span>'
        in button
    )
