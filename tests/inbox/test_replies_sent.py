"""Replies: guarded before they leave, sent exactly once, unconfirmed when the answer is lost."""

from __future__ import annotations

import pytest
from django.utils import translation

from carecast.inbox import fetch, send, services, tasks
from carecast.inbox.models import InboxItem, InboxReply, ReplyState, Status

SAFE = "Danke für Ihre Nachricht! Bitte schreiben Sie uns eine Direktnachricht, dann helfen wir gern weiter."
CONFIRMS = "Ihr Aufenthalt auf Station 4 tut uns leid, wir melden uns."


@pytest.fixture
def item(mastodon, comment) -> InboxItem:
    comment("Ich war letzte Woche auf Station 4 und das Essen war kalt!")
    fetch.fetch_channel(mastodon)
    return InboxItem.objects.get()


def test_the_guard_blocks_a_reply_that_confirms_a_patient(item, ben, sandbox):
    with translation.override("de"):
        outcome = services.queue_reply(item, CONFIRMS, ben.user)
    assert outcome.blocked
    blocking = {f.id: f for f in outcome.findings if f.blocks}
    assert "privacy.patient_confirmation" in blocking
    assert "Aufenthalt" in blocking["privacy.patient_confirmation"].message
    assert not InboxReply.objects.exists()
    assert not [p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]


def test_a_harmless_reply_is_sent_as_a_reply(
    item, ben, sandbox, django_capture_on_commit_callbacks
):
    assert not [f for f in services.check_reply(SAFE) if f.blocks]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.queue_reply(item, SAFE, ben.user)
    reply = InboxReply.objects.get(pk=outcome.reply.pk)
    assert reply.state == ReplyState.SENT and reply.remote_id
    [posted] = [p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]
    assert posted["text"].endswith(SAFE) and posted["data"]["in_reply_to_id"] == item.remote_id
    item.refresh_from_db()
    assert item.status == Status.ANSWERED and item.handled_by == ben.user
    request = sandbox.requests("mastodon", "/api/v1/statuses", "POST")[-1]
    assert request["headers"].get("idempotency-key") == f"carecast-reply-{reply.pk}"


def test_a_reply_is_sent_once_when_the_task_runs_twice(item, ben, sandbox):
    reply = InboxReply.objects.create(item=item, text=SAFE, author=ben.user)
    assert tasks.send_reply.call_local(reply.pk) == ReplyState.SENT
    assert tasks.send_reply.call_local(reply.pk) is None  # not ours any more: nothing sent
    assert tasks.reconcile_replies.call_local() == 0
    assert len([p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]) == 1


def test_a_lost_answer_makes_the_reply_unconfirmed_and_never_resends_it(item, ben, sandbox):
    reply = InboxReply.objects.create(item=item, text=SAFE, author=ben.user)
    sandbox.inject_fault(
        network="mastodon", path="/api/v1/statuses", method="POST", mode="accept_then_drop"
    )
    assert send.send(reply.pk) == ReplyState.UNCONFIRMED
    reply.refresh_from_db()
    assert reply.state == ReplyState.UNCONFIRMED and reply.error
    assert send.send(reply.pk) is None and tasks.reconcile_replies.call_local() == 0
    assert len([p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]) == 1
    item.refresh_from_db()
    assert item.status == Status.OPEN  # nobody knows yet: still on the desk


def test_a_timeout_after_sending_is_unconfirmed(item, ben, sandbox, settings):
    settings.CARECAST_HTTP_TIMEOUT = 1
    reply = InboxReply.objects.create(item=item, text=SAFE, author=ben.user)
    sandbox.inject_fault(
        network="mastodon", path="/api/v1/statuses", method="POST", mode="delay", seconds=3
    )
    assert send.send(reply.pk) == ReplyState.UNCONFIRMED


def test_a_person_settles_an_unconfirmed_reply(
    item, ben, sandbox, django_capture_on_commit_callbacks
):
    reply = InboxReply.objects.create(item=item, text=SAFE, author=ben.user)
    sandbox.inject_fault(
        network="mastodon", path="/api/v1/statuses", method="POST", mode="accept_then_drop"
    )
    send.send(reply.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.settle_unconfirmed(reply, arrived=False, user=ben.user)
    reply.refresh_from_db()
    # Sent again with the same key: Mastodon recognises it and does not post a second time.
    assert reply.state == ReplyState.SENT
    assert len([p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]) == 1


def test_a_refused_reply_fails_with_the_networks_message(item, ben, sandbox):
    reply = InboxReply.objects.create(item=item, text=SAFE, author=ben.user)
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", method="POST", status=422)
    assert send.send(reply.pk) == ReplyState.FAILED
    reply.refresh_from_db()
    assert reply.error and not reply.outcome_unknown


def test_a_rate_limited_reply_waits_and_is_sent_later(item, ben, sandbox, time_machine):
    reply = InboxReply.objects.create(item=item, text=SAFE, author=ben.user)
    sandbox.inject_fault(
        network="mastodon", path="/api/v1/statuses", method="POST", status=429, retry_after=60
    )
    assert send.send(reply.pk) == ReplyState.SENDING
    reply.refresh_from_db()
    assert reply.next_attempt_at and not reply.outcome_unknown
    assert send.send(reply.pk) is None  # not due yet
    time_machine.move_to(reply.next_attempt_at)
    assert tasks.reconcile_replies.call_local() == 1
    reply.refresh_from_db()
    assert reply.state == ReplyState.SENT


def test_a_reply_on_a_paused_channel_fails_without_a_request(item, ben, sandbox, mastodon):
    mastodon.status, mastodon.status_reason = "paused", "Zugang abgelaufen"
    mastodon.save()
    reply = InboxReply.objects.create(item=item, text=SAFE, author=ben.user)
    before = len(sandbox.requests("mastodon", "/api/v1/statuses", "POST"))
    assert send.send(reply.pk) == ReplyState.FAILED
    reply.refresh_from_db()
    assert "Zugang abgelaufen" in reply.error and not reply.outcome_unknown
    assert len(sandbox.requests("mastodon", "/api/v1/statuses", "POST")) == before


def test_a_reply_whose_worker_died_mid_send_becomes_unconfirmed(item, ben, sandbox):
    import datetime as dt

    from django.utils import timezone

    long_ago = timezone.now() - dt.timedelta(hours=1)
    reply = InboxReply.objects.create(
        item=item, text=SAFE, author=ben.user, claim_token="dead", claimed_at=long_ago
    )
    InboxReply.objects.filter(pk=reply.pk).update(outcome_unknown=True)
    tasks.reconcile_replies.call_local()
    reply.refresh_from_db()
    assert reply.state == ReplyState.UNCONFIRMED and reply.claim_token == ""
    assert not [p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]
