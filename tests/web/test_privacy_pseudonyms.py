"""Erased words leave the audit and admin logs for a pseudonym: whole words only, and also
where a JSON column keeps them escaped (SQLite stores "ü" as \\u00fc)."""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, LogEntry

from carecast.core import audit
from carecast.core.models import AuditLog
from carecast.privacy import pseudonyms

NAME = "Jürgen Müller-Lüdenscheidt"


def test_it_replaces_a_name_in_subject_and_detail(org, anna):
    entry = audit.record(org, "consent.recorded", NAME, actor=anna.user, names=[NAME, "Team"])
    changed = pseudonyms.scrub_audit(org, [NAME], "person-abc123")
    entry.refresh_from_db()
    assert changed == 1
    assert entry.subject == "person-abc123"
    assert entry.detail["names"] == ["person-abc123", "Team"]
    assert not AuditLog.objects.filter(pseudonyms.contains("detail", "Müller")).exists()


def test_it_leaves_words_that_only_contain_an_erased_one(org, anna):
    kept = audit.record(org, "story.saved", "Leben retten mit Ben", actor=anna.user)
    pseudonyms.scrub_audit(org, ["ben"], "geloescht-1")
    kept.refresh_from_db()
    assert kept.subject == "Leben retten mit geloescht-1"


def test_it_ignores_words_too_short_to_be_a_name(org, anna):
    kept = audit.record(org, "story.saved", "Jo und Al", actor=anna.user)
    assert pseudonyms.scrub_audit(org, ["Jo", "Al", ""], "p") == 0
    kept.refresh_from_db()
    assert kept.subject == "Jo und Al"


def test_it_keeps_other_organisations_entries(org, anna):
    from carecast.core.models import Organisation

    other = Organisation.objects.create(name="Stadtklinik", slug="stadtklinik")
    theirs = audit.record(other, "consent.recorded", NAME)
    pseudonyms.scrub_audit(org, [NAME], "person-x")
    theirs.refresh_from_db()
    assert theirs.subject == NAME


def test_it_replaces_the_name_in_the_admin_log(org, anna):
    LogEntry.objects.create(
        user=anna.user, object_repr=NAME, action_flag=ADDITION, change_message="[]"
    )
    assert pseudonyms.scrub_audit(org, [NAME], "person-x") == 1
    assert LogEntry.objects.get().object_repr == "person-x"
