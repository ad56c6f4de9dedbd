"""Questions from the networks: replies to the announcement posts, read from the sandbox."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.utils import timezone

from carecast.live import announce, replies, tasks
from carecast.live.models import Question, Source, Status
from carecast.publishing import dispatch
from carecast.publishing.models import Publication, State


@pytest.fixture
def announced(live_session, channel_on, sandbox):
    """The session started a minute ago; its start announcement went out on Mastodon and Bluesky."""
    live_session.starts_at = timezone.now() - dt.timedelta(minutes=1)
    live_session.save()
    live_session.channels.set([channel_on("mastodon"), channel_on("bluesky")])
    for publication in announce.create_announcements(live_session):
        dispatch.publish_one(publication.pk)  # the publishing machine, one step
    published = {p.channel.network: p for p in Publication.objects.filter(state=State.PUBLISHED)}
    assert set(published) == {"mastodon", "bluesky"}
    return published


def mastodon_reply(
    sandbox, status_id: str, text: str, handle: str = "lena", token: str = ""
) -> None:
    token = token or f"token-{handle}"
    if not sandbox.store.account("mastodon", handle):
        sandbox.add_account("mastodon", handle, token)
    response = httpx.post(
        f"{sandbox.base_url}/api/v1/statuses",
        data={"status": text, "in_reply_to_id": status_id},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()


def bluesky_reply(sandbox, parent_uri: str, text: str, handle: str = "jonas.bsky.test") -> None:
    if not sandbox.store.account("bluesky", handle):
        sandbox.add_account("bluesky", handle, password="pw-jonas")
    xrpc = f"{sandbox.base_url}/xrpc"
    session = httpx.post(
        f"{xrpc}/com.atproto.server.createSession",
        json={"identifier": handle, "password": "pw-jonas"},
    ).json()
    parent = httpx.get(
        f"{xrpc}/com.atproto.repo.getRecord",
        params={
            "repo": parent_uri.split("/")[2],
            "collection": "app.bsky.feed.post",
            "rkey": parent_uri.rsplit("/", 1)[1],
        },
    ).json()
    ref = {"uri": parent["uri"], "cid": parent["cid"]}
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": timezone.now().isoformat(),
        "reply": {"root": ref, "parent": ref},
    }
    response = httpx.post(
        f"{xrpc}/com.atproto.repo.createRecord",
        json={"repo": session["did"], "collection": "app.bsky.feed.post", "record": record},
        headers={"Authorization": f"Bearer {session['accessJwt']}"},
    )
    response.raise_for_status()


def test_it_announces_with_the_link_to_the_question_page(announced, sandbox):
    posts = sandbox.posts("mastodon")
    assert "/live/geburt/" in posts[0]["text"]
    assert "Jetzt live" in posts[0]["text"]


def test_it_turns_mastodon_replies_into_questions(announced, sandbox, live_session):
    mastodon_reply(
        sandbox,
        announced["mastodon"].remote_id,
        "@klinikum Gibt es im Klinikum <b>Familienzimmer</b>?",
    )
    assert replies.collect(live_session) == 1
    question = Question.objects.get()
    assert question.source == Source.MASTODON and question.status == Status.PENDING
    assert question.text == "Gibt es im Klinikum <b>Familienzimmer</b>?"  # plain text, mention gone
    assert question.nickname == "lena"
    assert question.remote_url.startswith(sandbox.base_url)


def test_it_turns_bluesky_replies_into_questions(announced, sandbox, live_session):
    bluesky_reply(
        sandbox, announced["bluesky"].remote_id, "Wie lange dauert das Wochenbett bei Ihnen?"
    )
    assert replies.collect(live_session) == 1
    question = Question.objects.get()
    assert (question.source, question.nickname) == (Source.BLUESKY, "jonas.bsky.test")
    assert question.remote_id.startswith("at://")


def test_it_takes_each_reply_once_and_skips_our_own(announced, sandbox, live_session):
    status_id = announced["mastodon"].remote_id
    mastodon_reply(sandbox, status_id, "Darf ich meine Hebamme mitbringen?")
    assert tasks.poll_replies.call_local() == 1
    mastodon_reply(
        sandbox,
        status_id,
        "Danke für die Frage, wir beantworten sie gleich live!",
        handle="klinikum",
        token="token-mastodon-klinikum",
    )
    mastodon_reply(sandbox, status_id, "Und wie ist das mit dem Parken?", handle="ole")
    assert tasks.poll_replies.call_local() == 1
    assert Question.objects.count() == 2


def test_it_flags_replies_like_any_question(announced, sandbox, live_session):
    mastodon_reply(
        sandbox,
        announced["mastodon"].remote_id,
        "Ich habe Diabetes Typ 1, darf ich spontan entbinden?",
    )
    replies.collect(live_session)
    assert Question.objects.get().flags == ["health_data"]


def test_it_keeps_going_when_a_network_fails(announced, sandbox, live_session):
    sandbox.inject_fault(network="mastodon", status=503, count=5)
    bluesky_reply(sandbox, announced["bluesky"].remote_id, "Gibt es eine Stillberatung?")
    assert replies.collect(live_session) == 1
