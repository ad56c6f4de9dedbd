"""The websocket endpoint of the live pages, beside Django's ASGI app.

``/live/ws/<slug>/`` is served here; everything else goes to Django. A tiny
router instead of Django Channels: the broadcast path must not pass through a
channel layer per connection (see the issue's measurements).
"""

from __future__ import annotations

import asyncio
import re

from asgiref.sync import sync_to_async

from carecast.live.hub import Connection, hub, moderators

PATH = re.compile(r"^/live/ws/(?P<slug>[-a-zA-Z0-9_]+)/(?P<moderate>moderate/)?$")
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
    connection = Connection(send)
    # The moderators' room also hears "queue changed"; nothing in it is private either.
    room = moderators(slug) if match and match["moderate"] else slug
    hub.join(room, connection)
    try:
        # Visitors send nothing we use; read only to notice when they leave.
        while (await receive())["type"] != "websocket.disconnect":
            pass
    finally:
        connection.close(code=0)
        hub.leave(room, connection)
