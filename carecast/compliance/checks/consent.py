"""People in the media: consent for the picture (KUG § 22) and for health data (GDPR Art. 9)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from carecast.compliance.checks.base import Check
from carecast.compliance.draft import Draft, Finding, PersonInMedia

KUG = "https://www.gesetze-im-internet.de/kunsturhg/__22.html"
GDPR_ART9 = "https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_9"


def _people(draft: Draft) -> list[PersonInMedia]:
    return [person for media in draft.media for person in media.people]


def _name(person: PersonInMedia) -> str:
    return person.name.strip() or _("a person")


class PersonMissing(Check):
    """A recognisable person without a consent record covering this channel."""

    id = "consent.person_missing"
    severity = "block"
    rule_url = KUG
    applies_to = frozenset({"post"})

    def run(self, draft: Draft) -> list[Finding]:
        return [
            self.finding(
                _(
                    "%(name)s is shown without a consent record for this channel. Record the "
                    "consent (channels, purpose, until) or use another image."
                )
                % {"name": _name(p)}
            )
            for p in _people(draft)
            if p.consent == "none"
        ]


class Withdrawn(Check):
    """Consent can be withdrawn at any time, effective for the future: stop using the picture."""

    id = "consent.withdrawn"
    severity = "block"
    rule_url = GDPR_ART9
    applies_to = frozenset({"post"})

    def run(self, draft: Draft) -> list[Finding]:
        return [
            self.finding(
                _("%(name)s has withdrawn consent. Remove this image or video from the post.")
                % {"name": _name(p)}
            )
            for p in _people(draft)
            if p.consent == "withdrawn"
        ]


class PatientArt9(Check):
    """Showing a patient reveals health data: explicit consent and a confidentiality release."""

    id = "consent.patient_art9"
    severity = "block"
    rule_url = GDPR_ART9
    applies_to = frozenset({"post"})

    def run(self, draft: Draft) -> list[Finding]:
        return [
            self.finding(
                _(
                    "%(name)s is shown as a patient without explicit consent under Art. 9 GDPR "
                    "and a release from confidentiality. Get both in writing first."
                )
                % {"name": _name(p)}
            )
            for p in _people(draft)
            if p.patient and not p.art9
        ]
