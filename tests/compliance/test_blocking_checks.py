"""The scheduler's guard runs only the checks that can block (``Check.can_block``): it must
find exactly the blocking findings that running every check finds."""

from __future__ import annotations

import inspect

import pytest

from carecast.compliance.checks import CHECKS
from carecast.compliance.draft import AccountInfo, Draft, Media, Music, PersonInMedia
from carecast.compliance.service import run_checks


def test_every_check_that_raises_a_finding_to_block_says_it_can_block():
    for check in CHECKS.values():
        source = inspect.getsource(type(check))
        if '"block"' in source:
            assert type(check).can_block(), check.id


def test_checks_that_cannot_block_are_left_out():
    assert not type(CHECKS["hwg.success_promise"]).can_block()
    assert not type(CHECKS["imprint.missing"]).can_block()
    assert type(CHECKS["hwg.before_after"]).can_block()
    assert type(CHECKS["music.unlicensed"]).can_block()


DRAFTS = [
    Draft(text="Vorher/Nachher: Lippenunterspritzung mit Hyaluron. Garantiert schmerzfrei!"),
    Draft(text="Für Schüler ab 16: Botox zum Abiball. Ohne Risiko."),
    Draft(text="Vorher und nachher: unsere neue Cafeteria."),
    Draft(text="Titel <neu> für YouTube", networks=["youtube"]),
    Draft(
        text="Unser Team tanzt",
        networks=["tiktok"],
        media=[Media(kind="video", alt_text="Tanz", music=Music("Hit", "none"))],
    ),
    Draft(
        text="Frau M. nach ihrer Operation",
        media=[Media(alt_text="Foto", people=[PersonInMedia("Frau M.", "withdrawn", True)])],
    ),
    Draft(text="Blutspende im Foyer", account=AccountInfo(imprint_url=None)),
]


@pytest.mark.parametrize("draft", DRAFTS)
def test_the_blocking_checks_find_every_blocking_finding(draft):
    every = [f for f in run_checks(draft) if f.blocks]
    blocking = [i for i, c in CHECKS.items() if type(c).can_block()]
    assert [f for f in run_checks(draft, only=blocking) if f.blocks] == every


def test_the_drafts_above_include_blocked_and_unblocked_posts():
    blocked = [d.text for d in DRAFTS if any(f.blocks for f in run_checks(d))]
    assert 4 <= len(blocked) < len(DRAFTS), blocked
