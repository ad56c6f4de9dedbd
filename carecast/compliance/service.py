"""Running the checks: on a draft post, on a reply, from the composer, the scheduler and the CLI."""

from __future__ import annotations

from collections.abc import Iterable

from carecast.compliance.checks import CHECKS
from carecast.compliance.draft import SEVERITY_ORDER, Draft, Finding


def run_checks(draft: Draft, only: Iterable[str] | None = None) -> list[Finding]:
    """Every applicable check's findings, most severe first (stable within a severity)."""
    chosen = [CHECKS[i] for i in only] if only is not None else CHECKS.values()
    findings = [f for check in chosen if check.applies(draft) for f in check.run(draft)]
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def check_reply(text: str) -> list[Finding]:
    """What stops a reply from going out: the privacy checks (and the medical-advertising ones)."""
    return run_checks(Draft(text=text, reply_to=""))


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocks]
