"""What the checks look at: a draft post or reply as plain data, the shape ``carecast lint`` reads.

Nothing here knows the database; ``publishing.compliance`` builds a ``Draft`` from a post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

Severity = Literal["block", "high", "medium", "info"]
SEVERITY_ORDER = {"block": 0, "high": 1, "medium": 2, "info": 3}


@dataclass(frozen=True)
class PersonInMedia:
    name: str
    consent: Literal["none", "given", "withdrawn"] = "none"
    patient: bool = False
    # Explicit Art. 9 GDPR consent and a release from confidentiality (§ 203 StGB).
    art9: bool = False


@dataclass(frozen=True)
class Music:
    title: str = ""
    licence: Literal["own", "licensed", "commercial_library", "none"] = "none"


@dataclass(frozen=True)
class Media:
    kind: Literal["image", "video"] = "image"
    alt_text: str | None = None
    tags: list[str] = field(default_factory=list)
    people: list[PersonInMedia] = field(default_factory=list)
    music: Music | None = None
    # Video only, from the probe of what will be sent: YouTube's Shorts rule needs them.
    seconds: float = 0
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class AccountInfo:
    kind: Literal["brand", "personal"] = "brand"
    imprint_url: str | None = None


@dataclass(frozen=True)
class Draft:
    text: str = ""
    networks: list[str] = field(default_factory=list)
    account: AccountInfo = field(default_factory=AccountInfo)
    media: list[Media] = field(default_factory=list)
    # The comment this draft answers: set for replies, which get the privacy checks.
    reply_to: str | None = None
    # Per-network account settings (e.g. a Mastodon server's own limit); not part of the file.
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def is_reply(self) -> bool:
        return self.reply_to is not None


@dataclass(frozen=True)
class Finding:
    id: str
    severity: Severity
    message: str
    span: tuple[int, int] | None = None
    rule_url: str = ""

    @property
    def blocks(self) -> bool:
        return self.severity == "block"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "message": self.message,
            "span": list(self.span) if self.span else None,
        }


class InvalidDraft(ValueError):
    """The file is not a draft; the message says where."""


_ADAPTER = TypeAdapter(Draft)


def draft_from_json(data: Any) -> Draft:
    """Validate ``data`` (parsed JSON) strictly: a typo in a field must not pass as "no problem"."""
    if not isinstance(data, dict):
        raise InvalidDraft('A draft is a JSON object with at least a "text" field.')
    unknown = set(data) - {"text", "networks", "account", "media", "reply_to"}
    if unknown:
        raise InvalidDraft(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    try:
        return _ADAPTER.validate_python(data, strict=False)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "draft"
        raise InvalidDraft(f"{where}: {first['msg']}") from None
