"""Rights in the live consultation: a department runs its own sessions and announces them
on its own channels only (the review's high finding: a department editor with no channels
published on the hospital's main Mastodon and X accounts through announcements)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from carecast.core.models import Department, Person, Role
from carecast.live import actions, announce
from carecast.live.models import LiveSession, Status
from carecast.networks.models import Channel
from carecast.publishing.models import Publication
from carecast.publishing.services import PublishingError


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def main_accounts(org) -> list[Channel]:
    """The hospital's main accounts: the communications team's, no department."""
    return [
        Channel.objects.create(organisation=org, network=network, name=name, handle="klinikum")
        for network, name in (("mastodon", "Mastodon – Klinikum"), ("x", "X – Klinikum"))
    ]


@pytest.fixture
def babytown(org, geburtshilfe) -> Channel:
    return Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – Babytown",
        handle="babytown",
        department=geburtshilfe,
    )


@pytest.fixture
def brustzentrum_session(org, anna) -> LiveSession:
    """Another department's session, with a question flagged as health data."""
    brustzentrum = Department.objects.create(
        organisation=org, name="Brustzentrum", slug="brustzentrum"
    )
    start = timezone.now() + dt.timedelta(days=10)
    session = LiveSession.objects.create(
        organisation=org,
        department=brustzentrum,
        title="Live-Sprechstunde Brustkrebs",
        slug="brustkrebs",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        created_by=anna.user,
    )
    actions.submit_question(
        session, "Ich habe einen Knoten in der linken Brust ertastet", client="a"
    )
    return session


def _session_form(**fields) -> dict:
    return {
        "title": "Live-Sprechstunde Geburt",
        "slug": "geburt-2027",
        "starts_at": "2027-11-14T18:00",
        "ends_at": "2027-11-14T19:00",
        "accepting": "on",
        **fields,
    }


def test_it_offers_a_department_editor_only_their_own_channels(clara, main_accounts, babytown):
    page = login(clara).get("/live/new/").content.decode()
    assert f'value="{babytown.pk}"' in page
    for channel in main_accounts:
        assert f'name="channels" value="{channel.pk}"' not in page


def test_it_refuses_the_main_accounts_in_a_department_editors_session(
    clara, geburtshilfe, main_accounts
):
    response = login(clara).post(
        "/live/new/",
        _session_form(department=geburtshilfe.pk, channels=[c.pk for c in main_accounts]),
    )
    assert response.status_code == 200  # the form again, with its error; nothing saved
    assert "ist keine gültige Auswahl" in response.content.decode()
    assert not LiveSession.objects.exists()


def test_it_keeps_a_department_editor_in_their_department(clara, geburtshilfe, org):
    other = Department.objects.create(organisation=org, name="Brustzentrum", slug="bz")
    client = login(clara)
    assert client.post("/live/new/", _session_form(department=other.pk)).status_code == 200
    assert client.post("/live/new/", _session_form()).status_code == 200  # no whole hospital
    assert not LiveSession.objects.exists()
    client.post("/live/new/", _session_form(department=geburtshilfe.pk))
    assert LiveSession.objects.get().department == geburtshilfe


def test_it_keeps_the_teams_channels_when_a_department_editor_saves(
    clara, live_session, main_accounts, babytown
):
    live_session.channels.set([main_accounts[0], babytown])
    form = _session_form(
        title=live_session.title,
        slug=live_session.slug,
        department=live_session.department_id,
        channels=[babytown.pk],
    )
    assert login(clara).post("/live/geburt/setup/", form).status_code == 302
    assert set(live_session.channels.all()) == {main_accounts[0], babytown}


def test_it_never_announces_on_channels_the_creator_may_not_publish_to(
    clara, live_session, main_accounts
):
    live_session.channels.set(main_accounts)
    with pytest.raises(PublishingError, match="Mastodon – Klinikum"):
        announce.create_announcements(live_session, actor=clara.user)
    # A task runs without an actor: the session's creator is asked instead.
    live_session.created_by = clara.user
    live_session.save()
    with pytest.raises(PublishingError, match="X – Klinikum"):
        announce.create_announcements(live_session)
    assert not Publication.objects.exists() and not live_session.announcements.exists()


def test_it_announces_nothing_when_nobody_vouches_for_it(live_session, main_accounts):
    live_session.channels.set(main_accounts)
    live_session.created_by = None
    live_session.save()
    with pytest.raises(PublishingError):
        announce.create_announcements(live_session)
    assert not Publication.objects.exists()


def test_it_tells_a_department_editor_why_the_announcements_did_not_go_out(
    clara, live_session, main_accounts
):
    live_session.channels.set(main_accounts)
    response = login(clara).post("/live/geburt/announce/", follow=True)
    assert "Sie dürfen auf “Mastodon – Klinikum”, “X – Klinikum” nicht" in (
        response.content.decode()
    )
    assert not Publication.objects.exists()


def test_it_announces_on_the_department_editors_own_channel(clara, live_session, babytown):
    live_session.starts_at = timezone.now() + dt.timedelta(days=10)
    live_session.ends_at = live_session.starts_at + dt.timedelta(hours=1)
    live_session.save()
    live_session.channels.set([babytown])
    made = announce.create_announcements(live_session, actor=clara.user)
    assert len(made) == 4 and {p.channel for p in made} == {babytown}


@pytest.mark.parametrize(
    "path",
    ["moderate/", "moderate/queue/", "present/", "present/board/", "setup/", "questions.csv"],
)
def test_it_keeps_a_department_editor_out_of_another_departments_session(
    clara, brustzentrum_session, path
):
    assert login(clara).get(f"/live/brustkrebs/{path}").status_code == 404


def test_it_lets_no_department_editor_reject_another_departments_questions(
    clara, brustzentrum_session
):
    question = brustzentrum_session.questions.get()
    response = login(clara).post(f"/live/brustkrebs/moderate/{question.pk}/reject/")
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.status == Status.PENDING


def test_it_lists_only_the_department_editors_own_sessions(
    clara, live_session, brustzentrum_session
):
    page = login(clara).get("/live/").content.decode()
    assert live_session.title in page and brustzentrum_session.title not in page


def test_it_lets_the_department_editor_run_their_own_session(clara, live_session):
    client = login(clara)
    for path in ("moderate/", "present/", "setup/", "questions.csv"):
        assert client.get(f"/live/geburt/{path}").status_code == 200, path


def test_it_keeps_read_only_people_off_the_desk(org, live_session, django_user_model):
    user = django_user_model.objects.create_user("vera", "vera@klinikum.test", "pw")
    Person.objects.create(user=user, organisation=org, role=Role.VIEWER)
    viewer = Client()
    viewer.force_login(user)
    assert viewer.get("/live/geburt/moderate/").status_code == 403
