"""Every check: what it finds, what it leaves alone, and odd input that must not crash it."""

from __future__ import annotations

import pytest
from django.utils import translation

from carecast.compliance.checks import CHECKS
from carecast.compliance.draft import Draft, draft_from_json
from carecast.compliance.service import check_reply, run_checks

IMPRINT = {"kind": "brand", "imprint_url": "https://www.klinikum-musterstadt.de/impressum"}


def draft(text="", **fields) -> Draft:
    fields.setdefault("account", IMPRINT)
    return draft_from_json({"text": text, **fields})


def ids(d: Draft) -> set[str]:
    return {f.id for f in run_checks(d)}


def image(**fields):
    return {"kind": "image", "alt_text": "Foto", "tags": [], "people": [], "music": None, **fields}


def video(**fields):
    return {**image(**fields), "kind": "video"}


FIRES = [
    ("hwg.before_after", draft("Vorher-Nachher: Lippenunterspritzung mit Hyaluron")),
    ("hwg.before_after", draft("Faltenbehandlung", media=[image(tags=["Before/After"])])),
    ("hwg.minors_cosmetic", draft("Botox-Special für den Abiball!")),
    ("hwg.success_promise", draft("Die neue Knie-OP: schmerzfrei nach einer Woche")),
    ("hwg.prescription_drug", draft("Abnehmen mit Ozempic? Wir beraten.")),
    ("hwg.testimonial", draft("Erfahrungsbericht: Frau K. nach der Hüft-OP")),
    ("hwg.contest", draft("Gewinnspiel: Wir verlosen eine Zahnreinigung")),
    ("consent.person_missing", draft("Team", media=[image(people=[{"name": "Ina"}])])),
    (
        "consent.withdrawn",
        draft("Team", media=[image(people=[{"name": "Ina", "consent": "withdrawn"}])]),
    ),
    (
        "consent.patient_art9",
        draft(
            "Station", media=[image(people=[{"name": "Mia", "consent": "given", "patient": True}])]
        ),
    ),
    (
        "music.unlicensed",
        draft("Tanzvideo", media=[video(music={"title": "Hit", "licence": "none"})]),
    ),
    ("music.unlicensed", draft("Rundgang", media=[video()])),
    (
        "music.unlicensed",
        draft(
            "Tanz",
            networks=["tiktok"],
            media=[video(music={"title": "Hit", "licence": "licensed"})],
        ),
    ),
    ("imprint.missing", draft("Hallo", account={"kind": "brand", "imprint_url": None})),
    ("imprint.missing", draft("Impressum nach § 5 TMG")),
    ("a11y.alt_text_missing", draft("Bilder", media=[image(alt_text=None)])),
    ("format.too_long", draft("x" * 281, networks=["x"])),
    ("format.too_long", draft("ü" * 2201, networks=["instagram"])),
    ("format.media", draft("Bilder", networks=["x"], media=[image()] * 5)),
    ("format.media", draft("Film", networks=["youtube"], media=[image()])),
    ("format.unescaped", draft("Herz <3", networks=["youtube"], media=[video()])),
    ("privacy.patient_confirmation", draft("Wie besprochen rufen wir Sie an.", reply_to="c1")),
    ("privacy.health_data", draft("Nehmen Sie 400 mg Ibuprofen.", reply_to="c1")),
]

QUIET = [
    ("hwg.before_after", draft("Vorher-Nachher: unser Eingangsbereich nach dem Umbau")),
    ("hwg.before_after", draft("Lippen-Kiefer-Gaumenspalte: vorher und nachher der Operation")),
    ("hwg.minors_cosmetic", draft("Ausbildungsmesse für Schülerinnen und Schüler")),
    ("hwg.success_promise", draft("100 % Einsatz: Danke an unser Reinigungsteam!")),
    ("hwg.success_promise", draft("Die Wunde heilt meist in zwei Wochen ab.")),
    ("hwg.prescription_drug", draft("Unsere Adipositas-Sprechstunde berät zur Abnehmspritze.")),
    ("hwg.testimonial", draft("Mitarbeiterstimmen: Warum wir gern hier arbeiten")),
    ("hwg.contest", draft("Gewinnspiel: Wir verlosen 10 Trinkflaschen!")),
    (
        "consent.person_missing",
        draft("Team", media=[image(people=[{"name": "Ina", "consent": "given"}])]),
    ),
    ("music.unlicensed", draft("Film", media=[video(music={"title": "", "licence": "own"})])),
    ("imprint.missing", draft("Privat", account={"kind": "personal", "imprint_url": None})),
    ("format.unescaped", draft("Pflege \\(m/w/d\\)", networks=["linkedin"])),
    # The LinkedIn connector escapes reserved characters itself (escape_little).
    ("format.unescaped", draft("Pflege (m/w/d) #Karriere @Klinikum", networks=["linkedin"])),
    ("privacy.patient_confirmation", draft("Wie besprochen rufen wir Sie an.")),  # a post, no reply
    ("privacy.health_data", draft("Bei Brustschmerzen bitte sofort 112 anrufen.", reply_to="c1")),
]


@pytest.mark.parametrize(
    ("check_id", "d"), FIRES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(FIRES)]
)
def test_it_finds(check_id, d):
    assert check_id in ids(d)


@pytest.mark.parametrize(
    ("check_id", "d"), QUIET, ids=[f"{c}-{i}" for i, (c, _) in enumerate(QUIET)]
)
def test_it_leaves_alone(check_id, d):
    assert check_id not in ids(d)


def test_it_has_a_test_for_every_check():
    assert {c for c, _ in FIRES} == set(CHECKS)


def test_it_describes_every_check_fully():
    for check in CHECKS.values():
        assert check.severity in {"block", "high", "medium", "info"}
        assert check.rule_url.startswith("https://")


def test_it_points_at_the_words():
    text = "Unsere Knie-OP: garantiert schmerzfrei"
    (finding,) = run_checks(draft(text), only=["hwg.success_promise"])
    assert text[slice(*finding.span)] == "garantiert"


def test_it_says_it_in_german_and_english():
    d = draft("Abnehmen mit Ozempic")
    with translation.override("de"):
        (de,) = run_checks(d, only=["hwg.prescription_drug"])
    with translation.override("en"):
        (en,) = run_checks(d, only=["hwg.prescription_drug"])
    assert "verschreibungspflichtig" in de.message and "prescription-only" in en.message


def test_it_sorts_the_most_severe_first():
    findings = run_checks(draft("Vorher/Nachher Botox, garantiert. Erfahrungsbericht"))
    order = ["block", "high", "medium", "info"]
    assert [f.severity for f in findings] == sorted((f.severity for f in findings), key=order.index)


def test_it_guards_replies_with_the_privacy_checks():
    found = {f.id for f in check_reply("Ihre Behandlung bei uns: nehmen Sie 2 Tabletten.")}
    assert {"privacy.patient_confirmation", "privacy.health_data"} <= found
    assert check_reply("Danke! Schreiben Sie uns gern eine Nachricht.") == []


BAD = {
    "empty": "",
    "100 KB": "Vorher nachher Botox garantiert. " * 3200,
    "mixed scripts": "Ботокс vorher nachher 😀 בוטוקס Lippen-Filler 𝐁𝐨𝐭𝐨𝐱",
    "emoji only": "🎉🏥❤️👩‍⚕️" * 10,
    "html": "<script>alert('Botox')</script><b>Vorher</b>/<i>Nachher</i> Filler",
    "control characters": "\x00\x1b[31mVorher\u202enachher\ufeff Hyaluron",
}


@pytest.mark.parametrize("name", BAD)
def test_it_never_crashes_on_odd_text(name):
    for networks in (["x", "bluesky", "mastodon"], ["linkedin", "youtube", "threads"]):
        for reply_to in (None, "c1"):
            findings = run_checks(draft(BAD[name], networks=networks, reply_to=reply_to))
            for f in findings:
                assert f.message and (
                    f.span is None or 0 <= f.span[0] <= f.span[1] <= len(BAD[name])
                )


def test_it_reads_odd_text_sensibly():
    assert ids(draft(BAD["empty"])) == set()
    assert "hwg.before_after" in ids(draft(BAD["html"]))
    assert "hwg.before_after" in ids(draft(BAD["100 KB"]))
    assert "format.too_long" in ids(draft(BAD["100 KB"], networks=["x"]))
    assert ids(draft(BAD["emoji only"], networks=["x", "bluesky", "threads"])) == set()
    # Styled letters read as plain ones (NFKC) when that keeps offsets.
    assert "hwg.prescription_drug" in ids(draft("Jetzt 𝐁𝐨𝐭𝐨𝐱!"))
