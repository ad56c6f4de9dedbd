"""Hiding a comment under the hospital's post, from the inbox (X hides replies; the
sandbox speaks PUT /2/tweets/:id/hidden)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carecast.core.models import AuditLog, Person, Role
from carecast.inbox import fetch
from carecast.inbox.models import InboxItem
from carecast.networks.base import PostRequest
from tests.inbox.conftest import client_for

HEALTH = "Ich bin Diabetikerin und lag letzte Woche bei euch auf Station 4"


def _comment_under_our_post(sandbox, channel, text: str) -> InboxItem:
    connector = channel.rules.connector(channel.account())
    ours = connector.publish(
        PostRequest(key=f"ours-{channel.pk}", text="Neu: die Diabetesberatung.")
    )
    connector.close()
    sandbox.add_comment(channel.network, ours.remote_id, text, author="lena")
    fetch.fetch_channel(channel)
    return InboxItem.objects.get(channel=channel, author="lena")


@pytest.fixture
def x(channel_on):
    return channel_on("x", handle="KlinikumMS", name="X – Klinikum")


def test_the_team_hides_health_data_on_x_from_the_inbox(sandbox, x, ben):
    item = _comment_under_our_post(sandbox, x, HEALTH)
    assert "health_data" in item.labels
    client = client_for(ben)
    assert "Auf X ausblenden" in client.get(reverse("inbox:list")).content.decode()

    response = client.post(reverse("inbox:hide", args=[item.pk]), {"next": "/inbox/"})

    assert response.status_code == 302
    assert sandbox.store.post("x", item.remote_id)["data"]["hidden"] is True
    item.refresh_from_db()
    assert item.hidden_at is not None
    assert AuditLog.objects.get(action="inbox.hidden").actor == ben.user
    html = client.get(reverse("inbox:list")).content.decode()
    assert "im Netzwerk ausgeblendet" in html and "Auf X ausblenden" not in html


def test_hiding_is_not_offered_for_a_complaint_or_where_the_network_cannot(
    sandbox, x, channel_on, ben
):
    _comment_under_our_post(sandbox, x, "Seit 40 Minuten in der Warteschleife. Unmöglich.")
    mastodon = channel_on("mastodon", name="Mastodon – Klinikum")
    _comment_under_our_post(sandbox, mastodon, HEALTH)
    html = client_for(ben).get(reverse("inbox:list")).content.decode()
    assert "Warteschleife" in html and "Diabetikerin" in html
    assert "ausblenden</button>" not in html


def test_an_expired_token_is_said_and_nothing_is_marked(sandbox, x, ben):
    item = _comment_under_our_post(sandbox, x, HEALTH)
    sandbox.revoke(x.get_credentials()["access_token"])
    client = client_for(ben)
    client.post(reverse("inbox:hide", args=[item.pk]), {"next": "/inbox/"})
    html = client.get(reverse("inbox:list")).content.decode()
    assert "Zugang abgelaufen" in html
    item.refresh_from_db()
    assert item.hidden_at is None and not AuditLog.objects.filter(action="inbox.hidden").exists()


def test_viewers_cannot_hide(sandbox, x, org, django_user_model):
    item = _comment_under_our_post(sandbox, x, HEALTH)
    user = django_user_model.objects.create_user("vera", "vera@example.test", "pw")
    viewer = Person.objects.create(user=user, organisation=org, role=Role.VIEWER)
    assert client_for(viewer).post(reverse("inbox:hide", args=[item.pk])).status_code == 403
    assert "hidden" not in sandbox.store.post("x", item.remote_id)["data"]
