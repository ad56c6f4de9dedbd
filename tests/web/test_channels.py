from __future__ import annotations

from tests.web.conftest import SANDBOX_URL


def test_it_lists_channels_with_limits_and_sandbox(anna_client, mastodon, x_jobs, bluesky, paused):
    body = anna_client.get("/channels/").content.decode()
    for name in ("Mastodon – Klinikum", "X – Jobs", "Bluesky – Klinikum"):
        assert name in body
    assert "500 Zeichen" in body and "280 Zeichen" in body and "300 Zeichen" in body
    assert "Sandbox" in body
    assert f'href="{SANDBOX_URL}"' in body and "Sandbox-Ansicht öffnen" in body
    assert "pausiert" in body and "Zugang abgelaufen" in body


def test_paused_channels_come_first(anna_client, mastodon, paused):
    channels = list(anna_client.get("/channels/").context["channels"])
    assert channels[0] == paused


def test_real_channels_have_no_sandbox_link(anna_client, channel_factory):
    channel_factory(
        "mastodon", "Mastodon – Echt", is_sandbox=False, base_url="https://mastodon.example"
    )
    body = anna_client.get("/channels/").content.decode()
    assert "Sandbox-Ansicht öffnen" not in body


def test_empty_state_explains_channels(anna_client):
    assert "Noch keine Kanäle." in anna_client.get("/channels/").content.decode()
