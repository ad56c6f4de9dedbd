"""Every company profile needs a reachable Impressum (§ 5 DDG, formerly § 5 TMG)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from carecast.compliance.checks.base import Check, span_of
from carecast.compliance.draft import Draft, Finding

DDG = "https://www.gesetze-im-internet.de/ddg/__5.html"
OLD_LAW = re.compile(r"§\s*5\s*(?:abs\.?\s*\d\s*)?tmg\b|\btelemediengesetz", re.IGNORECASE)


class ImprintMissing(Check):
    id = "imprint.missing"
    severity = "high"
    rule_url = DDG
    applies_to = frozenset({"post"})

    def run(self, draft: Draft) -> list[Finding]:
        account = draft.account
        if account.kind != "brand":
            return []
        if not (account.imprint_url or "").strip():
            return [
                self.finding(
                    _(
                        "This profile has no Impressum link. Add a clearly labelled link to the "
                        "Impressum in the profile."
                    )
                )
            ]
        cited = OLD_LAW.search(draft.text) or OLD_LAW.search(account.imprint_url or "")
        if cited:
            return [
                self.finding(
                    _(
                        "The Impressum cites § 5 TMG, which is outdated: it is § 5 DDG since May 2024."
                    ),
                    span_of(OLD_LAW.search(draft.text)),
                )
            ]
        return []
