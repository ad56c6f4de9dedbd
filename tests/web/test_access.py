"""Who may see what: anonymous people sign in first, outsiders get nothing, department
editors see only their department's channels, stories and posts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from carecast.core.models import Person, Role
from carecast.publishing.models import State
from tests.web.conftest import login

PAGES = ["/", "/stories/", "/stories/new/", "/calendar/", "/calendar/?view=month", "/channels/"]


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_anonymous_people_to_login(org, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_it_sends_anonymous_people_to_login_for_a_publication(failed):
    response = Client().get(f"/publications/{failed.pk}/")
    assert response.status_code == 302


def test_login_page_is_german_by_default(org):
    response = Client().get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Anmelden" in body and "Benutzername" in body and 'lang="de"' in body


@pytest.mark.parametrize("path", PAGES)
def test_it_refuses_people_outside_any_organisation(org, path):
    otto = get_user_model().objects.create_user("otto", "otto@example.test", "pw-otto")
    client = Client()
    client.force_login(otto)
    assert client.get(path).status_code == 403


def test_department_editor_sees_only_department_channels(clara_client, babytown, mastodon, x_jobs):
    body = clara_client.get("/channels/").content.decode()
    assert "Mastodon – Babytown" in body
    assert "Mastodon – Klinikum" not in body and "X – Jobs" not in body


def test_department_editor_composes_only_for_department_channels(clara_client, babytown, mastodon):
    body = clara_client.get("/stories/new/").content.decode()
    assert f'value="{babytown.pk}"' in body
    assert f'name="channels" value="{mastodon.pk}"' not in body


def test_department_editor_sees_only_department_posts(clara_client, busy_week):
    week = clara_client.get("/calendar/").content.decode()
    assert "Babytown: Besuchszeiten" in week
    assert "Infoabend für werdende Eltern" not in week
    assert "Pflegefachkraft gesucht" not in clara_client.get("/").content.decode()


def test_department_editor_cannot_open_other_posts(clara_client, failed, busy_week):
    assert clara_client.get(f"/publications/{failed.pk}/").status_code == 404
    assert clara_client.get(f"/stories/{failed.variant.story_id}/").status_code == 404
    assert clara_client.post(f"/publications/{failed.pk}/resend/").status_code == 404
    own = busy_week["scheduled_late"]
    assert clara_client.get(f"/publications/{own.pk}/").status_code == 200


def test_department_editor_cannot_post_to_other_channels(
    clara_client, clara, babytown, mastodon, geburtshilfe
):
    response = clara_client.post(
        "/stories/new/",
        {
            "title": "Kreißsaalführung",
            "text": "Jeden Dienstag.",
            "department": geburtshilfe.pk,
            "channels": [babytown.pk, mastodon.pk],
            "action": "save",
        },
    )
    assert response.status_code == 200  # the foreign channel is not a valid choice
    assert "channels" in response.context["form"].errors


def test_department_editor_cannot_edit_hospital_wide_stories(clara_client, story_for, mastodon):
    story = story_for(mastodon)
    assert clara_client.get(f"/stories/{story.pk}/edit/").status_code == 404


def test_viewers_read_but_do_not_act(org, failed):
    user = get_user_model().objects.create_user("vera", "vera@example.test", "pw-vera")
    vera = Person.objects.create(user=user, organisation=org, role=Role.VIEWER)
    client = login(vera)
    assert client.get(f"/publications/{failed.pk}/").status_code == 200
    assert "Erneut senden" not in client.get(f"/publications/{failed.pk}/").content.decode()
    assert client.get("/stories/new/").status_code == 403
    assert client.post(f"/publications/{failed.pk}/resend/").status_code == 403
    failed.refresh_from_db()
    assert failed.state == State.FAILED


def test_other_organisations_stay_invisible(anna_client, channel_factory, publication_factory):
    from carecast.core.models import Organisation
    from carecast.networks.models import Channel

    other = Organisation.objects.create(name="Stadtklinik", slug="stadtklinik")
    channel = Channel.objects.create(organisation=other, network="x", name="X – Stadtklinik")
    publication = publication_factory(channel, State.FAILED)
    assert anna_client.get(f"/publications/{publication.pk}/").status_code == 404
    assert "X – Stadtklinik" not in anna_client.get("/channels/").content.decode()


def test_the_refusal_page_says_why(org):
    otto = get_user_model().objects.create_user("otto", "otto@example.test", "pw-otto")
    client = Client()
    client.force_login(otto)
    body = client.get("/").content.decode()
    assert "Kein Zugang" in body and "gehört zu keiner Organisation" in body
