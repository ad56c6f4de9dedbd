"""Replies in public: never confirm that someone is a patient, never give medical details.

Even the fact of a treatment is protected (§ 203 StGB) — also when the commenter said it
first. A reply may point to a private channel; it may not discuss care.

Word rules first (their words are the finding's span); where they find nothing, a small
model trained on other authors' replies (``reply_model.json``, ``make train-triage``)
may still flag the reply and names the words that weighed most.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from carecast.compliance.checks.base import Check, span_of
from carecast.compliance.draft import Draft, Finding
from carecast.compliance.medical_terms import CONDITION_STEMS
from carecast.compliance.patterns import normalise, terms
from carecast.lib.textmodel import TextModel, load

STGB_203 = "https://www.gesetze-im-internet.de/stgb/__203.html"

_YOUR = r"(?:ihr|ihre|ihrem|ihren|ihrer|ihres|deine?[mnrs]?|dein)"
CARE = (
    r"(?:aufenthalt|behandlung|befund|station|op\b|operation|entlassung|therapie|diagnose|"
    r"krankenakte|patientenakte|akte\b|zimmer|arzt|ärztin|aerztin|untersuchung|eingriff|"
    r"entbindung|geburt bei uns|narkose|reha|chemo|bestrahlung|laborwerte|werte\b|röntgenbild|"
    r"operateur|hebamme|pflegeteam|entlass\w*brief|termin\b|genesung|aufnahme\b)"
)
CONFIRMATION = terms(
    [
        rf"{_YOUR} (?:[\w-]+ ){{0,2}}(?:\w+-)?{CARE}",
        rf"(?:ihnen|dir) (?:der|die|das|ihr|ihre) (?:\w+ )?{CARE}",
        r"w(?:ä|ae)hrend (?:ihres|deines) (?:\w+ )?aufenthalt",
        r"bei uns (?:\w+ ){0,2}(?:behandelt|operiert|aufgenommen|entbunden|versorgt|stationär|in behandlung|gelegen)",
        r"(?:sie|du) (?:waren|warst|lagen|lagst) (?:\w+ ){0,2}(?:bei uns|auf (?:der )?station|im klinikum|in unserer klinik)",
        r"wie (?:\w+ ){0,3}besprochen",
        r"(?:ihr|ihre|dein|deine) (?:behandelnde[rn]? )?(?:arzt|ärztin|aerztin) dr\.?",
        r"dr\. \w+ (?:hat|wird) (?:ihnen|sie|dir|dich)",
        r"your (?:\w+ ){0,2}(?:stay|treatment|results?|surgery|operation|doctor|ward|discharge|diagnosis|scan|biopsy|procedure|records?|therapy|chemo)\b",
        r"during your (?:\w+ )?(?:stay|visit|admission)",
        r"as (?:we )?discussed",
        r"auf unsere[rm]? (?:\w+ )?(?:\w*station|geriatrie|intensiv\w*|neo\w*|\w*klinik|kreißsaal)",
        r"(?:glückwunsch|gratulation|congratulations) (?:\w+ )?(?:zur|zum|on) (?:\w+ )?(?:geburt|nachwuchs|baby|entlassung|birth)",
        r"when you were (?:here|with us|admitted|in)",
        r"(?:we|our team) (?:treated|operated on|admitted|discharged) you",
        # A ward or room by number, a stay in someone's care, a birth or operation "here".
        r"(?:auf|von|in) (?:der )?station \d+\w?",
        r"(?:zimmer|room|ward) \d+\w?",
        r"(?:liegt|liegen|lag|lagen) (?:\w+ ){0,3}(?:bei uns|auf (?:der|unserer) \w*station|im klinikum)",
        r"bei uns (?:\w+ ){0,3}(?:in (?:den )?(?:besten|guten) händen|gut aufgehoben|wohlgefühlt|zur welt gekommen|geboren)",
        r"(?:die|ihre|deine|eure|ihrer|der) (?:op|operation|geburt|entbindung|behandlung|eingriff) (?:\w+ ){0,2}(?:gut |erfolgreich |problemlos )?(?:verlaufen|geklappt|überstanden)",
        r"(?:wir haben|habe|haben wir) (?:\w+ ){0,3}(?:akte|unterlagen|befund\w*|krankenakte) (?:\w+ ){0,2}(?:geprüft|angesehen|nachgesehen|eingesehen)",
        r"(?:we(?:'ve| have)|i(?:'ve| have)) (?:\w+ ){0,2}(?:checked|looked at|reviewed|pulled up) (?:\w+ ){0,2}(?:file|records?|chart|notes)",
        r"your (?:\w+ ){0,2}(?:recovery|appointment|admission|file|chart|nurse|midwife|surgeon|room|visit)\b",
        r"(?:at|in) our (?:\w+ ){0,2}(?:clinic|hospital|ward|unit|icu)\b (?:\w+ ){0,3}(?:goes|went|is going|recovery)",
        r"our (?:\w+ ){0,2}(?:team|unit|ward|nurses|doctors|staff) (?:is|are|were) (?:\w+ )?(?:taking (?:good )?care of|looking after|treating|caring for) (?:him|her|them|you|your)",
    ]
)
# A reply that declines to say anything about care names care without confirming it.
REFUSAL = terms(
    [
        r"keine auskunft",
        r"keine angaben",
        r"nicht (?:\w+ ){0,2}(?:bestätigen|sagen|mitteilen|äußern|preisgeben)",
        r"weder bestätigen",
        r"(?:cannot|can't|can not|unable to|not able to|neither) (?:\w+ ){0,2}(?:confirm|say|share|disclose)",
    ]
)

DOSAGE = terms(
    [
        r"\d+(?:[.,]\d+)? ?(?:mg|milligramm|µg|mcg|ml\b|i\.?e\.?\b|einheiten|units?\b|tabletten?|tropfen|hübe|puffs?\b)",
        r"(?:eine?|zwei|drei|1|2|3) (?:tablette|kapsel|tablet|capsule|pill)",
        r"(?:nehmen|nimm|take|stop taking|absetzen|erhöhen|reduzieren|increase|reduce) (?:\w+ ){0,3}(?:ibuprofen|paracetamol|aspirin|ass\b|metformin|insulin|cortison|kortison|antibiotik|antibiotic|novalgin|metamizol|thyroxin|ramipril|bisoprolol|pantoprazol|marcumar|dosis|dose|medikament|medication|tabletten)",
        r"(?:dosis|dosierung|dosage|dose) (?:von |of )?(?:\w+ ){0,2}\d",
    ]
)
DIAGNOSIS = terms(
    [
        r"(?:das|es|this|that) (?:klingt|hört sich|sieht|sounds|looks) (?:ganz |stark |very much |a lot )?(?:nach|an wie|like) (?:einer?m?r? |an? )?\w*(?:entzündung|infektion|infarkt|bruch|fraktur|krebs|tumor|migräne|allergie|diabetes|depression|itis|vorfall|syndrom|verletzung|zerrung|prellung|infekt|grippe|virus|rose|stein|infection|fracture|cancer|tumou?r|stroke|allergy|migraine)",
        r"(?:sie|du) (?:haben|hast|leiden|leidest) (?:\w+ ){0,2}(?:an |unter )?(?:einer? |einen )?\w*(?:entzündung|infektion|infarkt|krebs|tumor|diabetes|depression|itis|fraktur|bruch)",
        r"(?:ihr|ihre|ihrem|ihren|ihrer|dein|deine) (?:\w+ ){0,1}\w*(?:krebs|tumor|diabetes|depression|entzündung|infektion|fraktur|erkrankung)",
        r"you (?:have|probably have|likely have|suffer from) (?:an? )?\w*(?:infection|cancer|tumou?r|diabetes|depression|fracture|itis|disease)",
        r"es handelt sich (?:wahrscheinlich |vermutlich |wohl )?um (?:eine?n? )?\w+",
        r"(?:vermutlich|wahrscheinlich|wohl|probably|likely) (?:ist es|handelt es sich um|haben sie|it'?s) (?:eine?n? |an? )?\w+",
        r"nehmen sie (?:\w+ ){0,3}(?:\w*fiebersenk|schmerzmittel|tablette|medikament)",
        r"(?:das|es) (?:könnte|kann|dürfte|müsste) (?:\w+ ){0,2}(?:eine?n?|ein) \w+ sein",
        r"(?:that|it|this) (?:could|might|may) be (?:an? )?\w+ (?:infection|fracture|allergy|reaction)",
        r"(?:diagnose|diagnosis)(?: lautet| ist| is)",
        r"(?:ihre|deine|your) (?:\w+)?(?:werte|befunde?|ergebnisse?|results?) (?:sind|sehen|waren|zeigen|are|look|show)",
    ]
)


LAB_VALUE = terms(
    [
        r"(?:hba1c|blutzucker|blutdruck|cholesterin|psa\b|tsh\b|crp\b|ldl\b|hdl\b|blood sugar|blood pressure|"
        r"glucose|zuckerwert|inr\b|quick-?wert)\w* (?:\w+ ){0,2}(?:von |bei |of |at |: ?)?\d",
        r"(?:kann|können|könnte|could|may|might) (?:\w+ ){0,2}auf (?:eine?n? )?[\w-]+ (?:hindeuten|hinweisen)",
        r"(?:deuten|deutet|weisen|weist) (?:\w+ ){0,2}auf (?:eine?n? )?[\w-]+ hin",
        r"(?:tippe|tippen|vermute|vermuten|tip|guess) (?:\w+ ){0,2}(?:auf|on) (?:eine?n? |an? )?[\w-]+",
        r"(?:bei|with) (?:ihren|deinen|your|seinen|ihren) (?:symptomen|beschwerden|symptoms|schmerzen|pain)",
        r"nach (?:ihrer|deiner|your|seiner|ihrer) (?:\w+ )?(?:op|operation|chemo\w*|bestrahlung|surgery|geburt|entbindung|transplantation)\b",
    ]
)
# "Ihrem Typ-2-Diabetes", "your dad's stroke": someone's condition, not a topic.
_POSSESSIVE = terms([r"ihr(?:e|em|en|er|es)?\b", r"dein\w*", r"eure?\w*", r"your\b", r"ur\b"])
_CONDITION = terms(CONDITION_STEMS)
_TOPIC = re.compile(
    r"vorsorge|früherkennung|screening|prävention|praevention|tag\b|monat|awareness", re.I
)


def _their_condition(text: str) -> re.Match[str] | None:
    """A condition named within three words after a possessive ("Ihre Tochter hat Diabetes")."""
    for owner in _POSSESSIVE.finditer(text):
        window = text[owner.end() : owner.end() + 60]
        window = " ".join(window.split()[:4])
        condition = _CONDITION.search(window)
        if condition and not _TOPIC.search(_word_at(window, condition)):
            return _CONDITION.search(text, owner.end())
    return None


def _word_at(text: str, match: re.Match[str]) -> str:
    start, end = match.start(), match.end()
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "-"):
        end += 1
    return text[start:end]


def _sentence(text: str, match: re.Match[str]) -> str:
    start = max(text.rfind(c, 0, match.start()) for c in ".!?\n") + 1
    ends = [i for c in ".!?\n" if (i := text.find(c, match.end())) != -1]
    return text[start : min(ends) if ends else len(text)]


# Naming a medicine in a public reply is already advice (legal.md: medication → block).
MEDICATION = terms(
    [
        r"ibuprofen",
        r"paracetamol",
        r"aspirin",
        r"ass\b",
        r"metformin",
        r"insulin",
        r"cortison",
        r"kortison",
        r"antibiotik",
        r"antibiotic",
        r"novalgin",
        r"metamizol",
        r"thyroxin",
        r"ramipril",
        r"bisoprolol",
        r"pantoprazol",
        r"marcumar",
        r"blutverdünner",
        r"cortisone",
        r"~tabletten\b",
        r"~tropfen\b",
        r"~spritze\b",
    ]
)


def _confirmation(text: str) -> re.Match[str] | None:
    return next(
        (m for m in CONFIRMATION.finditer(text) if not REFUSAL.search(_sentence(text, m))),
        None,
    )


def _health_detail(text: str) -> re.Match[str] | None:
    return (
        DOSAGE.search(text)
        or DIAGNOSIS.search(text)
        or MEDICATION.search(text)
        or LAB_VALUE.search(text)
        or _their_condition(text)
    )


RULES = {
    "privacy.patient_confirmation": _confirmation,
    "privacy.health_data": _health_detail,
}
REPLY_MODEL_PATH = Path(__file__).resolve().parents[1] / "reply_model.json"


# A reply that only points to the emergency numbers gives no medical advice, even when it
# names the sign it is about ("Bei Brustschmerzen bitte sofort 112 anrufen"); the model may
# not call it health data unless it speaks about the person ("Ihre", "your").
_REFERRAL = terms(
    [
        r"112\b",
        r"116 ?117",
        r"telefonseelsorge",
        r"0800 ?111 ?0 ?(?:111|222)",
        r"notruf",
        r"notaufnahme",
        r"emergency (?:number|services|room)",
        r"call 999",
        r"911\b",
    ]
)


def ruled_out_ids(text: str) -> list[str]:
    """Reply checks the model may not add to this text (eval/train.py mirrors this)."""
    text = normalise(text)
    if _REFERRAL.search(text) and not _POSSESSIVE.search(text):
        return ["privacy.health_data"]
    return []


def rule_ids(text: str) -> list[str]:
    """The reply checks whose word rules fire (eval/train.py compares against this)."""
    text = normalise(text)
    return [check_id for check_id, rule in RULES.items() if rule(text)]


@cache
def reply_model() -> TextModel | None:
    return load(REPLY_MODEL_PATH)


def _second_opinion(check_id: str, text: str) -> list[str]:
    """The words that made the reply model flag ``check_id`` where the rules did not."""
    model = reply_model()
    if model is None:
        return []
    added, _vetoed = model.judge(
        text, ruled=[i for i in RULES if i != check_id], ruled_out=ruled_out_ids(text)
    )
    return next((o.words for o in added if o.label == check_id), [])


def _span_of_word(text: str, word: str) -> tuple[int, int] | None:
    at = text.lower().find(word.lower())
    return (at, at + len(word)) if at >= 0 else None


class PatientConfirmation(Check):
    id = "privacy.patient_confirmation"
    severity = "block"
    rule_url = STGB_203
    applies_to = frozenset({"reply"})

    def run(self, draft: Draft) -> list[Finding]:
        text = normalise(draft.text)
        match = _confirmation(text)
        if match:
            return [self.finding(self._message(match.group(0)), span_of(match))]
        words = _second_opinion(self.id, text)
        if not words:
            return []
        return [self.finding(self._message(", ".join(words)), _span_of_word(text, words[0]))]

    def _message(self, words: str) -> str:
        return _(
            "“%(words)s” confirms that the person is or was a patient. Neither confirm "
            "nor deny care in public: invite them to a private channel instead."
        ) % {"words": words}


class HealthData(Check):
    id = "privacy.health_data"
    severity = "block"
    rule_url = STGB_203
    applies_to = frozenset({"reply"})

    def run(self, draft: Draft) -> list[Finding]:
        text = normalise(draft.text)
        match = _health_detail(text)
        if match:
            return [self.finding(self._message(match.group(0)), span_of(match))]
        words = _second_opinion(self.id, text)
        if not words:
            return []
        return [self.finding(self._message(", ".join(words)), _span_of_word(text, words[0]))]

    def _message(self, words: str) -> str:
        return _(
            "“%(words)s” speaks about someone's health or care (condition, treatment, "
            "medication, stay). No health details in public: point to a doctor, 116 117 or "
            "112, or a private channel."
        ) % {"words": words}
