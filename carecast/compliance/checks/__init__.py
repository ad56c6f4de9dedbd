"""The registry of checks: an explicit list, in the order findings are shown.

Adding a check = one class in the module of its topic + one line here + its tests.
"""

from __future__ import annotations

from carecast.compliance.checks import consent, format_rules, hwg, imprint, media, privacy
from carecast.compliance.checks.base import Check

CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        hwg.BeforeAfter(),
        hwg.MinorsCosmetic(),
        hwg.SuccessPromise(),
        hwg.PrescriptionDrug(),
        hwg.Testimonial(),
        hwg.Contest(),
        consent.PersonMissing(),
        consent.Withdrawn(),
        consent.PatientArt9(),
        media.MusicUnlicensed(),
        imprint.ImprintMissing(),
        media.AltTextMissing(),
        format_rules.TooLong(),
        format_rules.MediaSpec(),
        format_rules.Unescaped(),
        privacy.HealthData(),
        privacy.PatientConfirmation(),
    )
}

__all__ = ["CHECKS", "Check"]
