"""A small built-in guard for questions: emergencies and disclosed health data.

The inbox's triage (``carecast.inbox.triage``) will replace this; until then this
module is the one place that decides. The boundary is ``assess(text) -> set of flags``:
swap the body of ``assess`` and nothing else changes. It errs on the side of
flagging: a flagged question only costs the moderator one edit, a missed emergency
costs far more.
"""

from __future__ import annotations

import re

EMERGENCY = "emergency"
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
    flags = []
    if _EMERGENCY.search(text):
        flags.append(EMERGENCY)
    if _HEALTH.search(text):
        flags.append(HEALTH_DATA)
    return flags
