"""Replies to comments with a label the lead chose wait for approval, then go out once."""

from __future__ import annotations

import pytest

from carecast.approvals.models import Notice, ReplyLabelPolicy, ReplyReview, ReviewState
from carecast.core.models import AuditLog
from carecast.inbox import fetch
from carecast.inbox.models import InboxItem, InboxReply, ReplyState
from tests.inbox.conftest import client_for
from tests.web.test_approvals import compile_catalogue

compile_catalogue()
SAFE = "Das tut uns leid. Bitte schreiben Sie uns eine Direktnachricht, wir kümmern uns."
NEAR_BLOCK = "Sie waren bei uns auf Station 4? Bitte melden Sie sich per Direktnachricht."


@pytest.fixture
def complaint(mastodon, comment, org) -> InboxItem:
    comment("Ich habe drei Stunden in der Notaufnahme gewartet, eine Frechheit!")
    fetch.fetch_channel(mastodon)
    item = InboxItem.objects.get()
    assert "complaint" in item.labels
    ReplyLabelPolicy.objects.create(organisation=org, label="complaint")
    return item


def _ours(sandbox) -> list:
    return [p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]


def test_it_holds_a_reply_to_a_complaint_until_it_is_approved(
    complaint, ben, anna, sandbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ben).post(
            f"/inbox/{complaint.pk}/reply/", {"text": SAFE}, follow=True
        )
    assert "wartet auf Freigabe" in response.content.decode()
    review = ReplyReview.objects.get()
    assert review.text == SAFE and review.labels == complaint.labels
    assert not InboxReply.objects.exists() and not _ours(sandbox)
    assert Notice.objects.filter(recipient=anna, reply_review=review).exists()
    card = client_for(ben).get("/inbox/").content.decode()
    assert "in Freigabe" in card and f"/reviews/replies/{review.pk}/" in card

    page = client_for(anna).get(f"/reviews/replies/{review.pk}/").content.decode()
    assert "Notaufnahme gewartet" in page and SAFE in page and "Datenschutz-Befunde" in page
    assert (
        client_for(ben)
        .post(f"/reviews/replies/{review.pk}/decide/", {"decision": "approve"})
        .status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(anna).post(f"/reviews/replies/{review.pk}/decide/", {"decision": "approve"})
    review.refresh_from_db()
    assert review.state == ReviewState.APPROVED
    assert InboxReply.objects.get().state == ReplyState.SENT
    assert len(_ours(sandbox)) == 1
    with django_capture_on_commit_callbacks(execute=True):  # a second click changes nothing
        client_for(anna).post(f"/reviews/replies/{review.pk}/decide/", {"decision": "approve"})
    assert len(_ours(sandbox)) == 1 and InboxReply.objects.count() == 1
    assert AuditLog.objects.filter(action__in=["reply.submitted", "reply.approved"]).count() == 2


def test_it_shows_the_findings_beside_the_draft(complaint, ben, anna):
    from carecast.approvals import replies

    review = replies.submit(complaint, NEAR_BLOCK, ben)
    assert review.findings, "the checks should have something to say about a ward number"
    page = client_for(anna).get(f"/reviews/replies/{review.pk}/").content.decode()
    assert review.findings[0]["message"] in page


def test_it_lets_the_lead_reply_directly(
    complaint, anna, sandbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(anna).post(f"/inbox/{complaint.pk}/reply/", {"text": SAFE})
    assert not ReplyReview.objects.exists()
    assert len(_ours(sandbox)) == 1


def test_it_sends_back_a_rejected_reply_with_the_comment(complaint, ben, anna, sandbox):
    from carecast.approvals import replies

    review = replies.submit(complaint, SAFE, ben)
    client_for(anna).post(
        f"/reviews/replies/{review.pk}/decide/",
        {"decision": "changes", "comment": "Bitte Telefonnummer nennen."},
    )
    review.refresh_from_db()
    assert review.state == ReviewState.REJECTED and review.comment == "Bitte Telefonnummer nennen."
    assert Notice.objects.filter(recipient=ben, kind=Notice.Kind.REPLY_REJECTED).exists()
    assert not _ours(sandbox)
