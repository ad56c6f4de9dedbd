"""What each kind of person module offers: find, export, erase."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Match:
    """One person found: ``key`` names them within their kind (in links and forms)."""

    kind: str
    key: str
    label: str
    held: list[str] = field(default_factory=list)  # what carecast keeps, in short lines
    # Posts already public that show the person: (channel, url); deleted on the network.
    published: list[tuple[str, str]] = field(default_factory=list)
    refusal: str = ""  # why it cannot be erased here (e.g. the last active lead)


@dataclass
class Export:
    data: dict
    files: list[tuple[str, object]] = field(default_factory=list)  # (name in zip, FieldFile)


@dataclass
class Erased:
    counts: dict[str, int]
    # The erased words, handed to the audit scrub and then dropped: never stored.
    words: list[str]
    pseudonym: str = ""
    published: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())
