"""Vote stuffing: dropping the cookie makes a new visitor, not a new address."""

from __future__ import annotations

from django.test import Client

from carecast.live import actions


def _approved(live_session, text="Gibt es Familienzimmer?"):
    return actions.approve(actions.submit_question(live_session, text, client="asker"))


def test_it_refuses_votes_beyond_the_limit_from_one_address(live_session, settings):
    settings.CARECAST_LIVE_VOTES_PER_ORIGIN_PER_QUESTION = 5
    question = _approved(live_session)
    answers = []
    for _ in range(20):
        visitor = Client(REMOTE_ADDR="203.0.113.7")  # a fresh cookie each time, one address
        visitor.get("/live/geburt/")
        answers.append(visitor.post(f"/live/geburt/vote/{question.pk}/").status_code)
    assert answers == [200] * 5 + [409] * 15
    question.refresh_from_db()
    assert question.votes == 5
    refused = Client(REMOTE_ADDR="203.0.113.7").post(f"/live/geburt/vote/{question.pk}/")
    assert "sehr viele Stimmen" in refused.content.decode()


def test_another_address_still_votes(live_session, settings):
    settings.CARECAST_LIVE_VOTES_PER_ORIGIN_PER_QUESTION = 1
    question = _approved(live_session)
    assert (
        Client(REMOTE_ADDR="203.0.113.7").post(f"/live/geburt/vote/{question.pk}/").content == b"1"
    )
    assert (
        Client(REMOTE_ADDR="198.51.100.9").post(f"/live/geburt/vote/{question.pk}/").content == b"2"
    )


def test_it_limits_votes_per_minute_over_the_session(live_session, settings):
    settings.CARECAST_LIVE_VOTES_PER_ORIGIN_PER_MINUTE = 2
    questions = [_approved(live_session, f"Frage Nummer {n} zur Geburt?") for n in range(3)]
    codes = [
        Client(REMOTE_ADDR="203.0.113.7").post(f"/live/geburt/vote/{q.pk}/").status_code
        for q in questions
    ]
    assert codes == [200, 200, 409]
