"""The pages over HTTP: the public question page, moderation, presenter, setup, CSV and recap."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import translation

from carecast.live import actions, recap
from carecast.live.models import LiveSession, Question, Status
from carecast.stories.models import Story

EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script> Wann ist Besuchszeit?'


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_it_takes_a_question_from_an_anonymous_visitor(live_session, client):
    page = client.get("/live/geburt/")
    assert page.status_code == 200
    assert "carecast_live" in page.cookies
    response = client.post("/live/geburt/ask/", {"text": EVIL, "nickname": "<b>Lena</b>"})
    assert "Danke" in response.content.decode()
    question = Question.objects.get()
    assert question.status == Status.PENDING and question.client


def test_it_names_the_hospital_with_imprint_and_privacy_links(live_session, client):
    org = live_session.organisation
    org.imprint_url, org.privacy_url = (
        "https://klinikum.example/impressum",
        "https://klinikum.example/datenschutz",
    )
    org.save()
    html = client.get("/live/geburt/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f"{org.name} · Live-Sprechstunde" in html
    assert '<a href="https://klinikum.example/impressum">Impressum</a>' in html
    assert '<a href="https://klinikum.example/datenschutz">Datenschutzerklärung</a>' in html


def test_it_never_renders_what_a_visitor_typed_as_html(live_session, client):
    question = actions.submit_question(live_session, EVIL, nickname="<b>Lena</b>", client="a")
    actions.approve(question)
    for path in ("/live/geburt/", "/live/geburt/board/"):
        html = client.get(path).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Lena" not in html
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_it_hides_waiting_and_rejected_questions_from_the_audience(live_session, client):
    waiting = actions.submit_question(live_session, "Gibt es Familienzimmer im Haus?", client="a")
    rejected = actions.submit_question(live_session, "Werbung für meinen Shop hier!!", client="b")
    actions.reject(rejected)
    html = client.get("/live/geburt/board/").content.decode()
    assert waiting.text not in html and rejected.text not in html
    assert "Noch keine Fragen" in html


def test_it_counts_a_visitors_vote_once(live_session, client):
    question = actions.approve(
        actions.submit_question(live_session, "Gibt es Familienzimmer?", client="a")
    )
    client.get("/live/geburt/")
    assert client.post(f"/live/geburt/vote/{question.pk}/").content == b"1"
    assert client.post(f"/live/geburt/vote/{question.pk}/").status_code == 409


def test_it_lets_the_comms_team_moderate(live_session, anna):
    question = actions.submit_question(
        live_session, "Darf der Partner mit in den Kreißsaal?", client="a"
    )
    desk = login(anna)
    assert desk.get("/live/geburt/moderate/").status_code == 200
    html = desk.post(
        f"/live/geburt/moderate/{question.pk}/approve/", {"public_text": question.text}
    ).content.decode()
    assert "Freigegeben" in html
    desk.post(f"/live/geburt/moderate/{question.pk}/pin/")
    question.refresh_from_db()
    assert question.status == Status.ANSWERING
    assert question.public_text in desk.get("/live/geburt/present/").content.decode()
    desk.post(f"/live/geburt/moderate/{question.pk}/answered/", {"note": "Ja, eine Person."})
    question.refresh_from_db()
    assert (question.status, question.answer_note) == (Status.ANSWERED, "Ja, eine Person.")


def test_it_shows_the_moderator_why_a_question_is_held(live_session, anna):
    question = actions.submit_question(
        live_session, "Ich habe Brustschmerzen und Atemnot, was tun?", client="a"
    )
    desk = login(anna)
    html = desk.get("/live/geburt/moderate/").content.decode()
    assert "Notfall?" in html
    html = desk.post(
        f"/live/geburt/moderate/{question.pk}/approve/", {"public_text": question.text}
    ).content.decode()
    assert 'role="alert"' in html
    question.refresh_from_db()
    assert question.status == Status.PENDING


def test_it_suggests_similar_questions_to_merge(live_session, anna):
    first = actions.approve(
        actions.submit_question(
            live_session, "Darf der Partner beim Kaiserschnitt dabei sein?", client="a"
        )
    )
    actions.submit_question(
        live_session, "Kann der Partner beim Kaiserschnitt dabei sein?", client="b"
    )
    html = login(anna).get("/live/geburt/moderate/queue/").content.decode()
    assert f'name="into" value="{first.pk}"' in html


def test_it_keeps_other_hospitals_and_outsiders_out(live_session, clara, client, django_user_model):
    assert client.get("/live/geburt/moderate/").status_code == 302  # to the login
    otto = django_user_model.objects.create_user("otto", "otto@example.test", "pw")
    outsider = Client()
    outsider.force_login(otto)
    assert outsider.get("/live/geburt/moderate/").status_code == 403


def test_it_sets_up_a_session(anna, geburtshilfe):
    desk = login(anna)
    assert desk.get("/live/new/").status_code == 200
    response = desk.post(
        "/live/new/",
        {
            "title": "Live-Sprechstunde Diabetes",
            "slug": "diabetes",
            "department": geburtshilfe.pk,
            "doctors": "Dr. Jonas Brandt",
            "starts_at": "2027-11-14T18:00",
            "ends_at": "2027-11-14T19:00",
            "stream_links": "https://www.youtube.com/watch?v=abc",
            "accepting": "on",
        },
    )
    assert response.status_code == 302
    session = LiveSession.objects.get(slug="diabetes")
    assert session.starts_at.hour == 17  # 18:00 in Berlin is 17:00 UTC in November
    assert desk.get("/live/").content.decode().count("Live-Sprechstunde Diabetes") == 1


def test_it_exports_the_questions_as_csv(live_session, anna):
    question = actions.submit_question(
        live_session, '=HYPERLINK("http://x") Wann ist Besuchszeit?', nickname="Lena", client="a"
    )
    actions.approve(actions.edit(question, "Wann ist Besuchszeit?"))
    response = login(anna).get("/live/geburt/questions.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "created_at", "source"]
    assert rows[1][6].startswith("'=HYPERLINK")  # no formula in a spreadsheet
    assert rows[1][7] == "Wann ist Besuchszeit?"


@pytest.mark.parametrize(
    ("doctors", "verb"),
    [
        ("Tom Schulz, Diabetesberater", "hat geantwortet"),
        ("Dr. Maria Weber, Chefärztin; Tom Schulz, Diabetesberater", "haben geantwortet"),
        ("Dr. Maria Weber und Tom Schulz", "haben geantwortet"),
    ],
)
def test_it_writes_the_recap_in_good_german(live_session, doctors, verb):
    live_session.title = "Live-Sprechstunde: Diabetes im Alltag"
    live_session.doctors = doctors
    with translation.override("de"):
        text = recap.recap_text(live_session)
    assert f"{doctors} {verb}:" in text
    assert "Live-Sprechstunde „Diabetes im Alltag“" in text


def test_it_drafts_the_recap_story(live_session, anna, channel_on):
    live_session.channels.set([channel_on("mastodon")])
    question = actions.approve(
        actions.submit_question(live_session, "Darf der Partner mit in den Kreißsaal?", client="a")
    )
    actions.mark_answered(question, "Ja, eine Begleitperson ist immer erlaubt.")
    actions.approve(actions.submit_question(live_session, "Gibt es Familienzimmer?", client="b"))
    response = login(anna).post("/live/geburt/recap/")
    story = Story.objects.get()
    assert response["Location"] == f"/stories/{story.pk}/edit/"
    assert "Darf der Partner mit in den Kreißsaal?" in story.text
    assert "Ja, eine Begleitperson" in story.text
    assert "Familienzimmer" not in story.text
    assert story.variants.count() == 1


def test_it_fits_whole_questions_into_the_x_recap(live_session, anna, channel_on):
    x, mastodon = channel_on("x"), channel_on("mastodon")
    live_session.channels.set([x, mastodon])
    asked = []
    for n in range(6):
        text = f"Frage {n}: Wie lange dauert die Erholung?"
        question = actions.approve(actions.submit_question(live_session, text, client=f"c{n}"))
        actions.mark_answered(question, f"Antwort {n}: meist sechs bis acht Wochen.")
        asked.append(text)
    with translation.override("de"):
        story = recap.create_recap(live_session, actor=anna.user)
    x_text = story.variants.get(channel=x).text
    assert "…" not in x_text
    assert x.rules.count_text(x_text) <= x.text_limit
    shown = [n for n in range(6) if f"Frage {n}:" in x_text]
    assert shown and len(shown) < 6  # some whole questions, not all of them
    for n in shown:  # each question shown with its whole answer
        assert asked[n] in x_text and f"Antwort {n}: meist sechs bis acht Wochen" in x_text
    assert "/live/geburt/" in x_text
    assert "„Geburt“" in x_text  # the title "Live-Sprechstunde Geburt" said once


def test_it_lets_the_moderator_change_or_remove_the_name_shown(live_session, anna, client):
    question = actions.submit_question(
        live_session, "Wie lange dauert das Wochenbett?", nickname="Klaus Meier", client="a"
    )
    desk = login(anna)
    queue = desk.get("/live/geburt/moderate/queue/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Angezeigter Name (leer: ohne Namen)" in queue and 'value="Klaus Meier"' in queue
    desk.post(
        f"/live/geburt/moderate/{question.pk}/approve/",
        {"public_text": question.public_text, "nickname": "  "},
    )
    question.refresh_from_db()
    assert question.status == Status.APPROVED and question.nickname == ""
    assert "Klaus Meier" not in client.get("/live/geburt/").content.decode()
    assert "Klaus Meier" not in desk.get("/live/geburt/present/").content.decode()
    other = actions.submit_question(live_session, "Gibt es Familienzimmer?", nickname="Klaus M.")
    desk.post(f"/live/geburt/moderate/{other.pk}/approve/", {"nickname": "K."})
    other.refresh_from_db()
    assert other.nickname == "K." and other.status == Status.APPROVED
