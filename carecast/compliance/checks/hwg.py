"""Medical advertising law (Heilmittelwerbegesetz): what a hospital's post must not say."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

from carecast.compliance.checks.base import Check, span_of
from carecast.compliance.draft import Draft, Finding
from carecast.compliance.patterns import normalise, terms

HWG = "https://www.gesetze-im-internet.de/heilmwerbg/"

# Cosmetic procedures without medical need (§ 1 Abs. 1 Nr. 2c HWG). "Lippen" alone is not
# one: a cleft lip repair is reconstructive, so only filler-type lip work counts.
COSMETIC = terms(
    [
        r"lippen(?:unterspritz|aufspritz|aufbau|volumen|filler)",
        r"(?:volle|vollere|vollen|volleren) lippen",
        r"lip (?:filler|injection|flip)",
        r"~filler",
        r"~hyaluron",
        r"botox",
        r"botulinum",
        r"~faltenunterspritz",
        r"~faltenbehandlung",
        r"falten\b",
        r"faltenfrei",
        r"wrinkle",
        r"~fettabsaug",
        r"liposu[kc]tion",
        r"brustvergr(?:ö|oe)(?:ß|ss)er",
        r"brust-op\b",
        r"brustimplantat",
        r"breast (?:augmentation|implant|enlargement)",
        r"nasenkorrektur",
        r"nasen-op\b",
        r"rhinoplast",
        r"nose job",
        r"~lifting",
        r"facelift",
        r"lidstraff",
        r"~bauchdeckenstraff",
        r"tummy tuck",
        r"sch(?:ö|oe)nheits-?op",
        r"sch(?:ö|oe)nheitsoperation",
        r"(?:ä|ae)sthetische(?:n|r)? (?:chirurgie|behandlung|medizin|eingriff)",
        r"aesthetic (?:surgery|treatment|medicine)",
        r"cosmetic (?:surgery|procedure|treatment)",
        r"tr(?:ä|ae)nenrinne",
    ]
)

BEFORE_AFTER = terms(
    [
        r"vorher\W{0,4}(?:und\W{1,3}|&\W{0,2}|/\W{0,2}|vs\.?\W{1,3})?nachher",
        r"before\W{0,4}(?:and\W{1,3}|&\W{0,2}|/\W{0,2}|vs\.?\W{1,3})?after",
        r"vorher\W{1,4}(?:\w+\W{1,3}){0,2}nachher",
        r"before\W{1,4}(?:\w+\W{1,3}){0,2}after",
        r"so sah (?:es|sie|er|das) vorher aus",
        r"vor (?:und|&|/) nach (?:der|dem|einer|einem) ",
        r"(?:links|oben) vor\w*,? (?:\w+ ){0,2}(?:rechts|unten) nach",
        r"vor\W{1,3}(?:\w+\W{1,3}){0,3}nach (?:der|dem) (?:behandlung|eingriff|op\b|operation|unterspritzung)",
    ]
)
BEFORE_AFTER_TAGS = {"beforeafter", "vorhernachher", "beforeandafter", "vorherundnachher"}

YOUTH = terms(
    [
        r"sch(?:ü|ue)ler",
        r"abiball",
        r"abi\b",
        r"abitur",
        r"abschlussball",
        r"konfirmation",
        r"jugendweihe",
        r"ab (?:14|15|16|17) (?:jahren|j\.)\b",
        r"ab (?:14|15|16|17)\b",
        r"unter (?:18|19|20|21)\b",
        r"schulabschluss",
        r"abschlussklasse",
        r"abschlussfahrt",
        r"u18\b",
        r"teen",
        r"jugendliche",
        r"f(?:ü|ue)r junge m(?:ä|ae)dchen",
        r"prom\b",
        r"high school",
        r"from (?:14|15|16|17)\b",
    ]
)

PROMISE = terms(
    [
        r"garantie?r",
        r"garantie\b",
        r"(?:100|hundert) ?(?:%|prozent)(?= ?(?:\w+ ){0,2}(?:erfolg|sicher|wirksam|zufrieden|schmerzfrei|ergebnis|heil|garantiert))",
        r"(?:erfolg|sicher|wirksam|safe|effective|success)\w* (?:zu )?(?:100|hundert) ?(?:%|prozent)",
        r"100 ?% (?:safe|effective|success|results)",
        r"sichere[nmrs]? erfolg",
        r"erfolg (?:ist )?(?:sicher|garantiert)",
        r"ohne (?:jedes |jegliches |jede |ein )?risiko",
        r"ohne (?:jede |jegliche )?nebenwirkung",
        r"nebenwirkungsfrei",
        r"~schmerzfrei",
        r"risikolos",
        r"schmerzlos",
        r"risikofrei",
        r"heilt\b(?! (?:ab|aus|gut|meist|in der regel)\b)",
        r"dauerhaft (?:geheilt|beschwerdefrei)",
        r"(?:völlig |ganz |sofort )?beschwerdefrei",
        r"(?:absolut|völlig|hundertprozentig|100 ?%) (?:sicher|risikofrei|schmerzfrei|wirksam)",
        r"versprochen\W",
        r"spüren (?:sie )?(?:garantiert )?nichts",
        r"ohne (?:jede )?schmerzen",
        r"guarantee",
        r"risk[- ]free",
        r"painless",
        r"pain[- ]free",
        r"no side[- ]effects",
        r"without (?:any )?(?:risk|side[- ]effects)",
        r"cures\b",
        r"zuverl(?:ä|ae)ssige[nmrs]? (?:ergebnis|erfolg|wirkung)",
    ]
)

# Prescription-only medicines that are advertised by name on social media (§ 10 HWG).
# Hospitals extend the list with the setting CARECAST_PRESCRIPTION_DRUGS.
PRESCRIPTION_DRUGS = [
    "botox",
    "bocouture",
    "azzalure",
    "dysport",
    "ozempic",
    "wegovy",
    "mounjaro",
    "saxenda",
    "semaglutid",
    "tirzepatid",
    "liraglutid",
    "isotretinoin",
    "roaccutan",
    "finasterid",
    "propecia",
    "sildenafil",
    "viagra",
    "tadalafil",
    "cialis",
    "xanax",
    "alprazolam",
    "tilidin",
    "oxycodon",
    "fentanyl",
    "ritalin",
    "methylphenidat",
    "lorazepam",
    "tavor",
    "diazepam",
    "valium",
    "zolpidem",
    "tramadol",
    "morphin",
    "minoxidil-tabletten",
    "duac",
    "mirena",
]
_drug_terms: re.Pattern[str] | None = None


def drug_terms() -> re.Pattern[str]:
    """Built on first use so that the setting can extend the list."""
    global _drug_terms
    extra = [str(d).lower() for d in getattr(settings, "CARECAST_PRESCRIPTION_DRUGS", ())]
    if _drug_terms is None or extra:
        _drug_terms = terms([re.escape(d) for d in PRESCRIPTION_DRUGS + extra])
    return _drug_terms


TESTIMONIAL = terms(
    [
        r"erfahrungsbericht",
        r"~erfahrungsbericht",
        r"patient(?:in|innen|en)? (?:berichte|erz(?:ä|ae)hl|teil|schilder|spricht|sprechen)",
        r"(?:berichte|erz(?:ä|ae)hl|schilder)\w* (?:uns )?(?:von |über )?(?:ihre[mnr]?|seine[mnr]?) (?:behandlung|op|operation|geschichte|erfahrung|genesung|heilung|weg)",
        r"patientenstimme",
        r"patient(?:in)? \w+ (?:\(\d+\) )?(?:erz(?:ä|ae)hl|berichte|schilder)",
        r"(?:fragen an|interview mit|zu gast:?) (?:unsere[nr]? )?(?:frau|herrn?|patient)",
        r"patient(?:in)? \w+ (?:\(\d+\) )?über (?:ihre|seine) (?:zeit|behandlung|erfahrung|op|operation|genesung|weg)",
        r"patientengeschichte",
        r"~patientenstimmen",
        r"meine (?:erfahrung|geschichte) (?:mit|bei|im|in)",
        r"in (?:ihren|seinen) eigenen worten",
        r"testimonial",
        r"patient (?:story|stories|testimon|shares|tells|describes)",
        r"(?:shares|tells|describes) (?:her|his|their) (?:story|experience|journey)",
        r"in (?:her|his|their) own words",
    ]
)

CONTEST = terms(
    [
        r"gewinnspiel",
        r"verlos",
        r"~verlosung",
        r"preisausschreiben",
        r"zu gewinnen",
        r"gewinnen sie",
        r"gewinne (?:eine?n?|einen|zwei|drei)\b",
        r"mitmachen und gewinnen",
        r"giveaway",
        r"give-away",
        r"raffle",
        r"sweepstake",
        r"win (?:a|an|one|free)\b",
        r"chance to win",
    ]
)
TREATMENT = terms(
    [
        r"~behandlung",
        r"therapie",
        r"~therapie",
        r"eingriff",
        r"op\b",
        r"operation",
        r"untersuchung",
        r"~untersuchung",
        r"check-?up",
        r"vorsorge",
        r"botox",
        r"~filler",
        r"~hyaluron",
        r"laser",
        r"zahnreinigung",
        r"bleaching",
        r"unterspritz",
        r"~lifting",
        r"treatment",
        r"procedure",
        r"surgery",
        r"(?:free|gratis|kostenlose?) (?:session|sitzung)",
    ]
)


class BeforeAfter(Check):
    """§ 11 Abs. 1 S. 3 Nr. 1 HWG: no before/after for cosmetic procedures."""

    id = "hwg.before_after"
    severity = "block"
    rule_url = HWG + "__11.html"

    def run(self, draft: Draft) -> list[Finding]:
        text = normalise(draft.text)
        wording = BEFORE_AFTER.search(text)
        tagged = any(_tag_key(t) in BEFORE_AFTER_TAGS for m in draft.media for t in m.tags)
        # The comparison first: most posts have none and the longer pattern is not run.
        if not (wording or tagged):
            return []
        if not (COSMETIC.search(text) or _tags_match(draft, COSMETIC)):
            return []
        return [
            self.finding(
                _(
                    "Before/after comparison of a cosmetic procedure: not allowed in advertising "
                    "to the public. Remove the comparison (text and images)."
                ),
                span_of(wording) or span_of(COSMETIC.search(text)),
            )
        ]


class MinorsCosmetic(Check):
    """§ 11 Abs. 1 S. 3 Nr. 2 HWG: no cosmetic-procedure advertising aimed at under-18s."""

    id = "hwg.minors_cosmetic"
    severity = "block"
    rule_url = HWG + "__11.html"

    def run(self, draft: Draft) -> list[Finding]:
        text = normalise(draft.text)
        youth = YOUTH.search(text)
        if not (youth and COSMETIC.search(text)):
            return []
        return [
            self.finding(
                _(
                    "Cosmetic procedure aimed at young people: advertising such procedures to "
                    "under-18s is not allowed. Remove the youth reference or the procedure."
                ),
                span_of(youth),
            )
        ]


class SuccessPromise(Check):
    """§ 3 HWG, § 27 MBO-Ä: no impression that success is certain or risk-free."""

    id = "hwg.success_promise"
    severity = "high"
    rule_url = HWG + "__3.html"

    def run(self, draft: Draft) -> list[Finding]:
        match = PROMISE.search(normalise(draft.text))
        if not match:
            return []
        return [
            self.finding(
                _(
                    "“%(words)s” promises success or safety. No treatment is certain or free of "
                    "risk: describe what is done and what patients can expect instead."
                )
                % {"words": match.group(0)},
                span_of(match),
            )
        ]


class PrescriptionDrug(Check):
    """§ 10 HWG: prescription-only medicines may not be advertised to the public."""

    id = "hwg.prescription_drug"
    severity = "high"
    rule_url = HWG + "__10.html"

    def run(self, draft: Draft) -> list[Finding]:
        match = drug_terms().search(normalise(draft.text))
        if not match:
            return []
        return [
            self.finding(
                _(
                    "“%(drug)s” is a prescription-only medicine: naming it to the public can count "
                    "as advertising. Name the treatment, not the product."
                )
                % {"drug": match.group(0)},
                span_of(match),
            )
        ]


class Testimonial(Check):
    """§ 11 Abs. 1 S. 1 HWG: case stories and testimonials that mislead or invite self-diagnosis."""

    id = "hwg.testimonial"
    severity = "medium"
    rule_url = HWG + "__11.html"

    def run(self, draft: Draft) -> list[Finding]:
        match = TESTIMONIAL.search(normalise(draft.text))
        if not match:
            return []
        return [
            self.finding(
                _(
                    "Patient testimonial: keep it factual, no promises, nothing that invites "
                    "self-diagnosis; check the consent of the person telling it."
                ),
                span_of(match),
            )
        ]


class Contest(Check):
    """§ 11 Abs. 1 S. 1 Nr. 13 HWG: contests that encourage a treatment."""

    id = "hwg.contest"
    severity = "medium"
    rule_url = HWG + "__11.html"

    def run(self, draft: Draft) -> list[Finding]:
        text = normalise(draft.text)
        contest = CONTEST.search(text)
        if not contest or not TREATMENT.search(text):
            return []
        return [
            self.finding(
                _(
                    "A contest tied to a treatment: prizes must not encourage medical "
                    "procedures. Offer a prize unrelated to treatment."
                ),
                span_of(contest),
            )
        ]


def _tag_key(tag: str) -> str:
    return "".join(ch for ch in tag.lower() if ch.isalnum())


def _tags_match(draft: Draft, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(tag) for m in draft.media for tag in m.tags)
