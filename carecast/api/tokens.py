"""Making, finding and revoking personal access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.utils import timezone

from carecast.api.models import ApiToken, Scope
from carecast.core import audit
from carecast.rights import person_of

PREFIX = "cc_"
# Writing last_used_at on every request would make each API read a database write.
LAST_USED_STEP = dt.timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(user, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """A new token and its plain text, which is never stored and cannot be shown again."""
    chosen = [s for s in Scope.values if s in set(scopes)]
    if not chosen:
        raise ValueError("a token needs at least one scope")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=raw[:10], digest=_digest(raw), scopes=chosen
    )
    person = person_of(user)
    if person is not None:
        audit.record(
            person.organisation, "api_token.created", token.name, actor=user, scopes=chosen
        )
    return token, raw


def find(raw: str) -> ApiToken | None:
    """The active token for ``raw`` whose user may still sign in, noting when it was used."""
    if not raw.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke(token: ApiToken, actor) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    person = person_of(token.user)
    if person is not None:
        audit.record(person.organisation, "api_token.revoked", token.name, actor=actor)
