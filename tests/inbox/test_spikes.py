"""A spike of negative comments on one post or one channel: whoever is on duty is told once per
spike (the emergency path: in carecast and by e-mail), the inbox shows a banner, the lead sets
the threshold. Time is pinned; comments arrive from the Mastodon sandbox."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from carecast.core.models import AuditLog
from carecast.inbox import fetch, spikes
from carecast.inbox.models import DutyShift, InboxItem, Notification, SpikeAlert, SpikeSettings
from tests.inbox.conftest import client_for

NOON = dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC)
COMPLAINTS = [
    "Unmöglich, ich warte seit drei Stunden in der Notaufnahme und niemand sagt etwas!",
    "Katastrophe, das Essen war kalt und das Personal unfreundlich. Beschwerde!",
    "Ihr seid Idioten, ein Saftladen!",
    "Unverschämt: Termin abgesagt ohne Info. Ich beschwere mich!",
    "Eine Zumutung, die Parkplätze sind dauernd voll und teuer. Unmöglich!",
    "Skandal, seit Tagen erreicht man telefonisch niemanden. Frechheit!",
]


@pytest.fixture
def on_duty(ben, time_machine):
    time_machine.move_to(NOON, tick=False)
    return DutyShift.objects.create(
        organisation=ben.organisation,
        person=ben,
        starts_at=NOON - dt.timedelta(hours=1),
        ends_at=NOON + dt.timedelta(hours=8),
    )


@pytest.fixture
def complain(sandbox, mastodon, comment, django_capture_on_commit_callbacks):
    def post(texts, minutes_apart: float, time_machine, start=None):
        moment = start or timezone.now()
        for n, text in enumerate(texts):
            time_machine.move_to(moment + dt.timedelta(minutes=n * minutes_apart), tick=False)
            comment(text, handle=f"patient{n}")
            with django_capture_on_commit_callbacks(execute=True):
                fetch.fetch_channel(mastodon)
        return moment

    return post


def negative_items() -> int:
    return sum(spikes.is_negative(item) for item in InboxItem.objects.all())


def test_the_comments_used_here_are_triaged_as_complaints(complain, time_machine, on_duty):
    complain(COMPLAINTS, 1, time_machine)
    assert negative_items() == len(COMPLAINTS)


def test_it_tells_the_person_on_duty_once_per_spike_and_shows_a_banner(
    complain, time_machine, on_duty, ben, anna
):
    SpikeSettings.objects.create(organisation=ben.organisation, threshold=4, window_minutes=60)
    complain(COMPLAINTS, 2, time_machine)
    [alert] = SpikeAlert.objects.all()
    assert alert.post_id == "" and alert.count == len(COMPLAINTS) and alert.ended_at is None
    [notice] = Notification.objects.all()
    assert notice.recipient == ben and notice.spike == alert and notice.item is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ben@klinikum.test"]
    assert "negative" in mail.outbox[0].subject.lower() or "Kommentare" in mail.outbox[0].subject
    assert "Notaufnahme" not in mail.outbox[0].body  # no comment text in e-mails

    html = client_for(anna).get(reverse("inbox:list")).content.decode()
    assert 'class="banner banner-warning inbox-spike"' in html and "Mastodon – Klinikum" in html
    # The emergency badge counts emergencies only.
    assert 'class="nav-alert"' not in client_for(ben).get(reverse("inbox:list")).content.decode()


def test_a_quiet_window_ends_the_spike_and_a_new_one_tells_again(
    complain, time_machine, on_duty, ben
):
    SpikeSettings.objects.create(
        organisation=ben.organisation, threshold=3, window_minutes=30, factor=1
    )
    complain(COMPLAINTS[:3], 1, time_machine)
    assert SpikeAlert.objects.count() == 1 and Notification.objects.count() == 1
    start = timezone.now() + dt.timedelta(hours=2)
    complain(COMPLAINTS[3:], 1, time_machine, start=start)
    alerts = list(SpikeAlert.objects.order_by("pk"))
    assert len(alerts) == 2 and alerts[0].ended_at is not None and alerts[1].ended_at is None
    assert Notification.objects.count() == 2


def test_a_steady_trickle_below_the_threshold_tells_nobody(complain, time_machine, on_duty, ben):
    SpikeSettings.objects.create(
        organisation=ben.organisation, threshold=4, window_minutes=60, factor=3
    )
    # A complaint every 20 minutes for 20 hours: never four within an hour.
    start = NOON - dt.timedelta(hours=20)
    complain(COMPLAINTS * 10, 20, time_machine, start=start)
    assert not SpikeAlert.objects.exists() and not Notification.objects.exists()


def test_a_channel_that_always_gets_this_many_has_no_spike(
    mastodon, complain, time_machine, on_duty, ben
):
    """Six an hour all week is this channel's usual: four in an hour is no spike, 15 is."""
    SpikeSettings.objects.create(
        organisation=ben.organisation, threshold=3, window_minutes=60, factor=2
    )
    week = [
        InboxItem(
            organisation=mastodon.organisation,
            channel=mastodon,
            remote_id=f"old-{n}",
            text="Beschwerde",
            received_at=NOON - dt.timedelta(minutes=70 + 10 * n),
        )
        for n in range(6 * 24 * 6)
    ]
    for item in week:
        item.set_labels(["complaint"])
    InboxItem.objects.bulk_create(week)
    complain(COMPLAINTS[:4], 5, time_machine, start=NOON)
    assert not SpikeAlert.objects.exists()
    complain(COMPLAINTS * 2, 4, time_machine, start=NOON + dt.timedelta(minutes=16))
    [alert] = SpikeAlert.objects.all()
    assert alert.count >= 11 and 5 < alert.usual < 5.3


def test_spread_out_complaints_stay_below_the_threshold(complain, time_machine, on_duty, ben):
    SpikeSettings.objects.create(organisation=ben.organisation, threshold=4, window_minutes=60)
    complain(COMPLAINTS, 45, time_machine)  # one every 45 minutes: never 4 within an hour
    assert not SpikeAlert.objects.exists()


def test_seen_hides_the_banner_for_everyone(complain, time_machine, on_duty, ben, anna):
    SpikeSettings.objects.create(organisation=ben.organisation, threshold=4)
    complain(COMPLAINTS, 1, time_machine)
    alert = SpikeAlert.objects.get()
    client_for(ben).post(reverse("inbox:spike_seen", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.seen_by == ben.user
    assert Notification.objects.get().read_at is not None
    assert "inbox-spike" not in client_for(anna).get(reverse("inbox:list")).content.decode()


def test_a_spike_on_one_post_is_its_own_alert(mastodon, sandbox, ben, time_machine, on_duty):
    SpikeSettings.objects.create(organisation=ben.organisation, threshold=3, factor=1)
    post = httpx.post(
        f"{sandbox.base_url}/api/v1/statuses",
        data={"status": "Unser neuer Parkplatz ist eröffnet."},
        headers={"Authorization": "Bearer token-mastodon-klinikum"},
    ).json()
    for n, text in enumerate(COMPLAINTS[:3]):
        time_machine.move_to(NOON + dt.timedelta(minutes=n), tick=False)
        token = f"token-p{n}"
        sandbox.add_account("mastodon", f"p{n}", token)
        httpx.post(
            f"{sandbox.base_url}/api/v1/statuses",
            data={"status": f"@klinikum {text}", "in_reply_to_id": post["id"]},
            headers={"Authorization": f"Bearer {token}"},
        ).raise_for_status()
        fetch.fetch_channel(mastodon)
    scopes = sorted(SpikeAlert.objects.values_list("post_id", flat=True))
    assert scopes == ["", post["id"]]
    assert Notification.objects.filter(recipient=ben).count() == 2


def test_the_lead_sets_the_threshold_on_the_rota_page(anna, ben):
    client = client_for(anna)
    response = client.post(
        reverse("inbox:spike_settings"), {"threshold": "8", "window_minutes": "30", "factor": "4"}
    )
    assert response.status_code == 302
    rules = SpikeSettings.objects.get()
    assert (rules.threshold, rules.window_minutes, rules.factor) == (8, 30, 4)
    assert AuditLog.objects.get().action == "inbox.spike_settings"
    bad = client.post(
        reverse("inbox:spike_settings"), {"threshold": "1", "window_minutes": "30", "factor": "4"}
    )
    assert bad.status_code == 200 and "Zwischen 2 und 500" in bad.content.decode()
    assert (
        client_for(ben)
        .post(
            reverse("inbox:spike_settings"),
            {"threshold": "3", "window_minutes": "30", "factor": "1"},
        )
        .status_code
        == 403
    )
    html = client_for(ben).get(reverse("inbox:duty")).content.decode()
    assert "8 oder mehr" in html
