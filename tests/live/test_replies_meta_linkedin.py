"""Questions from Facebook, Threads and LinkedIn: comments under the session's announcement
post, read from the sandbox through each connector's ``fetch_replies``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.live import announce, replies
from carecast.live.models import Question, Source, Status
from carecast.networks.models import Channel
from carecast.publishing import dispatch
from carecast.publishing.models import Publication, State

PREFIX = {"facebook": "graph", "threads": "threads-graph", "linkedin": "linkedin"}


@pytest.fixture
def announced(live_session, org, sandbox):
    """The session started a minute ago; its announcement went out on three networks."""
    channels = []
    for network in PREFIX:
        remote = sandbox.add_account(
            network, "klinikum", f"token-{network}", display_name="Klinikum"
        )
        channel = Channel(
            organisation=org,
            network=network,
            name=f"{network} – Klinikum",
            handle="klinikum",
            base_url=f"{sandbox.base_url}/{PREFIX[network]}",
            remote_user_id=str(remote["id"]),
            is_sandbox=True,
        )
        channel.set_credentials({"access_token": f"token-{network}"})
        channel.save()
        channels.append(channel)
    live_session.starts_at = timezone.now() - dt.timedelta(minutes=1)
    live_session.save()
    live_session.channels.set(channels)
    for publication in announce.create_announcements(live_session):
        dispatch.publish_one(publication.pk)
    published = {p.channel.network: p for p in Publication.objects.filter(state=State.PUBLISHED)}
    assert set(published) == set(PREFIX)
    return published


def test_it_turns_comments_on_three_networks_into_questions(announced, sandbox, live_session):
    sandbox.add_comment(
        "facebook", announced["facebook"].remote_id, "Gibt es Familienzimmer?", "lena"
    )
    sandbox.add_comment("threads", announced["threads"].remote_id, "Darf mein Mann mit?", "ole")
    sandbox.add_comment(
        "linkedin", announced["linkedin"].remote_id, "Wie lange bleibt man stationär?", "ina"
    )
    assert replies.collect(live_session) == 3
    questions = {q.source: q for q in Question.objects.all()}
    assert set(questions) == {Source.FACEBOOK, Source.THREADS, Source.LINKEDIN}
    assert questions[Source.FACEBOOK].text == "Gibt es Familienzimmer?"
    assert questions[Source.THREADS].status == Status.PENDING
    # Read again: each comment is a question once.
    assert replies.collect(live_session) == 0
    assert Question.objects.count() == 3


def test_it_skips_comments_under_other_posts(announced, sandbox, live_session):
    sandbox.store.add_post("facebook", "klinikum", "99_1", "Ein anderer Beitrag", "", {})
    sandbox.add_comment("facebook", "99_1", "Keine Frage an die Sprechstunde", "ole")
    assert replies.collect(live_session) == 0
