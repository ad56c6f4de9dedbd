"""Websocket delivery through a real uvicorn server: one process in-process, two over Redis."""

from __future__ import annotations

import os
import time

import pytest
from websockets.exceptions import InvalidStatus, WebSocketException

from carecast.live import actions
from tests.live.servers import Listener, ProcessServer

QUESTION = "Darf der Partner bei einem Kaiserschnitt dabei sein?"


def test_it_delivers_an_approval_to_every_visitor(asgi_server, live_session):
    visitors = [Listener(asgi_server.port, "geburt") for _ in range(3)]
    moderator = Listener(asgi_server.port, "geburt", moderator=True)
    visitors[0].until_subscribed()
    for listener in [*visitors[1:], moderator]:
        listener.drain()
    question = actions.submit_question(live_session, QUESTION, client="a")
    # Only moderators hear of a waiting question, and only that the queue changed.
    assert moderator.next_event() == {"type": "queue"}
    actions.approve(question)
    for listener in [*visitors, moderator]:
        event = listener.next_event()
        assert event["type"] == "question" and event["question"]["text"] == QUESTION
    assert moderator.next_event() == {"type": "queue"}
    for listener in [*visitors, moderator]:
        listener.close()


def test_it_sends_events_from_other_threads(asgi_server, live_session):
    """A view's thread (here: a plain thread) publishes to the server loop after commit."""
    import threading

    visitor = Listener(asgi_server.port, "geburt")
    visitor.until_subscribed()
    question = actions.approve(actions.submit_question(live_session, QUESTION, client="a"))
    visitor.drain()
    thread = threading.Thread(target=lambda: actions.pin(question))
    thread.start()
    thread.join()
    event = visitor.wait_for(lambda e: e["type"] == "question")
    assert event["question"]["status"] == "answering"
    visitor.close()


def test_it_refuses_unknown_sessions(asgi_server):
    with pytest.raises((InvalidStatus, WebSocketException)):
        Listener(asgi_server.port, "gibt-es-nicht").next_event(timeout=2)


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs REDIS_URL: two server processes share events over Redis pub/sub",
)
def test_it_delivers_across_two_server_processes_over_redis(worker_env, live_session, tmp_path):
    servers = [ProcessServer(worker_env, tmp_path / f"uvicorn-{i}.log").start() for i in range(2)]
    try:
        visitors = [Listener(server.port, "geburt") for server in servers]
        for visitor in visitors:
            visitor.until_subscribed()
        question = actions.approve(actions.submit_question(live_session, QUESTION, client="a"))
        actions.pin(question)
        for visitor in visitors:
            event = visitor.wait_for(
                lambda e: e["type"] == "question" and e["question"]["status"] == "answering"
            )
            assert event["question"]["id"] == question.pk
            visitor.close()
    finally:
        for server in servers:
            server.stop()


def test_it_closes_a_visitor_who_sends_anything(asgi_server, live_session):
    from websockets.exceptions import ConnectionClosed

    visitor = Listener(asgi_server.port, "geburt")
    visitor.ws.send("hallo")
    with pytest.raises(ConnectionClosed) as closed:
        visitor.ws.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def test_it_refuses_a_large_frame_without_buffering_it(asgi_server, live_session):
    from websockets.exceptions import ConnectionClosed

    visitor = Listener(asgi_server.port, "geburt")
    visitor.ws.send("x" * 1_000_000)
    with pytest.raises(ConnectionClosed) as closed:
        visitor.ws.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009  # message too big


def test_it_caps_connections_per_address(asgi_server, live_session, settings):
    settings.CARECAST_LIVE_WS_PER_ADDRESS = 3
    open_ = [Listener(asgi_server.port, "geburt") for _ in range(3)]
    with pytest.raises((InvalidStatus, WebSocketException)):
        Listener(asgi_server.port, "geburt").next_event(timeout=2)
    open_.pop().close()
    # A place became free: the next visitor is let in (the count follows disconnects).
    deadline = time.monotonic() + 5
    while True:
        try:
            open_.append(Listener(asgi_server.port, "geburt"))
            break
        except (InvalidStatus, WebSocketException):
            assert time.monotonic() < deadline
    for listener in open_:
        listener.close()
