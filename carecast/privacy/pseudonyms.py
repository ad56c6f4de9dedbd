"""Erased words out of the history: audit entries and admin log entries keep their place
(who did what, when) but name the erased person by a pseudonym.

The pseudonym is random, so nothing leads back from it; the words to replace are handed in
by the erasure and kept nowhere.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models import Q

from carecast.core.models import AuditLog

MIN_LENGTH = 3  # shorter words ("Jo") would rewrite unrelated entries


def make(prefix: str) -> str:
    """A fresh pseudonym, e.g. ``person-3f9a1c``."""
    return f"{prefix}-{secrets.token_hex(3)}"


def usable(words: Iterable[str]) -> list[str]:
    """The words worth replacing, longest first (a full name before its first name)."""
    kept = {w.strip() for w in words if w and len(w.strip()) >= MIN_LENGTH}
    return sorted(kept, key=lambda w: (-len(w), w))


def _pattern(words: list[str]) -> re.Pattern[str]:
    # Whole words only: the user name "ben" must not turn "Leben" into "Le<pseudonym>".
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _replace(value: Any, pattern: re.Pattern[str], pseudonym: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(pseudonym, value)
    if isinstance(value, list):
        return [_replace(v, pattern, pseudonym) for v in value]
    if isinstance(value, dict):
        return {
            _replace(k, pattern, pseudonym): _replace(v, pattern, pseudonym)
            for k, v in value.items()
        }
    return value


def contains(field: str, word: str) -> Q:
    """``field`` holds ``word``; a JSON column may keep it \\u-escaped (SQLite)."""
    escaped = json.dumps(word)[1:-1]
    query = Q(**{f"{field}__icontains": word})
    return query | Q(**{f"{field}__icontains": escaped}) if escaped != word else query


def scrub_audit(organisation, words: Iterable[str], pseudonym: str) -> int:
    """Replace the words in the organisation's audit entries; how many entries changed."""
    words = usable(words)
    if not words:
        return 0
    pattern = _pattern(words)
    match = Q()
    for word in words:
        match |= contains("subject", word) | contains("detail", word)
    changed = 0
    for entry in AuditLog.objects.filter(organisation=organisation).filter(match).iterator():
        subject = _replace(entry.subject, pattern, pseudonym)[:200]
        detail = _replace(entry.detail, pattern, pseudonym)
        if (subject, detail) != (entry.subject, entry.detail):
            AuditLog.objects.filter(pk=entry.pk).update(subject=subject, detail=detail)
            changed += 1
    return changed + _scrub_admin_log(words, pattern, pseudonym)


def _scrub_admin_log(words: list[str], pattern: re.Pattern[str], pseudonym: str) -> int:
    match = Q()
    for word in words:
        match |= Q(object_repr__icontains=word) | Q(change_message__icontains=word)
    changed = 0
    for entry in LogEntry.objects.filter(match).iterator():
        repr_ = _replace(entry.object_repr, pattern, pseudonym)[:200]
        message = _replace(entry.change_message, pattern, pseudonym)
        if (repr_, message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(object_repr=repr_, change_message=message)
            changed += 1
    return changed
