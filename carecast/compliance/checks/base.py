"""A check: one rule, one id, one severity, one message that says what to change."""

from __future__ import annotations

from typing import ClassVar

from carecast.compliance.draft import Draft, Finding, Severity


class Check:
    id: ClassVar[str]
    severity: ClassVar[Severity]
    rule_url: ClassVar[str]
    # Replies get the privacy checks; posts get the rest. Text checks run on both.
    applies_to: ClassVar[frozenset[str]] = frozenset({"post", "reply"})
    # Whether a finding of this check can block a post: its severity, or a check that raises
    # some findings to "block" says so. The scheduler's guard runs only these checks.
    may_block: ClassVar[bool | None] = None

    @classmethod
    def can_block(cls) -> bool:
        return cls.severity == "block" if cls.may_block is None else cls.may_block

    def applies(self, draft: Draft) -> bool:
        return ("reply" if draft.is_reply else "post") in self.applies_to

    def run(self, draft: Draft) -> list[Finding]:
        raise NotImplementedError

    def finding(
        self, message: str, span: tuple[int, int] | None = None, severity: Severity | None = None
    ) -> Finding:
        return Finding(self.id, severity or self.severity, message, span, self.rule_url)


def span_of(match) -> tuple[int, int] | None:
    return (match.start(), match.end()) if match else None
