"""The Django admin lists what an operator may need to inspect, read-only where editing
would bypass the services, and never shows a channel's credentials."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from carecast.networks.models import Channel

LISTS = [
    "core/organisation",
    "core/department",
    "core/person",
    "core/invitation",
    "core/auditlog",
    "networks/channel",
    "stories/story",
    "stories/mediaasset",
    "publishing/publication",
    "publishing/attempt",
    "automation/source",
    "live/livesession",
    "inbox/inboxitem",
]


@pytest.fixture
def operator(db) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@klinikum.test", "pw-root")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def channel(org) -> Channel:
    channel = Channel(organisation=org, network="mastodon", name="Mastodon – Klinikum")
    channel.set_credentials({"access_token": "geheimes-token-123"})
    channel.save()
    return channel


@pytest.mark.parametrize("model", LISTS)
def test_it_lists_every_model_an_operator_needs(operator, org, model):
    assert operator.get(f"/admin/{model}/").status_code == 200


def test_it_shows_a_channel_without_its_credentials(operator, channel):
    body = operator.get(f"/admin/networks/channel/{channel.pk}/change/").content.decode()
    assert "Mastodon – Klinikum" in body
    assert "geheimes-token" not in body and channel.credentials_encrypted not in body
    assert "credentials" not in body


@pytest.mark.parametrize("model", ["core/person", "networks/channel", "publishing/publication"])
def test_it_offers_no_adding_where_services_decide(operator, org, model):
    assert operator.get(f"/admin/{model}/add/").status_code == 403


def test_it_refuses_changing_a_channel(operator, channel):
    url = f"/admin/networks/channel/{channel.pk}/change/"
    operator.post(url, {"name": "Umbenannt", "network": "x"})
    channel.refresh_from_db()
    assert channel.name == "Mastodon – Klinikum"
