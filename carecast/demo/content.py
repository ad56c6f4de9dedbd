"""What the demo hospital writes about: realistic German hospital stories."""

from __future__ import annotations

DEPARTMENTS = [
    ("Geburtshilfe", "geburtshilfe", "Geburt, Hebamme, Kreißsaal, Baby"),
    ("Brustzentrum", "brustzentrum", "Brustkrebs, Mammographie, Vorsorge"),
    ("Notaufnahme", "notaufnahme", "Notfall, Rettungsdienst, 112"),
    ("Kardiologie", "kardiologie", "Herz, Herzinfarkt, Weltherztag"),
    ("Diabetologie", "diabetologie", "Diabetes, Insulin, Weltdiabetestag"),
    ("Pflege", "pflege", "Pflege, Ausbildung, Nachtdienst"),
]

# (days from today, hour, title, text, link, hashtags, department slug, channel keys)
STORIES = [
    (
        -6,
        9,
        "Nachtschicht auf der Intensivstation",
        "Wenn die Stadt schläft, ist unser Intensivteam hellwach. Pflegefachfrau Miriam erzählt, "
        "wie sich eine Nacht zwischen Monitoren, Gesprächen und einer Tasse Tee anfühlt.",
        "https://klinikum-musterstadt.example/news/nachtschicht",
        "Pflege Nachtdienst",
        "pflege",
        ["mastodon_news", "bluesky_news", "x_news", "feed"],
    ),
    (
        -5,
        11,
        "Neuer MRT ist in Betrieb",
        "Unser neuer 3-Tesla-MRT ist leiser, schneller und bietet mehr Platz. Das Team der "
        "Radiologie hat die ersten Untersuchungen gemacht.",
        "https://klinikum-musterstadt.example/news/mrt",
        "Radiologie",
        "",
        ["mastodon_news", "x_news", "feed"],
    ),
    (
        -3,
        14,
        "Pflegefachkraft (m/w/d) Geburtshilfe gesucht",
        "Du liebst den Moment, in dem ein Mensch zur Welt kommt? Unser Kreißsaal-Team sucht "
        "Verstärkung in Voll- oder Teilzeit.",
        "https://karriere.klinikum-musterstadt.example/jobs/4711",
        "Jobs Pflege Hebamme",
        "geburtshilfe",
        ["mastodon_jobs", "x_jobs"],
    ),
    (
        -1,
        8,
        "Weltfrühgeborenentag: Danke an unsere Eltern",
        "Jedes zehnte Kind kommt zu früh. Zum Welt-Frühgeborenen-Tag sagen wir Danke an alle "
        "Eltern, die mit uns durch die ersten Wochen gegangen sind.",
        "",
        "Frühchen Geburtshilfe",
        "geburtshilfe",
        ["mastodon_news", "bluesky_news"],
    ),
    (
        1,
        10,
        "Live-Sprechstunde Diabetes",
        "Am Donnerstag beantwortet Oberärztin Dr. Weber eure Fragen rund um Diabetes im Alltag — "
        "live und ohne Anmeldung. Fragen könnt ihr schon jetzt stellen.",
        "https://klinikum-musterstadt.example/live/diabetes",
        "Diabetes Sprechstunde",
        "diabetologie",
        ["mastodon_news", "bluesky_news", "x_news"],
    ),
    (
        2,
        16,
        "Infoabend für werdende Eltern",
        "Kreißsaalführung, Fragen an unsere Hebammen und Ärztinnen: Beim Infoabend lernt ihr "
        "die Geburtshilfe kennen. Mittwoch, 18 Uhr, Hörsaal im Haus B.",
        "https://klinikum-musterstadt.example/veranstaltungen/infoabend",
        "Geburt Eltern",
        "geburtshilfe",
        ["mastodon_news", "bluesky_news", "feed"],
    ),
    (
        3,
        9,
        "Medizinische Fachangestellte (m/w/d) Notaufnahme",
        "Für unsere Zentrale Notaufnahme suchen wir MFA mit Herz und Nerven. Faire Dienstpläne, "
        "Einarbeitung im Tandem.",
        "https://karriere.klinikum-musterstadt.example/jobs/4712",
        "Jobs Notaufnahme",
        "notaufnahme",
        ["mastodon_jobs", "x_jobs"],
    ),
    (
        4,
        12,
        "Brustkrebsvorsorge: Tastuntersuchung lernen",
        "Unser Brustzentrum zeigt im Kurs, wie die Selbstuntersuchung geht. Kostenlos, in "
        "kleinen Gruppen, mit Anmeldung.",
        "https://klinikum-musterstadt.example/brustzentrum/kurs",
        "Brustzentrum Vorsorge",
        "brustzentrum",
        ["mastodon_news", "bluesky_news", "x_news"],
    ),
    (
        6,
        7,
        "Blutspende im Foyer",
        "Am Montag ist der Blutspendedienst bei uns im Foyer, 8 bis 14 Uhr. Jede Spende zählt.",
        "",
        "Blutspende",
        "",
        ["mastodon_news", "x_news", "feed"],
    ),
    (
        9,
        15,
        "Herzwoche: Vortrag zu Vorhofflimmern",
        "Herzstolpern, Schwindel, Luftnot? Unsere Kardiologie erklärt, wann Vorhofflimmern "
        "gefährlich wird und was hilft.",
        "https://klinikum-musterstadt.example/kardiologie/vortrag",
        "Herz Kardiologie",
        "kardiologie",
        ["mastodon_news", "bluesky_news"],
    ),
    (
        12,
        10,
        "Ausbildungsstart Pflege 2027",
        "Bewerbungen für den Ausbildungsstart im April sind offen. Komm zum Schnuppertag!",
        "https://karriere.klinikum-musterstadt.example/ausbildung",
        "Ausbildung Pflege",
        "pflege",
        ["mastodon_jobs", "x_jobs"],
    ),
    (
        None,
        None,
        "Entwurf: Hinter den Kulissen der Sterilgutversorgung",
        "Wer sorgt eigentlich dafür, dass jedes OP-Instrument steril ist? Ein Besuch in der AEMP.",
        "",
        "",
        "",
        ["mastodon_news", "bluesky_news"],
    ),
]
