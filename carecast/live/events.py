"""Events to the live pages: small JSON messages, published after the transaction commits.

``publish`` goes to Redis pub/sub when ``REDIS_URL`` is set (every server process
subscribes, including this one), else to the listeners registered in this process
(the websocket hub registers one). Action functions call ``after_commit``; views and
``save()`` never publish.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from carecast.env import env_str
from carecast.live.models import Question

Listener = Callable[[str, str], None]
_listeners: list[Listener] = []
_redis_lock = threading.Lock()
_redis_client: Any = None


def redis_url() -> str:
    """Redis for events between processes: ``REDIS_URL``, like Huey (a setting overrides it)."""
    value = getattr(settings, "CARECAST_LIVE_REDIS_URL", None)
    return env_str("REDIS_URL", "") if value is None else str(value)


def channel_prefix() -> str:
    """Redis channels of this installation (a test run's queue name keeps runs apart)."""
    return f"{settings.HUEY['name']}:live:"


def add_listener(listener: Listener) -> None:
    _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def publish(slug: str, event: dict[str, Any]) -> None:
    """Send ``event`` to every page of session ``slug``, in this and every other process."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    if redis_url():
        _redis().publish(channel_prefix() + slug, data)
        return
    for listener in list(_listeners):
        listener(slug, data)


def after_commit(slug: str, *events: dict[str, Any]) -> None:
    """Publish ``events`` once the current transaction commits (never if it rolls back)."""
    # robust: a Redis hiccup is logged, not turned into an error page after the change was
    # saved; the pages catch up by polling.
    transaction.on_commit(lambda: [publish(slug, event) for event in events], robust=True)


def _redis():
    global _redis_client
    with _redis_lock:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(redis_url())
        return _redis_client


# --- the messages ------------------------------------------------------------------------


def public(question: Question) -> dict[str, Any]:
    """What the audience may see of a question: never the original text, never flags."""
    return {
        "id": question.pk,
        "text": question.public_text,
        "name": question.nickname,
        "votes": question.votes,
        "status": question.status,
        "source": question.source,
        "answer": question.answer_note if question.status == "answered" else "",
    }


def question_event(question: Question) -> dict[str, Any]:
    return {"type": "question", "question": public(question)}


def removed_event(question: Question) -> dict[str, Any]:
    return {"type": "remove", "id": question.pk}


def queue_event() -> dict[str, Any]:
    """Something changed in the moderation queue; moderators reload it (no content here)."""
    return {"type": "queue"}
