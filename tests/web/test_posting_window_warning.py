"""The composer warns before planning outside a channel's posting windows (e.g. 03:54 on a
channel that posts 07–21), and says nothing inside them or on a channel without windows."""

from __future__ import annotations

from tests.web.test_composer import _form

WEDNESDAY = "2030-06-05"  # a Wednesday in summer time


def _note(client, channels, due):
    return client.post("/compose/live/due/", _form(channels, due=due)).content.decode()


def test_it_warns_when_planning_outside_the_posting_window(anna_client, mastodon, x_jobs):
    mastodon.posting_windows = [{"days": [0, 1, 2, 3, 4], "start": "07:00", "end": "21:00"}]
    mastodon.save()
    body = _note(anna_client, [mastodon, x_jobs], f"{WEDNESDAY}T03:54")
    assert (
        f"{mastodon.name}: 03:54 Uhr liegt außerhalb der Sendezeiten des Kanals "
        "(07:00–21:00 Uhr)." in body
    )
    assert x_jobs.name not in body  # no windows: posts at any time
    assert "Sendezeiten" not in _note(anna_client, [mastodon], f"{WEDNESDAY}T10:00")
    assert "Sendezeiten" in _note(anna_client, [mastodon], f"{WEDNESDAY}T21:00")  # end is open


def test_it_warns_on_a_day_without_posting_times(anna_client, mastodon):
    mastodon.posting_windows = [{"days": [0, 1, 2, 3, 4], "start": "07:00", "end": "21:00"}]
    mastodon.save()
    body = _note(anna_client, [mastodon], "2030-06-08T10:00")  # a Saturday
    assert f"{mastodon.name}: 10:00 Uhr liegt an einem Tag ohne Sendezeiten dieses Kanals." in body


def test_it_reads_the_window_in_the_channels_time_zone(anna_client, mastodon):
    mastodon.posting_windows = [{"days": [2], "start": "07:00", "end": "21:00"}]
    mastodon.timezone = "Europe/London"  # one hour behind Berlin
    mastodon.save()
    assert "Sendezeiten" in _note(anna_client, [mastodon], f"{WEDNESDAY}T07:30")  # 06:30 there
    assert "Sendezeiten" not in _note(anna_client, [mastodon], f"{WEDNESDAY}T08:30")
