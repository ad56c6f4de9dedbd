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
from collections import deque

from carecast.live import events

log = logging.getLogger(__name__)
# A client this many messages behind is too slow to follow: drop it, it reconnects and reloads.
MAX_BACKLOG = 200


class Connection:
    """One websocket: a queue of encoded messages written by its own coroutine."""

    __slots__ = ("backlog", "wakeup", "closed")

    def __init__(self) -> None:
        self.backlog: deque[str] = deque()
        self.wakeup = asyncio.Event()
        self.closed = False

    def push(self, data: str) -> None:
        if self.closed:
            return
        if len(self.backlog) >= MAX_BACKLOG:
            self.close()
            return
        self.backlog.append(data)
        self.wakeup.set()

    def close(self) -> None:
        self.closed = True
        self.backlog.clear()
        self.wakeup.set()

    async def next_batch(self) -> list[str]:
        """Everything queued since the last call (empty once closed)."""
        while not self.backlog and not self.closed:
            self.wakeup.clear()
            await self.wakeup.wait()
        if self.closed:
            return []
        batch = list(self.backlog)
        self.backlog.clear()
        return batch


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
        """Runs on the loop: queue ``data`` on every connection of the session."""
        for connection in list(self.rooms.get(slug, ())):
            connection.push(data)

    def count(self, slug: str) -> int:
        return len(self.rooms.get(slug, ()))


hub = Hub()
