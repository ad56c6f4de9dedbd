"""The websocket endpoint of the live pages, beside Django's ASGI app.

``/live/ws/<slug>/`` is served here; everything else goes to Django. A tiny
router instead of Django Channels: the broadcast path must not pass through a
channel layer per connection (see the issue's measurements).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter

from asgiref.sync import sync_to_async

from carecast.live.hub import Connection, hub, moderators

PATH = re.compile(r"^/live/ws/(?P<slug>[-a-zA-Z0-9_]+)/(?P<moderate>moderate/)?$")
# Sessions known to exist, so that thousands of connections ask the database once.
_known: set[str] = set()
# Open live sockets per client address in this process. A ward's Wi-Fi is one address
# for many people, so the cap is generous; it stops one machine from opening thousands.
_per_address: Counter[str] = Counter()
# Visitors send nothing: the server refuses frames larger than this (uvicorn's
# ``ws_max_size``; its default of 16 MiB let visitors make the server buffer 16 MiB frames).
WS_MAX_BYTES = 1024
WS_MAX_QUEUE = 4


def server_options() -> dict:
    """uvicorn settings for the live websockets, used by ``carecast serve`` and the tests."""
    return {"ws_max_size": WS_MAX_BYTES, "ws_max_queue": WS_MAX_QUEUE, "ws_ping_interval": 20.0}


def _per_address_limit() -> int:
    from django.conf import settings

    return int(getattr(settings, "CARECAST_LIVE_WS_PER_ADDRESS", 100))


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
    address = (scope.get("client") or ("", 0))[0]
    if _per_address[address] >= _per_address_limit():
        await send({"type": "websocket.close", "code": 1013})  # try again later
        return
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
    _per_address[address] += 1
    try:
        # Visitors send nothing: a frame from them ends the connection (nothing is kept).
        if (await receive())["type"] != "websocket.disconnect":
            await send({"type": "websocket.close", "code": 1008})
    finally:
        connection.close(code=0)
        hub.leave(room, connection)
        _per_address[address] -= 1
        if _per_address[address] <= 0:
            del _per_address[address]
