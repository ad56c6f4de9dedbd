"""Each word rule of the reply checks (``compliance.checks.privacy``) with a worked example.

One reply per rule, written so that only that rule catches it, and the words it must
catch: a rule that stops matching (or matches other words) fails here, not only in an
evaluation run. Then the refusal that un-flags a confirmation, the possessive that makes
a condition someone's, and the model's second opinion, which must be asked.
"""

from __future__ import annotations

import pytest

from carecast.compliance.checks import privacy
from carecast.compliance.checks.privacy import HealthData, PatientConfirmation
from carecast.compliance.draft import draft_from_json
from carecast.compliance.patterns import normalise
from carecast.lib.textmodel import Opinion


def reply(text: str):
    return draft_from_json(
        {
            "text": text,
            "networks": ["mastodon"],
            "account": {"kind": "brand", "imprint_url": "https://example.org/impressum"},
            "media": [],
            "reply_to": "Ein Kommentar",
        }
    )


CONFIRMATIONS = [
    ("Wir hoffen, Ihre Behandlung verläuft gut.", "Ihre Behandlung"),
    ("Wir wünschen Ihnen die Operation übersteht gut.", "Ihnen die Operation"),
    ("Wir hoffen, während Ihres Aufenthalts war alles gut.", "während Ihres Aufenthalts"),
    ("Er wurde bei uns gut versorgt.", "bei uns gut versorgt"),
    ("Sie lagen doch bei uns, oder?", "Sie lagen doch bei uns"),
    ("Wie gestern besprochen melden wir uns.", "Wie gestern besprochen"),
    ("Ihre behandelnde Ärztin Dr. Meyer meldet sich.", "Ihre behandelnde Ärztin"),
    ("Dr. Meyer wird Sie anrufen.", "Dr. Meyer wird Sie"),
    ("We hope your stay was pleasant.", "your stay"),
    ("We hope everything was fine during your visit.", "during your visit"),
    ("As we discussed, we call back.", "As we discussed"),
    ("Grüße auf unsere Kinderstation!", "auf unsere Kinderstation"),
    ("Herzlichen Glückwunsch zur Geburt!", "Glückwunsch zur Geburt"),
    ("We remember when you were here.", "when you were here"),
    ("Our team treated you well.", "Our team treated you"),
    ("Grüße an alle von Station 4b.", "von Station 4b"),
    ("Bitte kommen Sie in Zimmer 12.", "Zimmer 12"),
    ("Er liegt seit Montag bei uns.", "liegt seit Montag bei uns"),
    ("Sie sind bei uns in besten Händen.", "bei uns in besten Händen"),
    ("Schön, dass die OP gut verlaufen ist.", "die OP gut verlaufen"),
    ("Wir haben Ihre Akte geprüft.", "Wir haben Ihre Akte geprüft"),
    ("We have checked your file.", "We have checked your file"),
    ("We hope your recovery is smooth.", "your recovery"),
    ("Hope everything at our clinic went fine.", "at our clinic went"),
    ("Our nurses are taking good care of him.", "Our nurses are taking good care of him"),
]
HEALTH_DETAILS = [
    # dosage
    ("Nehmen Sie 400 mg.", "400 mg"),
    ("Eine Tablette am Abend.", "Eine Tablette"),
    ("Bitte nehmen Sie die Dosis zweimal.", "nehmen Sie die Dosis"),
    ("Die Dosis von 2 ist richtig.", "Dosis von 2"),
    # diagnosis
    ("Das klingt nach einer Entzündung.", "Das klingt nach einer Entzündung"),
    ("Sie haben vermutlich eine Entzündung.", "Sie haben vermutlich eine Entzündung"),
    ("Ihre Erkrankung ist bekannt.", "Ihre Erkrankung"),
    ("You probably have an infection.", "You probably have an infection"),
    ("Es handelt sich um Gürtelrose.", "Es handelt sich um Gürtelrose"),
    ("Vermutlich ist es Heuschnupfen.", "Vermutlich ist es Heuschnupfen"),
    ("Nehmen Sie am besten ein Schmerzmittel.", "Nehmen Sie am besten ein Schmerzmittel"),
    ("Das könnte eine Gastritis sein.", "Das könnte eine Gastritis sein"),
    ("That could be an allergic reaction.", "That could be an allergic reaction"),
    ("Die Diagnose lautet Grippe.", "Diagnose lautet"),
    ("Ihre Werte sind gut.", "Ihre Werte sind"),
    # lab values and hints
    ("Ein Blutzucker von 180 ist viel.", "Blutzucker von 180"),
    ("Das kann auf Eisenmangel hindeuten.", "kann auf Eisenmangel hindeuten"),
    ("Das deutet auf Eisenmangel hin.", "deutet auf Eisenmangel hin"),
    ("Ich tippe auf Eisenmangel.", "tippe auf Eisenmangel"),
    ("Bei Ihren Beschwerden bitte zum Hausarzt.", "Bei Ihren Beschwerden"),
    ("Nach Ihrer Operation bitte schonen.", "Nach Ihrer Operation"),
    # someone's condition
    ("Ihre Tochter hat Diabetes.", "Diabetes"),
]
MEDICINES = [
    "Ibuprofen",
    "Paracetamol",
    "Aspirin",
    "ASS",
    "Metformin",
    "Insulin",
    "Kortison",
    "Cortison",
    "Antibiotika",
    "antibiotics",
    "Novalgin",
    "Metamizol",
    "Thyroxin",
    "Ramipril",
    "Bisoprolol",
    "Pantoprazol",
    "Marcumar",
    "Blutverdünner",
]
REFUSALS = [
    ("Zu Ihrer Behandlung geben wir keine Auskunft.", "keine Auskunft"),
    ("Zu Ihrer Behandlung machen wir keine Angaben.", "keine Angaben"),
    ("Ihre Behandlung können wir nicht bestätigen.", "nicht bestätigen"),
    ("Wir können Ihre Behandlung weder bestätigen noch verneinen.", "weder bestätigen"),
    ("We cannot confirm your stay.", "cannot confirm"),
]


@pytest.mark.parametrize(("text", "words"), CONFIRMATIONS)
def test_it_catches_each_way_of_confirming_care(text, words):
    match = privacy._confirmation(normalise(text))
    assert match is not None and match.group(0) == words
    assert privacy.rule_ids(text) == ["privacy.patient_confirmation"]


@pytest.mark.parametrize(("text", "words"), HEALTH_DETAILS)
def test_it_catches_each_kind_of_health_detail(text, words):
    match = privacy._health_detail(normalise(text))
    assert match is not None and match.group(0) == words
    assert "privacy.health_data" in privacy.rule_ids(text)


@pytest.mark.parametrize("medicine", MEDICINES)
def test_it_catches_each_medicine_by_name(medicine):
    match = privacy.MEDICATION.search(normalise(f"Dafür gibt es {medicine}."))
    assert match is not None and match.group(0) == medicine


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Dafür gibt es Schmerztabletten.", "tabletten"),
        ("Dafür gibt es Nasentropfen.", "tropfen"),
        ("Dafür gibt es die Thrombosespritze.", "spritze"),
    ],
)
def test_it_catches_a_medicine_inside_a_compound_word(text, words):
    match = privacy.MEDICATION.search(normalise(text))
    assert match is not None and match.group(0) == words


@pytest.mark.parametrize(("text", "words"), REFUSALS)
def test_it_lets_a_refusal_name_care_without_confirming_it(text, words):
    assert privacy.REFUSAL.search(text).group(0) == words
    assert privacy._confirmation(normalise(text)) is None
    assert PatientConfirmation().run(reply(text)) == [] or privacy.reply_model() is not None


@pytest.mark.parametrize("stop", [".", "!", "?", "\n"])
def test_a_refusal_covers_only_its_own_sentence(stop):
    before = f"Dazu geben wir keine Auskunft{stop} Ihre Behandlung verläuft gut"
    assert privacy._confirmation(before).group(0) == "Ihre Behandlung"
    after = f"Ihre Behandlung verläuft gut{stop} Dazu geben wir keine Auskunft"
    assert privacy._confirmation(after).group(0) == "Ihre Behandlung"
    assert privacy._confirmation("Ihre Behandlung: dazu geben wir keine Auskunft") is None


@pytest.mark.parametrize(
    "text",
    [
        "Zum Diabetes-Monat informieren wir.",  # a topic: the month
        "Ihre Fragen zur Diabetes-Vorsorge beantworten wir gern.",
        "Ihre Frage beantworten wir gern, und zu Diabetes gibt es einen Vortrag.",  # too far
    ],
)
def test_it_tells_a_topic_from_someones_condition(text):
    assert privacy._their_condition(normalise(text)) is None


def test_it_names_the_whole_word_around_a_condition():
    assert privacy._word_at("zur Diabetes-Vorsorge heute", _search("diabetes")) == (
        "Diabetes-Vorsorge"
    )
    assert privacy._word_at("Diabetes", _search("diabetes", "Diabetes")) == "Diabetes"


def _search(pattern: str, text: str = "zur Diabetes-Vorsorge heute"):
    import re

    return re.search(pattern, text, re.I)


# --- the model's second opinion ------------------------------------------------------------


class _Model:
    """A model that flags ``label`` with ``words``; records what it was asked."""

    def __init__(self, label: str, words: list[str]) -> None:
        self.label, self.words, self.asked = label, words, []

    def judge(self, text, ruled, ruled_out=()):
        self.asked.append((text, sorted(ruled), list(ruled_out)))
        return [Opinion(self.label, 0.9, self.words)], []


@pytest.mark.parametrize(
    ("check", "label"),
    [(PatientConfirmation, "privacy.patient_confirmation"), (HealthData, "privacy.health_data")],
)
def test_it_asks_the_model_where_the_rules_find_nothing(monkeypatch, check, label):
    model = _Model(label, ["Kollegen", "erinnern"])
    monkeypatch.setattr(privacy, "reply_model", lambda: model)
    text = "Die Kollegen erinnern sich gern."
    (finding,) = check().run(reply(text))
    assert "Kollegen, erinnern" in finding.message
    assert finding.span == (4, 12) and finding.severity == "block"
    other = (
        "privacy.health_data"
        if label == "privacy.patient_confirmation"
        else ("privacy.patient_confirmation")
    )
    assert model.asked == [(text, [other], [])]


def test_it_ignores_the_models_opinion_about_another_check(monkeypatch):
    monkeypatch.setattr(privacy, "reply_model", lambda: _Model("privacy.health_data", ["Kollegen"]))
    assert PatientConfirmation().run(reply("Die Kollegen erinnern sich gern.")) == []


def test_it_does_not_let_the_model_call_an_emergency_referral_health_data(monkeypatch):
    model = _Model("privacy.health_data", ["Brustschmerzen"])
    monkeypatch.setattr(privacy, "reply_model", lambda: model)
    text = "Bei Brustschmerzen bitte sofort 112 anrufen."
    HealthData().run(reply(text))
    assert model.asked[0][2] == ["privacy.health_data"]
    assert privacy.ruled_out_ids("Bei Ihren Brustschmerzen bitte 112 anrufen.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Bitte die 112 anrufen.",
        "Der ärztliche Bereitschaftsdienst: 116 117.",
        "Die Telefonseelsorge hilft.",
        "Die Seelsorge: 0800 111 0 111.",
        "Den Notruf wählen.",
        "Gehen Sie in die Notaufnahme.",
        "Call the emergency number.",
        "Call 999 now.",
        "Call 911 now.",
    ],
)
def test_it_knows_each_emergency_referral(text):
    assert privacy.ruled_out_ids(text) == ["privacy.health_data"]


def test_a_finding_without_the_models_words_in_the_text_has_no_span(monkeypatch):
    monkeypatch.setattr(privacy, "reply_model", lambda: _Model("privacy.health_data", ["Fieber"]))
    (finding,) = HealthData().run(reply("Gute Besserung!"))
    assert finding.span is None
    assert privacy._span_of_word("Gute Besserung", "besserung") == (5, 14)


# --- boundaries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Gut. Ihre Behandlung: dazu keine Auskunft", False),  # a stop before, none after
        ("Ihre Behandlung verläuft gut. Danke. Keine Auskunft.", True),  # the nearest stop ends it
        ("X.keine Auskunft zu Ihrer Behandlung", False),  # no space after the stop
    ],
)
def test_a_sentence_runs_from_the_last_stop_before_to_the_first_after(text, flagged):
    assert (privacy._confirmation(text) is not None) is flagged


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Ihre eine zwei drei Diabetes", True),  # the fourth word after "Ihre"
        ("Ihre eine zwei drei vier Diabetes", False),  # the fifth: someone else's topic
    ],
)
def test_a_condition_is_someones_within_four_words_of_the_possessive(text, flagged):
    assert (privacy._their_condition(text) is not None) is flagged


def test_it_points_at_the_condition_after_the_possessive_not_an_earlier_one():
    text = "Zum Diabetes-Tag: Ihre Tochter hat Diabetes."
    match = privacy._their_condition(text)
    assert match.start() == text.rindex("Diabetes")


def test_a_word_extends_to_letters_on_both_sides_of_a_match():
    text = "xDiabetes-Vorsorge heute"
    assert privacy._word_at(text, _search("diabetes", text)) == "xDiabetes-Vorsorge"


@pytest.mark.parametrize(
    ("text", "word", "span"),
    [
        ("Kollegen erinnern sich", "kollegen", (0, 8)),
        ("Die KOLLEGEN erinnern sich", "Kollegen", (4, 12)),
        ("Gute Besserung", "Fieber", None),
    ],
)
def test_it_finds_the_models_word_in_the_text(text, word, span):
    assert privacy._span_of_word(text, word) == span


def test_the_messages_name_the_words_and_what_to_do_instead():
    from django.utils import translation

    with translation.override("en"):
        (confirmation,) = PatientConfirmation().run(reply("Wie besprochen rufen wir an."))
        (detail,) = HealthData().run(reply("Nehmen Sie 400 mg."))
    assert confirmation.message == (
        "“Wie besprochen” confirms that the person is or was a patient. Neither confirm "
        "nor deny care in public: invite them to a private channel instead."
    )
    assert confirmation.span == (0, 14)
    assert detail.message == (
        "“400 mg” speaks about someone's health or care (condition, treatment, "
        "medication, stay). No health details in public: point to a doctor, 116 117 or "
        "112, or a private channel."
    )
    assert detail.span == (11, 17)


def test_the_model_is_asked_only_where_the_rules_found_nothing(monkeypatch):
    model = _Model("privacy.patient_confirmation", ["besprochen"])
    monkeypatch.setattr(privacy, "reply_model", lambda: model)
    PatientConfirmation().run(reply("Wie besprochen rufen wir an."))
    HealthData().run(reply("Nehmen Sie 400 mg."))
    assert model.asked == []


def test_the_models_words_are_listed_and_the_first_one_is_pointed_at(monkeypatch):
    from django.utils import translation

    monkeypatch.setattr(
        privacy, "reply_model", lambda: _Model("privacy.patient_confirmation", ["Team", "5B"])
    )
    with translation.override("en"):
        (finding,) = PatientConfirmation().run(reply("Das Team der 5B denkt an Sie."))
    assert finding.message.startswith("“Team, 5B” confirms")
    assert finding.span == (4, 8)


@pytest.mark.parametrize(
    "text",
    [
        "Zu Ihrer Behandlung im Xanten-Haus: keine Auskunft",  # a capital X is no full stop
        "Keine Auskunft, auch nicht aus Xanten, zu Ihrer Behandlung",
        "Gut. Keine Auskunft zu Ihrer Behandlung",
    ],
)
def test_only_stops_end_a_sentence(text):
    assert privacy._confirmation(text) is None


def test_the_sentence_starts_after_the_last_stop_before_the_words():
    text = "Gut. Keine Auskunft. Ihre Behandlung verläuft gut"
    assert privacy._confirmation(text).group(0) == "Ihre Behandlung"


def test_a_topic_word_ends_where_the_word_ends():
    assert privacy._their_condition("Ihre Fragen zum Diabetes-Tag heute") is None


def test_it_points_at_the_first_place_the_models_word_appears():
    assert privacy._span_of_word("Team und Team", "team") == (0, 4)
