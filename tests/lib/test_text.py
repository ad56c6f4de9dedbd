"""clean_text: what a pasted Word document or a hostile network may send, made plain."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from carecast.lib.text import clean_text


def test_it_turns_words_line_breaks_into_newlines():
    assert clean_text("Neuer MRT\x0bin Betrieb\r\nab Montag\rim Haus C") == (
        "Neuer MRT\nin Betrieb\nab Montag\nim Haus C"
    )


def test_it_drops_controls_nuls_and_lone_surrogates_but_keeps_tabs_and_umlauts():
    assert clean_text("Grippe\x00welle\x1b[31m\x7f\x85\ud800 – Ärztin\t👩‍⚕️") == (
        "Grippewelle[31m\n – Ärztin\t👩‍⚕️"
    )


def test_empty_and_missing_become_empty():
    assert clean_text(None) == "" and clean_text("") == ""


@given(st.text())
def test_its_output_is_valid_xml_text_and_stable(value: str):
    cleaned = clean_text(value)
    assert clean_text(cleaned) == cleaned
    for char in cleaned:
        code = ord(char)
        assert (
            code in (0x9, 0xA)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or (code >= 0x10000)
        ), hex(code)
