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

# The media library: pictures with their consent records (KUG § 22, GDPR Art. 9) and a video
# with licensed music. (file, alt text, colours (background, figure), story title, people)
# A person's "state" is given, none or withdrawn; withdrawn goes through withdraw_consent,
# so the published posts that use the picture are flagged as they would be for real.
MEDIA = [
    (
        "nachtschicht.jpg",
        "Pflegefachfrau Miriam am Monitor der Intensivstation, nachts",
        ((38, 52, 84), (214, 226, 240)),
        "Nachtschicht auf der Intensivstation",
        [
            {
                "name": "Miriam Brandt (Pflege)",
                "state": "given",
                "purpose": "Employer-Branding Pflege 2026",
                "reference": "Einwilligung Personalakte, Formular EB-07",
                "days_valid": 365,
            }
        ],
    ),
    (
        "aemp.jpg",
        "",
        ((200, 190, 160), (90, 120, 110)),
        "Entwurf: Hinter den Kulissen der Sterilgutversorgung",
        [{"name": "Mitarbeiter der AEMP", "state": "none"}],
    ),
    (
        "fruehchen.jpg",
        "Eine Mutter hält ihr Frühgeborenes im Arm, auf der Neonatologie",
        ((236, 214, 204), (150, 96, 88)),
        "Weltfrühgeborenentag: Danke an unsere Eltern",
        [
            {
                "name": "Familie Yilmaz",
                "state": "withdrawn",
                "patient": True,
                "purpose": "Weltfrühgeborenentag",
                "reference": "Formular Geburtshilfe 11/2026",
            }
        ],
    ),
]
# (file, alt text, music title, music licence)
VIDEOS = [
    (
        "tag-der-pflege.mp4",
        "Tanzvideo des Pflegeteams zum Internationalen Tag der Pflege",
        "Jerusalema (Master KG) – lizenziert über GEMA-Einzellizenz",
        "licensed",
    ),
]


def _demo_picture(colours) -> bytes:
    """A calm stand-in for a photo: a gradient and a figure (no real person in the demo)."""
    import io

    from PIL import Image, ImageDraw

    background, figure = colours
    image = Image.new("RGB", (960, 720), background)
    draw = ImageDraw.Draw(image)
    for y in range(720):
        draw.line(
            [(0, y), (960, y)], fill=tuple(int(c * (0.78 + 0.22 * y / 720)) for c in background)
        )
    draw.ellipse([330, 130, 630, 430], fill=figure)
    draw.rounded_rectangle([250, 450, 710, 720], radius=90, fill=figure)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def seed_media_library(org) -> None:
    """The demo's media library: one complete consent, one missing, one withdrawn, a video.

    Runs after the stories are seeded (it illustrates them). Pictures go only on stories that
    are already published or still a draft: nothing scheduled changes under the team's feet.
    """
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from carecast.publishing.compliance import withdraw_consent
    from carecast.stories.models import MediaAsset, PersonShown, Story

    for name, alt, colours, story_title, people in MEDIA:
        asset = MediaAsset(
            organisation=org, kind=MediaAsset.Kind.IMAGE, mime_type="image/jpeg", alt_text=alt
        )
        data = _demo_picture(colours)
        asset.width, asset.height, asset.size_bytes = 960, 720, len(data)
        asset.file.save(name, ContentFile(data), save=True)
        for story in Story.objects.filter(organisation=org, title=story_title):
            story.media.add(asset)
        for fields in people:
            days = fields.get("days_valid")
            person = PersonShown.objects.create(
                asset=asset,
                name=fields["name"],
                consent=PersonShown.Consent.NONE
                if fields["state"] == "none"
                else PersonShown.Consent.GIVEN,
                consent_all_channels=fields["state"] != "none",
                consent_purpose=fields.get("purpose", ""),
                consent_reference=fields.get("reference", ""),
                consent_until=timezone.localdate() + dt.timedelta(days=days) if days else None,
                is_patient=fields.get("patient", False),
                art9_consent=fields.get("patient", False),
            )
            if fields["state"] == "withdrawn":
                withdraw_consent(person)
    for name, alt, title, licence in VIDEOS:
        video = MediaAsset(
            organisation=org,
            kind=MediaAsset.Kind.VIDEO,
            mime_type="video/mp4",
            alt_text=alt,
            music_title=title,
            music_licence=licence,
            width=1080,
            height=1920,
        )
        # The demo has no video encoder; the library shows videos as a tile, not a player.
        video.file.save(name, ContentFile(b""), save=True)
