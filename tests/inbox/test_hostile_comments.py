"""A hostile comment cannot stall the inbox: overlong "words" are cut before the word
patterns run (their work per position stays bounded; speed is measured in bench/triage)."""

from __future__ import annotations

from carecast.compliance.patterns import LONGEST_WORD, bounded_words
from carecast.inbox.triage import rule_triage, triage
from carecast.live import guard


def test_it_cuts_only_runs_longer_than_any_word():
    assert bounded_words("1" * 10_000) == "1" * LONGEST_WORD
    text = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen 112"
    assert bounded_words(text) == text


def test_a_digit_flood_reads_like_a_short_one():
    assert rule_triage("1" * 10_000).labels == rule_triage("1" * LONGEST_WORD).labels
    assert guard.assess("1" * 20_000) == guard.assess("1" * LONGEST_WORD) == []


def test_words_after_the_flood_still_count():
    text = "Mein Vater hat " + "1" * 9_000 + " plötzlich Brustschmerzen und keine Luft!"
    assert "emergency" in triage(text).labels
    assert guard.assess(text) == ["emergency"]


def test_what_hides_beyond_the_longest_word_is_not_scanned():
    """The cut is what keeps the work bounded: a stem glued behind 70 letters is not a word."""
    assert rule_triage("x" * 70 + "brustschmerzen").labels == []
    assert "emergency" in rule_triage("x" * 40 + "brustschmerzen").labels
