"""The websocket endpoint of the live pages, beside Django's ASGI app.

``/live/ws/<slug>/`` is served here; everything else goes to Django. A tiny
router instead of Django Channels: the broadcast path must not pass through a
channel layer per connection (see the issue's measurements).
"""

from __future__ import annotations

import asyncio
import contextlib
import re

from asgiref.sync import sync_to_async

from carecast.live.hub import Connection, hub

PATH = re.compile(r"^/live/ws/(?P<slug>[-a-zA-Z0-9_]+)/$")
# Sessions known to exist, so that thousands of connections ask the database once.
_known: set[str] = set()


def with_live_websockets(django_app):
    """Wrap Django's ASGI app: live websockets and the lifespan here, the rest to Django."""

    async def application(scope, receive, send):
        if scope["type"] == "websocket" and scope["path"].startswith("/live/ws/"):
            return await websocket(scope, receive, send)
        if scope["type"] == "lifespan":
            return await lifespan(receive, send)
        return await django_app(scope, receive, send)

    return application


async def lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            hub.attach(asyncio.get_running_loop())
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            hub.detach()
            await send({"type": "lifespan.shutdown.complete"})
            return


def _session_exists(slug: str) -> bool:
    from django.db import close_old_connections

    from carecast.live.models import LiveSession

    # Like a request: stale connections go before, and after when they have aged out.
    close_old_connections()
    try:
        return LiveSession.objects.filter(slug=slug).exists()
    finally:
        close_old_connections()


async def websocket(scope, receive, send) -> None:
    match = PATH.match(scope["path"])
    if (await receive())["type"] != "websocket.connect":
        return
    slug = match["slug"] if match else ""
    if slug not in _known:
        if not slug or not await sync_to_async(_session_exists)(slug):
            await send({"type": "websocket.close", "code": 4404})
            return
        _known.add(slug)
    await send({"type": "websocket.accept"})
    hub.attach(asyncio.get_running_loop())  # servers without lifespan support
    connection = Connection()
    hub.join(slug, connection)
    reader = asyncio.create_task(_until_disconnect(receive, connection))
    try:
        await _write(send, connection)
        if not reader.done():  # dropped as too slow to follow: it reconnects and reloads
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": 1013})
    finally:
        hub.leave(slug, connection)
        reader.cancel()


async def _until_disconnect(receive, connection: Connection) -> None:
    """Visitors send nothing we use; read only to notice when they leave."""
    while (await receive())["type"] != "websocket.disconnect":
        pass
    connection.close()


async def _write(send, connection: Connection) -> None:
    while True:
        batch = await connection.next_batch()
        if not batch:
            return
        try:
            for data in batch:
                await send({"type": "websocket.send", "text": data})
        except Exception:  # the client went away mid-write
            connection.close()
            return
