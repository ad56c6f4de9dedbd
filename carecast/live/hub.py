"""The audience connections of one server process, and how events reach them.

Each process keeps its own connections, grouped by session, and writes to them
directly: a broadcast is one encoded message appended to each connection's queue
(no channel layer, no per-connection hop through Redis — measured in the issue).

Events come from other threads (Django views run in a thread pool, Huey tasks in
the worker): in-process they are handed to the event loop with
``call_soon_threadsafe``; with ``REDIS_URL`` set every process subscribes to the
installation's channels and delivers what arrives, its own events included.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import types
from collections import deque

from carecast.live import events

log = logging.getLogger(__name__)
# A client this many messages behind is too slow to follow: drop it, it reconnects and reloads.
MAX_BACKLOG = 200


class Connection:
    """One websocket, written to directly by the broadcast.

    A broadcast runs each connection's ASGI ``send`` right away: when the client's socket
    can take the bytes, the send finishes without ever suspending, so a broadcast to N
    clients is N writes in one pass, no task per client (the measured cost of a task
    switch per client and message was most of the gap to a bare websockets server). Only
    a send that has to wait (the client is slow) is finished by a task, and later
    messages queue behind it, in order.
    """

    __slots__ = ("send", "backlog", "busy", "closed", "_task")

    def __init__(self, send) -> None:
        self.send = send
        self.backlog: deque[dict] = deque()
        self.busy = False
        self.closed = False
        self._task: asyncio.Task | None = None

    def push(self, message: dict) -> None:
        if self.closed:
            return
        if self.busy:
            if len(self.backlog) >= MAX_BACKLOG:
                self.close(code=1013)
            else:
                self.backlog.append(message)
            return
        coroutine = self.send(message)
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return  # written
        except Exception:  # the client went away
            self.closed = True
            return
        self.busy = True
        self._task = asyncio.ensure_future(self._finish(coroutine, waiting_on))

    async def _finish(self, coroutine, waiting_on) -> None:
        try:
            await _resume(coroutine, waiting_on)
            while self.backlog and not self.closed:
                await self.send(self.backlog.popleft())
        except Exception:
            self.closed = True
        finally:
            self.busy = False

    def close(self, code: int = 1000) -> None:
        """Stop writing; ``code`` set: also tell the client (it reconnects and reloads)."""
        self.closed = True
        self.backlog.clear()
        if code:
            asyncio.ensure_future(self._send_close(code))

    async def _send_close(self, code: int) -> None:
        with contextlib.suppress(Exception):
            await self.send({"type": "websocket.close", "code": code})


@types.coroutine
def _resume(coroutine, waiting_on):
    """Drive ``coroutine`` (started, now waiting on ``waiting_on``) to its end inside a task."""
    while True:
        try:
            yield waiting_on
        except BaseException as exc:  # cancelled while waiting: pass it in
            try:
                waiting_on = coroutine.throw(exc)
            except StopIteration:
                return
            continue
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return


class Hub:
    def __init__(self) -> None:
        self.rooms: dict[str, set[Connection]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._subscriber: asyncio.Task | None = None

    # -- wiring -------------------------------------------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start receiving events on ``loop`` (once per process)."""
        if self.loop is not None:
            return
        self.loop = loop
        if events.redis_url():
            self._subscriber = loop.create_task(self._subscribe(events.redis_url()))
        else:
            events.add_listener(self._from_thread)

    def detach(self) -> None:
        events.remove_listener(self._from_thread)
        if self._subscriber is not None:
            self._subscriber.cancel()
        self.loop, self._subscriber = None, None

    def _from_thread(self, slug: str, data: str) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.deliver, slug, data)

    async def _subscribe(self, url: str) -> None:
        """Deliver what arrives on the installation's Redis channels; reconnect on failure."""
        import redis.asyncio as aioredis

        prefix = events.channel_prefix()
        while True:
            client = aioredis.Redis.from_url(url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(prefix + "*")
                    async for message in pubsub.listen():
                        if message["type"] == "pmessage":
                            slug = message["channel"].decode()[len(prefix) :]
                            self.deliver(slug, message["data"].decode())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("Live events: Redis subscription lost, reconnecting", exc_info=True)
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()

    # -- rooms --------------------------------------------------------------------------

    def join(self, slug: str, connection: Connection) -> None:
        self.rooms.setdefault(slug, set()).add(connection)

    def leave(self, slug: str, connection: Connection) -> None:
        room = self.rooms.get(slug)
        if room is not None:
            room.discard(connection)
            if not room:
                del self.rooms[slug]

    def deliver(self, slug: str, data: str) -> None:
        """Runs on the loop: write ``data`` to every connection of the session.

        Moderators get everything; the audience not the "queue changed" pings, which
        would double what thousands of visitors receive for nothing. One ASGI message
        for all: servers read it, none changes it.
        """
        message = {"type": "websocket.send", "text": data}
        rooms = [moderators(slug)]
        if not data.startswith('{"type":"queue"'):
            rooms.append(slug)
        for room in rooms:
            for connection in list(self.rooms.get(room, ())):
                connection.push(message)

    def count(self, slug: str) -> int:
        return len(self.rooms.get(slug, ()))


def moderators(slug: str) -> str:
    """The room of a session's moderator consoles."""
    return f"{slug}/moderate"


hub = Hub()
