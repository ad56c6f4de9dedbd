"""What became of a video's captions, as the connector keeps it on the publication.

The connector stores one string under ``captions`` in the upload's progress (see
``connector._add_captions``): ``"uploaded"``, or ``"skipped: <why>"`` / ``"failed: <what
YouTube said>"``. The post page reads it back through ``outcome_of``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

UPLOADED = "uploaded"


@dataclass(frozen=True)
class CaptionOutcome:
    uploaded: bool
    reason: str = ""  # why not, in the network's or the connector's words
    language: str = ""


def outcome_of(progress: Mapping[str, Any]) -> CaptionOutcome | None:
    """The captions' outcome kept in ``progress``; None when no captions were sent or tried."""
    kept = progress.get("captions")
    if not isinstance(kept, str) or not kept:
        return None
    language = str(progress.get("captions_language") or "")
    if kept == UPLOADED:
        return CaptionOutcome(True, language=language)
    _, _, reason = kept.partition(": ")
    return CaptionOutcome(False, reason or kept, language)
