"""The guard for questions: emergencies and disclosed health data.

One boundary, ``assess(text) -> flags``: the rest of the app never asks anyone else.
It takes the inbox's triage (``carecast.inbox.triage``, the evaluated rules every
comment goes through) and adds a few patterns of its own that live questions showed
(lab values such as "HbA1c 8,1 %", dates of birth). It errs on the side of flagging:
a flagged question costs the moderator one edit, a missed emergency far more.
"""

from __future__ import annotations

import re

from carecast.compliance.patterns import bounded_words

EMERGENCY = "emergency"
MAX_CHARS = 20_000  # like inbox triage: longer than any network allows, cut not scanned
HEALTH_DATA = "health_data"

_EMERGENCY = re.compile(
    r"\b(notfall|notarzt|112\b|rettungswagen|krankenwagen|atemnot|bekomme? keine luft|"
    r"brustschmerz\w*|herzinfarkt|schlaganfall|bewusstlos|ohnmächtig|krampf(anfall)?|"
    r"stark(e|en)? blutung\w*|blutet stark|suizid\w*|selbstmord|umbringen|nicht mehr leben|"
    r"überdosis|vergiftung|sofort hilfe|emergency|can'?t breathe|chest pain|suicid\w*|"
    r"kill myself|overdose)",
    re.IGNORECASE,
)
# First-person (or close family) disclosures of conditions, findings, medication, values.
_HEALTH = re.compile(
    r"\b((ich|mein(e|em|en|er)?|meine (tochter|sohn|mutter|vater|frau|mann))\b[^.?!]{0,60}\b"
    r"(diagnose|befund|erkrank\w*|krebs|tumor|diabetes|hiv|depression\w*|schwanger\w*|"
    r"blutwert\w*|laborwert\w*|hba1c|medikament\w*|tablette\w*|insulin|operiert|"
    r"chemo\w*|metasta\w*|fehlgeburt)|"
    r"\d+([.,]\d+)?\s?(mg/dl|mmol|mg\b|%\s?hba1c|ml\b)|"
    r"(versicherten|patienten)(nummer|-nr|nr)|geb(oren|\.) am|\b\d{1,2}\.\d{1,2}\.(19|20)\d{2}\b|"
    r"\bi (have|was diagnosed|am pregnant)\b|my (diagnosis|test results|medication))",
    re.IGNORECASE,
)


def assess(text: str) -> list[str]:
    """Flags for ``text``: ``emergency`` and/or ``health_data``; empty when nothing was found."""
    text = bounded_words(text[:MAX_CHARS])
    found = set(_triage_labels(text))
    if _EMERGENCY.search(text):
        found.add(EMERGENCY)
    if _HEALTH.search(text):
        found.add(HEALTH_DATA)
    return [flag for flag in (EMERGENCY, HEALTH_DATA) if flag in found]


# A question about values or doses ("Mein HbA1c ist 9 %, muss ich sofort mehr Insulin
# spritzen?") reads urgent to the model but is a consultation question, not an emergency.
_DOSAGE = re.compile(
    r"\b(hba1c|blutzucker\w*|laborwert\w*|blutwert\w*|dosis|dosierung|einheiten|"
    r"mg/dl|mmol|\d+([.,]\d+)?\s?(mg|ml|%|ie)\b)",
    re.IGNORECASE,
)


def _triage_labels(text: str) -> list[str]:
    """Triage's labels, except health data only the model suspects.

    Questions to a doctor are about health by nature ("Wie läuft eine PDA ab?"); the
    model's health-data guess is too loose for them (precision ≈ 0.65 on other authors'
    comments, eval/README.md), so here only the rules' words count — plus _HEALTH below.
    The model's emergencies count (missing one costs far more than a flag) — except on a
    question about lab values or doses, where only the emergency words below decide.
    """
    from carecast.inbox.triage import triage

    result = triage(text)
    dosage = bool(_DOSAGE.search(text))
    return [
        label
        for label in result.labels
        if not (
            label in result.by_model and (label == HEALTH_DATA or (label == EMERGENCY and dosage))
        )
    ]
