"""Writing the audit log from service functions."""

from __future__ import annotations

from typing import Any

from carecast.core.models import AuditLog, Organisation


def record(
    organisation: Organisation, action: str, subject: str = "", actor=None, **detail: Any
) -> AuditLog:
    """Append one entry; ``detail`` must be JSON-serialisable."""
    return AuditLog.objects.create(
        organisation=organisation, actor=actor, action=action, subject=subject[:200], detail=detail
    )
