"""Saved replies (Textbausteine): kept by the communications lead, offered in every reply box.

A saved reply may name ``{name}`` (the commenter), ``{channel}``, ``{network}`` and
``{team}`` (the organisation); they are filled in for the item at hand. Nothing here sends:
the filled text lands in the reply box, and the reply checks run on whatever is finally sent.
"""

from __future__ import annotations

import re
import string

from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.inbox.models import InboxItem, SavedReply

VARIABLES = ("name", "channel", "network", "team")
_FIELD = re.compile(r"\{(\w*)\}")


def unknown_variables(text: str) -> list[str]:
    """The ``{…}`` fields in ``text`` that are not ours (a typo stays visible, never filled)."""
    try:
        fields = [
            name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None
        ]
    except ValueError:
        return [_("unbalanced braces")]
    return [f"{{{name}}}" for name in fields if name not in VARIABLES]


def values_for(item: InboxItem) -> dict[str, str]:
    author = item.author.lstrip("@") if item.author and not item.erased_at else ""
    return {
        "name": f"@{author}" if author else "",
        "channel": item.channel.name,
        "network": str(item.channel.rules.label),
        "team": item.organisation.name,
    }


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its known fields replaced; an empty name leaves no stray space."""
    filled = _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    return re.sub(r"[ \t]{2,}", " ", filled).replace(" ,", ",").strip()


def offered(organisation, language: str) -> list[SavedReply]:
    """Saved replies for a reply box: the commenter's language first, then the others."""
    replies = list(SavedReply.objects.filter(organisation=organisation))
    return sorted(replies, key=lambda r: (r.language != language, r.title.lower()))


def save(reply: SavedReply, actor) -> SavedReply:
    created = reply.pk is None
    reply.updated_by = actor
    reply.save()
    action = "inbox.saved_reply_added" if created else "inbox.saved_reply_changed"
    audit.record(reply.organisation, action, reply.title, actor, saved_reply=reply.pk)
    return reply


def delete(reply: SavedReply, actor) -> None:
    audit.record(reply.organisation, "inbox.saved_reply_deleted", reply.title, actor)
    reply.delete()
