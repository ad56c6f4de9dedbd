"""Which of the UI languages a short comment is written in, for the reply it gets.

A comment is a line or two, often without capitals or punctuation, so a model of letter
frequencies guesses badly; the small words every sentence needs ("ich", "the", "ist",
"is") decide instead, with umlauts and ß as a German tie-breaker. Anything unclear is
German, the hospital's own language.
"""

from __future__ import annotations

import re

_GERMAN = """
    ich du er sie es wir ihr mich mir dich dir uns euch sich mein meine meinen meinem meiner
    dein deine sein seine ihre unser unsere euer eure der die das den dem des ein eine einen
    einem einer und oder aber nicht kein keine ist sind bin bist war waren hat habe hast haben
    hatte wird werden wurde kann können kann muss müssen soll sollen will wollen darf mit von
    bei nach aus auf für über unter zum zur im am vom ins ans beim wie was wer wo wann warum
    weil dass wenn ob auch noch schon nur sehr jetzt heute gestern morgen hier da dort gibt
    mal doch ja nein bitte danke seit immer wieder einfach alle alles man so
"""
_ENGLISH = """
    i you he she it we they me him her us them my your his its our their the a an and or but
    not no is are am was were be been being has have had do does did will would can could
    should must may might with of from at on for about to into by as than that this these
    those what who where when why how if because there here just also very now today please
    thanks thank get got any some all been my i'm it's don't can't
"""
GERMAN = frozenset(_GERMAN.split())
ENGLISH = frozenset(_ENGLISH.split())
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def guess_language(text: str, default: str = "de") -> str:
    """ "en" when the comment reads as English, otherwise ``default``."""
    words = [w.lower() for w in WORD.findall(text[:2000])]
    german = sum(w in GERMAN for w in words)
    english = sum(w in ENGLISH for w in words)
    if re.search(r"[äöüß]", text[:2000], re.IGNORECASE):
        german += 1
    if english > german:
        return "en"
    if german > english:
        return "de"
    return default
