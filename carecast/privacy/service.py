"""One person's data on request (GDPR Art. 15, 17, 20), for every kind of person.

``search`` finds a person by name, handle or e-mail across commenters, people shown in media,
question askers and team members; ``archive`` exports what is held as a ZIP (``archive.py``);
``erase`` erases it through the kind's module, then replaces the erased words in the audit
log and the admin log by a pseudonym. The audit entry of the erasure counts, it never names:
the log must not keep erased words.
"""

from __future__ import annotations

from django.db import transaction

from carecast.core import audit
from carecast.privacy import pseudonyms
from carecast.privacy.people import KINDS
from carecast.privacy.people.base import Erased, Match

MIN_QUERY = 2


class UnknownKind(ValueError):
    pass


def kind_module(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownKind(kind) from None


def search(organisation, query: str, actor=None) -> dict[str, list[Match]]:
    """Matches per kind (every kind present, possibly empty)."""
    query = query.strip()
    if len(query) < MIN_QUERY:
        return {kind: [] for kind in KINDS}
    found = {kind: module.find(organisation, query) for kind, module in KINDS.items()}
    member = KINDS["member"]
    for match in found["member"]:
        person = member.person_of(organisation, match.key)
        match.refusal = member.refusal(person, actor) if person else ""
    return found


def refusal(organisation, kind: str, key: str, actor) -> str:
    if kind != "member":
        return ""
    module = KINDS["member"]
    person = module.person_of(organisation, key)
    return module.refusal(person, actor) if person else ""


def erase(organisation, kind: str, key: str, actor) -> Erased:
    """Erase one person's data; the audit entry holds the kind and the counts only."""
    module = kind_module(kind)
    with transaction.atomic():
        erased = module.erase(organisation, key, actor)
        pseudonym = erased.pseudonym or pseudonyms.make("person")
        scrubbed = pseudonyms.scrub_audit(organisation, erased.words, pseudonym)
        audit.record(
            organisation,
            "privacy.erased",
            erased.pseudonym,
            actor=actor,
            kind=kind,
            audit_entries_pseudonymised=scrubbed,
            **erased.counts,
        )
    erased.words = []  # handed to the scrub only
    return erased


def exported(organisation, kind: str, actor) -> None:
    """An export is a disclosure too: audited, without whom it was about."""
    audit.record(organisation, "privacy.exported", "", actor=actor, kind=kind)
