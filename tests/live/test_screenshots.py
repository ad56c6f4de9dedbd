"""Screenshots of the live pages (German and English, empty and busy, phone width, long words).

Run: ``.venv/bin/python -m pytest tests/live/test_screenshots.py -m browser``; PNGs land in
``artifacts/screenshots/live-*.png`` (git-ignored). Look at them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.live import actions
from carecast.live.models import LiveSession, Source
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = SCREENSHOTS
LONG = "Schwangerschaftsdiabetesvorsorgeuntersuchungsergebnisse"

pytestmark = pytest.mark.browser


@pytest.fixture
def shoot(browser, asgi_server):
    contexts = []

    def take(name, path, person=None, lang="de", width=1280, height=900, wait_online=True):
        context = signed_in_context(browser, asgi_server.url, person, lang, width, height)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(asgi_server.url + path)
        if wait_online:
            page.wait_for_selector("#live-status.is-online")
        page.wait_for_timeout(1100)  # one tick of the presenter's clock
        page.screenshot(path=str(OUT / f"live-{name}.png"), full_page=True)
        assert not errors, errors
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the window"
        return page

    yield take
    for context in contexts:
        context.close()


def busy(session):
    texts = [
        ("Darf der Partner bei einem Kaiserschnitt dabei sein?", "Lena", Source.WEB),
        ("Gibt es im Klinikum Familienzimmer, und was kosten sie pro Nacht?", "", Source.WEB),
        (f"Was bedeuten die {LONG} für die Geburtsplanung?", "Ole", Source.MASTODON),
        (
            "Wie lange dauert das Wochenbett auf der Station normalerweise?",
            "jonas.bsky.social",
            Source.BLUESKY,
        ),
        ("Kann ich eine PDA auch noch spät bekommen?", "", Source.WEB),
    ]
    made = [
        actions.submit_question(
            session,
            t,
            nickname=n,
            source=s,
            client=f"c{i}",
            remote_id=str(i) if s != Source.WEB else "",
        )
        for i, (t, n, s) in enumerate(texts)
    ]
    for q in made[:4]:
        actions.approve(q)
    for i, q in enumerate(made[1:4]):
        for v in range(i + 2):
            actions.upvote(q, f"voter-{q.pk}-{v}")
    actions.pin(made[0])
    actions.submit_question(
        session,
        "Ich habe Schwangerschaftsdiabetes und mein Zucker liegt bei 180 mg/dl – ist das gefährlich für mein Baby?",
        nickname="Maria",
        client="x",
    )
    actions.submit_question(
        session, "Kann der Partner beim Kaiserschnitt mit in den OP?", client="y"
    )
    actions.submit_question(
        session,
        "Meine Frau hat seit einer Stunde starke Blutungen, was sollen wir tun?",
        client="z",
    )
    answered = actions.submit_question(
        session, "Gibt es eine Stillberatung nach der Entlassung?", client="w"
    )
    actions.approve(answered)
    actions.mark_answered(answered, "Ja, die Stillambulanz berät auch nach der Entlassung.")


def test_empty_pages(shoot, anna, live_session):
    for lang in ("de", "en"):
        shoot(f"audience-empty-mobile-{lang}", "/live/geburt/", lang=lang, width=390, height=844)
        shoot(f"moderate-empty-{lang}", "/live/geburt/moderate/", anna, lang)
        shoot(f"present-empty-{lang}", "/live/geburt/present/", anna, lang, height=720)
        shoot(f"setup-new-{lang}", "/live/new/", anna, lang, wait_online=False)


def test_no_sessions_yet(shoot, anna):
    shoot("sessions-empty-de", "/live/", anna, wait_online=False)


def test_busy_pages(shoot, anna, live_session):
    live_session.stream_links = (
        "https://www.youtube.com/watch?v=klinikum\nhttps://www.facebook.com/klinikum/live"
    )
    live_session.save()
    org = live_session.organisation  # the hospital's legal links in the audience page's footer
    org.imprint_url, org.privacy_url = (
        "https://klinikum.example/impressum",
        "https://klinikum.example/datenschutz",
    )
    org.save()
    busy(live_session)
    for lang in ("de", "en"):
        shoot(f"audience-mobile-{lang}", "/live/geburt/", lang=lang, width=390, height=844)
        shoot(f"moderate-{lang}", "/live/geburt/moderate/", anna, lang)
    shoot("audience-desktop-de", "/live/geburt/")
    shoot("moderate-mobile-de", "/live/geburt/moderate/", anna, width=390, height=844)
    shoot("present-de", "/live/geburt/present/", anna, height=720)
    shoot("setup-de", "/live/geburt/setup/", anna, wait_online=False)
    shoot("sessions-de", "/live/", anna, wait_online=False)


def test_long_german_words(shoot, anna, org):
    now = timezone.now()
    LiveSession.objects.create(
        organisation=org,
        title=f"{LONG}sprechstunde",
        slug="lang",
        doctors=f"Prof. Dr. {LONG}",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
        topic=LONG * 2,
    )
    session = LiveSession.objects.get(slug="lang")
    q = actions.approve(
        actions.submit_question(
            session, f"{LONG}{LONG}?", nickname="Wöchnerinnenstationsbesucherin", client="a"
        )
    )
    actions.pin(q)
    actions.approve(actions.submit_question(session, f"Und die {LONG}?", client="b"))
    shoot("long-audience-mobile", "/live/lang/", width=390, height=844)
    shoot("long-moderate-mobile", "/live/lang/moderate/", anna, width=390, height=844)
    shoot("long-present", "/live/lang/present/", anna, height=720)
