"""Lengths, rate limits per visitor and per address, flood protection per session."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from carecast.live import actions
from carecast.live.actions import LiveError
from carecast.live.models import Question, Source


def ask(session, n, client="client-a", origin="", text="Wie lange bleibt man nach der Geburt"):
    return actions.submit_question(session, f"{text} ({n})?", client=client, origin=origin)


def test_it_refuses_too_short_and_too_long_questions(live_session):
    with pytest.raises(LiveError, match="ausführlicher"):
        actions.submit_question(live_session, "Hallo?", client="a")
    with pytest.raises(LiveError, match="500"):
        actions.submit_question(live_session, "Warum " * 100, client="a")


def test_it_limits_one_visitor_per_minute_and_per_session(live_session):
    for n in range(3):
        ask(live_session, n)
    with pytest.raises(LiveError, match="warten"):
        ask(live_session, 3)
    ask(live_session, 3, client="client-b")  # others are not affected
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        ask(live_session, 4)


def test_it_refuses_the_same_question_twice(live_session):
    actions.submit_question(live_session, "Gibt es Familienzimmer?", client="a")
    with pytest.raises(LiveError, match="schon gesendet"):
        actions.submit_question(live_session, "gibt es  familienzimmer?", client="a")


def test_it_limits_an_address_that_keeps_changing_cookies(live_session, settings):
    settings.CARECAST_LIVE_PER_ORIGIN_PER_MINUTE = 5
    for n in range(5):
        ask(live_session, n, client=f"cookie-{n}", origin="same-address")
    with pytest.raises(LiveError):
        ask(live_session, 5, client="cookie-5", origin="same-address")


def test_it_protects_the_session_from_a_flood(live_session, settings):
    settings.CARECAST_LIVE_PER_SESSION_PER_MINUTE = 10
    for n in range(10):
        ask(live_session, n, client=f"visitor-{n}")
    with pytest.raises(LiveError, match="sehr viele"):
        ask(live_session, 10, client="visitor-10")


def test_it_closes_the_queue_after_the_session(live_session):
    live_session.ends_at = timezone.now() - dt.timedelta(minutes=1)
    with pytest.raises(LiveError, match="keine Fragen mehr"):
        ask(live_session, 1)


def test_it_takes_network_replies_without_visitor_limits(live_session):
    for n in range(5):
        actions.submit_question(
            live_session, f"Antwort {n}" * 200, source=Source.MASTODON, remote_id=str(n)
        )
    assert Question.objects.filter(source=Source.MASTODON).count() == 5


def test_it_deletes_questions_a_month_after_the_session(live_session):
    from carecast.live import retention

    ask(live_session, 1)
    assert retention.purge(live_session.ends_at + dt.timedelta(days=29)) == 0
    assert retention.purge(live_session.ends_at + dt.timedelta(days=31)) == 1
    assert not Question.objects.exists()
