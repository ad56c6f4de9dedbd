"""Triage of incoming comments: which labels, and the words that triggered each.

Labels: emergency, health_data, complaint, question, praise, abuse, spam (several may
apply). German first, English too. Patterns are stems so that compounds and
inflections match ("Brustschmerzen", "kollabierte", "Erfahrungsberichten"); they are
compiled once at import, because triage runs on every comment of every channel.

Rules, not a model: a moderator must see why a label was given, and a miss on an
emergency must be explainable. The evaluation set (``make eval``) measures them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from carecast.compliance.patterns import normalise, terms, words

LABELS = ("emergency", "health_data", "complaint", "question", "praise", "abuse", "spam")
MAX_CHARS = 20_000  # a comment longer than any network allows is cut, not scanned forever

# --- emergency ---------------------------------------------------------------------------
# Life-threatening (→ 112): chest pain, breathing, stroke signs, unconsciousness, bleeding,
# seizures, collapse, overdose.
LIFE = terms(
    [
        r"~brustschmerz",
        r"schmerz\w* in der brust",
        r"(?:druck|enge|stechen)\w* (?:auf|in) der brust",
        r"~herzinfarkt",
        r"keine luft",
        r"kaum (?:noch )?luft",
        r"~atemnot",
        r"kann (?:nicht|kaum) (?:mehr |richtig )?atmen",
        r"ersticke",
        r"bewusstlos",
        r"nicht (?:mehr )?ansprechbar",
        r"reagiert nicht mehr",
        r"ohnmächtig",
        r"~schlaganfall",
        r"gelähmt",
        r"~lähmung",
        r"hängt (?:ihm|ihr|mir)? ?(?:der )?mundwinkel",
        r"mundwinkel h(?:ä|ae)ngt",
        r"kann (?:nicht|kaum) (?:mehr )?(?:sprechen|reden)",
        r"lallt",
        r"blutet (?:sehr |ganz )?stark",
        r"starke[nr]? blutung",
        r"h(?:ö|oe)rt nicht auf zu bluten",
        r"~krampfanfall",
        r"krampft",
        r"epileptische[nr]? anfall",
        r"kollabiert",
        r"zusammengebrochen",
        r"umgekippt",
        r"~überdosis",
        r"zu viele tabletten",
        r"vergiftet",
        r"~vergiftung",
        r"anaphyla",
        r"zunge schwillt",
        r"(?:rachen|hals) schwillt zu",
        r"wehen alle (?:\d|zwei|drei) minuten",
        r"fruchtblase (?:ist )?geplatzt",
        r"(?:lippen|lips) (?:sind |werden |are |turning )?(?:ganz )?(?:blau|bläulich|blue)",
        r"blaue lippen",
        r"atmet (?:ganz |sehr )?(?:schnell|komisch|schwer|flach)",
        r"(?:putzmittel|reiniger|lampenöl|spülmaschinentab|knopfzelle|batterie|medikamente|tabletten)\w* (?:\w+ ){0,3}(?:getrunken|geschluckt|gegessen|verschluckt)",
        r"kann (?:seinen|ihren|meinen|den|die) (?:arm|bein|hand)e? nicht (?:mehr )?bewegen",
        r"(?:plötzlich\w* )?(?:stärkste|heftigste|extreme) kopfschmerzen",
        r"kann nicht (?:mehr )?aufstehen",
        r"(?:spüre|merke) (?:das|mein|unser) baby (?:\w+ ){0,3}nicht",
        r"chest pains?",
        r"pain in (?:my|his|her) chest",
        r"heart attack",
        r"can'?t breathe",
        r"cannot breathe",
        r"struggling to breathe",
        r"short(?:ness)? of breath",
        r"unconscious",
        r"unresponsive",
        r"passed out",
        r"stroke\b",
        r"face (?:is )?drooping",
        r"slurred speech",
        r"paraly[sz]ed",
        r"bleeding (?:heavily|badly|a lot)",
        r"heavy bleeding",
        r"won'?t stop bleeding",
        r"seizure",
        r"collapsed",
        r"overdos",
        r"poisoned",
        r"throat (?:is )?closing",
    ]
)
# Suicidal thoughts (→ 112 if acute, TelefonSeelsorge).
SUICIDE = terms(
    [
        r"(?:will|möchte|mag|wollte) (?:einfach )?(?:nicht mehr leben|sterben|nicht mehr da sein)",
        r"(?:mich|mir|sich) (?:selbst )?(?:umbringen|das leben (?:zu )?nehmen|was antun|etwas antun)",
        r"(?:will|möchte) (?:ich|sie|er) (?:\w+ ){0,3}(?:sterben|nicht mehr leben)",
        r"nur noch sterben",
        r"bring(?:e)? mich um",
        r"suizid(?!prävention|praevention)",
        r"selbstmord",
        r"lebensmüde",
        r"alles beenden",
        r"keinen sinn mehr (?:zu leben|im leben)",
        r"kill(?:ing)? myself",
        r"suicid",
        r"end(?:ing)? (?:my|it) (?:life|all)",
        r"(?:don'?t|do not) want to (?:live|be here)",
        r"want to die",
        r"no reason to live",
    ]
)
# Urgent but not life-threatening (→ 116 117).
URGENT = terms(
    [
        r"hohe[sm]? fieber",
        r"fieber (?:von |über |ueber )?(?:39|40|41)",
        r"(?:39|40|41)[,.]?\d? ?(?:°|grad) ?c?\w* fieber",
        r"(?:39|40|41)(?:[,.]\d)? ?(?:°c?|grad)",
        r"(?:39|40|41)(?:[,.]\d)? ?(?:°c?|grad)? ?fieber",
        r"(?:praxis|hausarzt|kinderarzt)\w* (?:\w+ ){0,3}(?:zu|geschlossen|nicht erreichbar)",
        r"~bereitschaftsdienst",
        r"(?:ärztliche[nr]?|aerztliche[nr]?) notdienst",
        r"notdienst",
        r"high (?:fever|temperature)",
        r"fever of (?:39|40|10[2-5])",
        r"out[- ]of[- ]hours",
        r"(?:gp|surgery|doctor'?s?(?: office)?) (?:is )?closed",
    ]
)
# Talk about an emergency that is over, or about emergencies in general, is not one.
NOT_NOW = terms(
    [
        r"letzte[nms]? (?:jahr|woche|monat|winter|sommer)",
        r"vor (?:\d+|ein(?:em|igen|paar)?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|vielen) (?:jahr|woche|monat|tag)",
        r"wenn (?:jemand|man)\b",
        r"if (?:someone|somebody|a person)\b",
        r"damals",
        r"(?:hatte|hatten) (?:\w+ ){0,2}(?:einen|eine) ",
        r"wurde (?:\w+ ){0,4}(?:gerettet|versorgt|behandelt|operiert)",
        r"anzeichen",
        r"symptome (?:eines|einer|von|bei)",
        r"(?:wie|woran) erkenn",
        r"erste[- ]hilfe",
        r"infoabend",
        r"vortrag",
        r"aktionstag",
        r"welt\w*tag",
        r"last (?:year|week|month)",
        r"(?:years?|months?|weeks?) ago",
        r"signs of",
        r"symptoms of",
        r"how (?:to|do you) (?:recogni[sz]e|spot)",
        r"saved (?:my|his|her)",
    ]
)
NOW = terms(
    [
        r"gerade",
        r"jetzt gerade",
        r"grad\b",
        r"sofort",
        r"seit (?:einer|zwei|drei|\d+) (?:stunde|minute)",
        r"vor (?:einer|\d+|zehn|zwanzig) (?:stunde|minute)",
        r"heute nacht",
        r"(?<![-\w] )(?<!erste )hilfe\s*!",
        r"bitte hilfe",
        r"(?:an|one|\d+) hours? ago",
        r"minutes ago",
        r"just started",
        r"right now",
        r"now\b",
        r"at the moment",
        r"help\s*!",
        r"please help",
        r"tonight",
    ]
)

# --- health data -------------------------------------------------------------------------
CONDITION = terms(
    [
        r"~krebs",
        r"tumor",
        r"~tumor",
        r"karzinom",
        r"metastase",
        r"diabet",
        r"~diabetes",
        r"zucker\b",
        r"depression",
        r"depressiv",
        r"angststörung",
        r"panikattacke",
        r"burn-?out",
        r"hiv\b",
        r"hepatitis",
        r"multiple sklerose",
        r"ms\b",
        r"epilep",
        r"~krampfanfall",
        r"~entzündung",
        r"(?:hip|knee) (?:replacement|surgery)",
        r"~schlaganfall",
        r"~herzinfarkt",
        r"chemo",
        r"bestrahlung",
        r"dialyse",
        r"fehlgeburt",
        r"schwanger",
        r"endometriose",
        r"adhs",
        r"autis",
        r"demenz",
        r"alzheimer",
        r"parkinson",
        r"asthma",
        r"bandscheibe",
        r"~operation",
        r"~-op\b",
        r"(?:meine[rm]?|seine[rm]?|ihre[rm]?|der|nach der) op\b",
        r"operiert",
        r"psychiatrie",
        r"therapie",
        r"~therapie",
        r"entzug",
        r"sucht",
        r"diagnose",
        r"befund",
        r"biopsie",
        r"kaiserschnitt",
        r"frühchen",
        r"intensivstation",
        r"station \d",
        r"stationär",
        r"lag (?:\w+ ){0,3}(?:bei euch|bei ihnen|im klinikum|auf station|auf der)",
        r"liege (?:\w+ ){0,3}(?:bei euch|bei ihnen|im klinikum|auf station|auf der)",
        r"liegt (?:\w+ ){0,3}(?:bei euch|bei ihnen|im klinikum|auf station|auf der)",
        r"entbunden",
        r"cancer",
        r"tumou?r",
        r"diabetic",
        r"chemotherapy",
        r"radiotherapy",
        r"miscarriage",
        r"pregnant",
        r"surgery",
        r"operation",
        r"diagnosed",
        r"diagnosis",
        r"biopsy",
        r"anxiety disorder",
        r"bipolar",
        r"schizophren",
        r"hiv\b",
        r"icu\b",
        r"intensive care",
        r"rehab\b",
        r"stroke\b",
        r"heart attack",
        r"c-section",
        r"ward \d",
    ]
)
# The writer or someone close: health data about a person, not a topic.
PERSONAL = terms(
    [
        r"ich\b",
        r"habe\b",
        r"bin\b",
        r"mein",
        r"mir\b",
        r"mich\b",
        r"unser",
        r"frau \w+",
        r"herr \w+",
        r"i\b",
        r"i'm",
        r"i've",
        r"i was",
        r"my\b",
        r"me\b",
        r"our\b",
        r"mrs?\.? \w+",
    ]
)

# --- complaint, question, praise, abuse, spam --------------------------------------------
COMPLAINT = terms(
    [
        r"beschwer",
        r"~beschwerde",
        r"unverschämt",
        r"unzumutbar",
        r"katastroph",
        r"~katastrophe",
        r"enttäusch",
        r"(?:\d+|zwei|drei|vier|fünf|sechs|sieben|acht|stunden|ewig)\w* (?:\w+ ){0,3}gewartet",
        r"(?:stunden|ewig)\w* (?:lang )?(?:warten|wartezeit)",
        r"~wartezeit",
        r"nicht zurückgerufen",
        r"(?:niemand|keiner) (?:\w+ ){0,2}(?:geht ran|meldet sich|ruft zurück|hilft|kümmert)",
        r"keine antwort",
        r"unfreundlich",
        r"respektlos",
        r"herablassend",
        r"schlecht (?:behandelt|versorgt|organisiert)",
        r"schlechte[nr]? (?:service|behandlung|organisation|essen|erfahrung)",
        r"skandal",
        r"nie wieder",
        r"ärgerlich",
        r"frechheit",
        r"zumutung",
        r"chaos",
        r"chaotisch",
        r"dreckig",
        r"verschmutzt",
        r"schmutzig",
        r"abgewimmelt",
        r"ignoriert",
        r"versprochen (?:\w+ ){0,3}(?:aber|und nichts)",
        r"parkgebühren",
        r"danke für nichts",
        r"traurig",
        r"inakzeptabel",
        r"mangelhaft",
        r"warte (?:\w+ ){0,3}(?:seit|immer noch)",
        r"immer noch keine?",
        r"furchtbar",
        r"schrecklich",
        r"unverständlich",
        r"nicht ernst genommen",
        r"(?:niemand|keiner) (?:hat )?(?:mich |uns )?(?:angerufen|zurückgerufen|informiert|aufgeklärt)",
        r"unfähig",
        r"(?:so|sehr|ewig) lange? (?:warten|gewartet)",
        r"kaputt",
        r"schade\b",
        r"disappointed",
        r"nightmare",
        r"frustrat",
        r"incompetent",
        r"tasteless",
        r"(?:nobody|no one) told",
        r"disappointing",
        r"terrible",
        r"awful",
        r"horrible",
        r"rude",
        r"unacceptable",
        r"complain",
        r"waited (?:for )?(?:\w+ ){0,2}(?:hours|ages)",
        r"(?:nobody|no one) (?:\w+ ){0,2}(?:called|answer|help|care)",
        r"worst",
        r"disgrace",
        r"shocking",
        r"dirty",
        r"still (?:no|waiting)",
        r"thanks for nothing",
        r"never again",
    ]
)
QUESTION_START = re.compile(
    r"(?:^|[.!?\n]\s*)(?:wann|wo|wie|was|warum|wieso|weshalb|welche[rsmn]?|wer|wohin|woher|"
    r"gibt es|gibts|kann man|können sie|könnt ihr|koennt ihr|kann ich|darf ich|muss ich|"
    r"ist es möglich|hat jemand|habt ihr|haben sie|bietet ihr|bieten sie|brauche ich|"
    r"when|where|how|what|why|which|who|can i|can you|could you|do you|does|is there|are there|"
    r"do i|should i|is it)\b",
    re.IGNORECASE,
)
# A short comment that opens like a question is one, even without "?" (typed on a phone).
QUESTION_OPENING = re.compile(
    r"^\s*(?:(?:hallo|hi|hey|moin|guten tag)\W+)?(?:wann|wo|wie|was|warum|wieso|weshalb|welche[rsmn]?|"
    r"wer|wohin|kostet|braucht|gibt|gibts|kann|können|muss|darf|ist|sind|hat|habt|bietet|"
    r"wird|werden|findet|fährt|when|where|how|what|why|which|who|can|could|do|does|is|are|will)\b",
    re.IGNORECASE,
)
QUESTION_HINT = terms(
    [
        r"weiß jemand",
        r"weiss jemand",
        r"ich frage mich",
        r"würde gerne wissen",
        r"bitte um info",
        r"bitte um auskunft",
        r"any idea",
        r"i'?d like to know",
        r"wondering (?:if|whether|when)",
    ]
)
PRAISE = terms(
    [
        r"danke",
        r"dankeschön",
        r"vielen dank",
        r"dankbar",
        r"toll",
        r"super\b",
        r"klasse\b",
        r"großartig",
        r"grossartig",
        r"wunderbar",
        r"wundervoll",
        r"hervorragend",
        r"spitze",
        r"top\b",
        r"weiter so",
        r"glückwunsch",
        r"gratulation",
        r"gratuliere",
        r"ihr seid die besten",
        r"bestes team",
        r"beste[nm]? (?:pflege|klinik|betreuung|versorgung)",
        r"liebevoll",
        r"einfühlsam",
        r"kompetent",
        r"fantastisch",
        r"phantastisch",
        r"herzlich",
        r"respekt\b",
        r"hut ab",
        r"bravo",
        r"daumen hoch",
        r"gut aufgehoben",
        r"sehr zufrieden",
        r"engel",
        r"phänomenal",
        r"(?:das )?leben gerettet",
        r"saved (?:my|his|her|our) life",
        r"spaß gemacht",
        r"(?:so|wie) schön",
        r"schöne[snmr]? (?:foto|bild|beitrag|video|tag|aktion|artikel)",
        r"had (?:so much )?fun",
        r"helden",
        r"thank",
        r"thanks",
        r"grateful",
        r"great\b",
        r"amazing",
        r"wonderful",
        r"excellent",
        r"awesome",
        r"brilliant",
        r"well done",
        r"congrat",
        r"kudos",
        r"heroes",
        r"best (?:team|care|staff|nurses|hospital)",
        r"so kind",
        r"lovely",
        r"❤",
        r"♥",
        r"👏",
        r"🙏",
        r"💙",
        r"🥰",
        r"😍",
        r"👍",
    ]
)
# "Super, wieder fünf Stunden warten": interjections that are praise only without a complaint.
SARCASTIC = {"super", "toll", "klasse", "great", "top", "danke", "thanks", "thank", "👍"}
ABUSE = terms(
    [
        r"idiot",
        r"~idioten",
        r"arschl(?:o|ö)ch",
        r"~arsch\b",
        r"wichser",
        r"hurensohn",
        r"~hure",
        r"fotze",
        r"fick",
        r"verpiss",
        r"depp",
        r"trottel",
        r"halt(?:et)? die fresse",
        r"~schlampe",
        r"missgeburt",
        r"spast",
        r"mistkerl",
        r"penner",
        r"abschaum",
        r"gesindel",
        r"verreck",
        r"(?:euch|dich|sie) (?:alle )?(?:umbringen|abstechen|kaltmachen)",
        r"bring (?:euch|dich) um",
        r"weiß wo (?:du|ihr) wohn",
        r"abfackeln",
        r"anzünden",
        r"quacksalber",
        r"kurpfuscher",
        r"metzger\b",
        r"metzgern\b",
        r"schlächter\b",
        r"mörder",
        r"dreckspack",
        r"~pack\b",
        r"drecks",
        r"scheiß",
        r"scheiss",
        r"dumme[rs]? (?:kuh|sau|schwein|gans|nuss)",
        r"~schweine\b",
        r"(?:du|ihr|dumme[rs]?) (?:\w+ )?schwein\b",
        r"moron",
        r"stupid",
        r"fuck",
        r"f[*#@]+c?k",
        r"shit",
        r"bitch",
        r"asshole",
        r"bastard",
        r"go to hell",
        r"scum",
        r"butchers?\b",
        r"murderers?\b",
        r"(?:kill|hurt) you",
        r"🖕",
    ]
)
SPAM = terms(
    [
        r"bitcoin",
        r"crypto",
        r"krypto",
        r"forex",
        r"trading[- ]?(?:bot|signal|gruppe|group)",
        r"passive[ns]? einkommen",
        r"passive income",
        r"verdien\w* (?:\w+ ){0,3}\d+ ?(?:€|euro)",
        r"earn \$?\d+",
        r"\$\d+ (?:a|per) (?:day|week)",
        r"work from home",
        r"von zu hause (?:aus )?(?:arbeiten|verdienen)",
        r"dm (?:me|mir)",
        r"schreib mir (?:eine )?(?:dm|pn|privat)",
        r"check (?:out )?my (?:profile|bio|page)",
        r"link in (?:meiner|my) bio",
        r"follower (?:kaufen|buy)",
        r"buy followers",
        r"cheap followers",
        r"onlyfans",
        r"casino",
        r"sugar ?daddy",
        r"telegram",
        r"whatsapp ?\+",
        r"seo (?:service|agentur)",
        r"rabattcode",
        r"promo ?code",
        r"discount code",
        r"gratis iphone",
        r"free iphone",
        r"klick (?:hier|auf den link)",
        r"click (?:here|the link)",
        r"abnehmen ohne",
        r"lose \d+ ?(?:kg|lbs|pounds)",
        r"\d+ ?kg in \d+ (?:tagen|wochen)",
        r"jetzt klicken",
        r"get \d+k? (?:followers|likes)",
        r"(?:followers|likes) in \d+ ?h",
        r"investment",
        r"investier",
        r"promote (?:your|ur)",
        r"collab",
        r"kooperation\? ?dm",
    ]
)
# Sentences end at . ! ? or a line break, but not after a number ("in der 20. Woche").
SENTENCES = re.compile(r"(?<=[^\d\s][.!?])\s+|\n+")
# A link with a sales cue is spam; a link alone (a newspaper article) is not.
SALES_CUE = terms([r"jetzt\b", r"klick", r"click", r"gratis", r"free\b", r"angebot", r"deal\b",
                   r"rabatt", r"anfragen", r"bestellen", r"order now", r"\d+ ?%", r"€", r"\$"])
LINK = re.compile(r"https?://\S+|www\.\S+|\b\w+\.(?:com|ru|xyz|io|shop|biz|info)\b", re.IGNORECASE)


@dataclass
class Triage:
    text: str
    labels: list[str] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    # Which ready reply fits: "life" (112), "suicide" (TelefonSeelsorge), "urgent" (116 117).
    emergency_kinds: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"text": self.text, "labels": self.labels, "reasons": self.reasons}

    def add(self, label: str, found: list[str]) -> None:
        if found:
            self.labels.append(label)
            self.reasons[label] = found


def triage(text: str) -> Triage:
    """Labels and reasons for one comment. Never raises on odd input."""
    text = text if isinstance(text, str) else str(text)
    scan = normalise(text[:MAX_CHARS])
    result = Triage(text=text)
    kinds = _emergency(scan)
    result.emergency_kinds = [k for k, _found in kinds]
    result.add("emergency", [w for _k, found in kinds for w in found])
    result.add("health_data", _health_data(scan))
    complaint = words(COMPLAINT, scan)
    result.add("complaint", complaint)
    result.add("question", _question(scan))
    result.add("praise", _praise(scan, complaint))
    result.add("abuse", words(ABUSE, scan))
    result.add("spam", _spam(scan))
    return result


def _emergency(text: str) -> list[tuple[str, list[str]]]:
    found = [
        (kind, words(pattern, text))
        for kind, pattern in (("life", LIFE), ("suicide", SUICIDE), ("urgent", URGENT))
    ]
    found = [(kind, w) for kind, w in found if w]
    if not found:
        return []
    # Suicidal thoughts are always taken at their word; talk of an emergency that is over
    # ("hatte letztes Jahr einen Schlaganfall") or about emergencies in general is not one.
    over = NOT_NOW.search(text) and not NOW.search(text)
    return [(kind, w) for kind, w in found if kind == "suicide" or not over]


def _health_data(text: str) -> list[str]:
    found: list[str] = []
    for sentence in SENTENCES.split(text):
        conditions = words(CONDITION, sentence)
        if conditions and PERSONAL.search(sentence):
            found.extend(c for c in conditions if c not in found)
    return found[:5]


def _question(text: str) -> list[str]:
    found = []
    if "?" in text:
        found.append("?")
    start = QUESTION_START.search(text)
    if start and "?" in text[start.start() :]:
        found.append(start.group(0).strip(" .!?\n").lower())
    elif len(text) < 120 and "." not in text.rstrip(". ") and QUESTION_OPENING.search(text):
        found.append(QUESTION_OPENING.search(text).group(0).strip().lower())
    found += words(QUESTION_HINT, text)
    return found


def _praise(text: str, complaint: list[str]) -> list[str]:
    found = words(PRAISE, text)
    if complaint and all(w in SARCASTIC for w in found):
        return []
    if "danke für nichts" in text.lower() or "thanks for nothing" in text.lower():
        return []
    return found


def _spam(text: str) -> list[str]:
    found = words(SPAM, text)
    link = LINK.search(text)
    if link and not found and SALES_CUE.search(text):
        found = [link.group(0).lower()]
    return found
