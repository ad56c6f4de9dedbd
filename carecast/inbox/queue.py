"""How inbox code asks for background work without importing ``tasks``.

``tasks`` runs ``fetch``, ``duty`` and ``send``; those in turn want more work done in the
background (the e-mails about an emergency, a reply's retry, a reply typed in the inbox). Each
wish is a signal here that ``tasks`` answers, so imports point one way:
tasks → fetch/duty/send/services → queue.
"""

from __future__ import annotations

import datetime as dt

from django.dispatch import Signal

# notification_ids: list[int] — tell these people by e-mail (sent by a task of its own, so a
# slow mail server never holds up reading the next comments).
emails_wanted = Signal()
# reply_id: int, eta: datetime | None — send this reply now, or try again at ``eta``.
reply_wanted = Signal()


def send_emails_later(notification_ids: list[int]) -> None:
    emails_wanted.send(sender=None, notification_ids=notification_ids)


def send_reply_later(reply_id: int, eta: dt.datetime | None = None) -> None:
    reply_wanted.send(sender=None, reply_id=reply_id, eta=eta)
