"""Links that come from the networks (comment URLs, question links) become an ``href`` only
when they are http(s): a ``javascript:`` URL would run in the moderator's session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.inbox.models import InboxItem
from carecast.lib.links import http_url
from carecast.live import actions
from carecast.live.models import LiveSession

EVIL = "javascript:fetch('/inbox/').then(r=>alert(1))"


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://mastodon.test/@lena/1", True),
        ("http://sandbox.test/x/1", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.test/x", False),
        ("https:///no-host", False),
    ],
)
def test_it_lets_only_http_links_become_an_href(url, safe):
    assert (http_url(url) == url.strip()) is safe
    assert safe or http_url(url) == ""


def test_it_never_links_a_comments_javascript_url(anna_client, org, babytown):
    item = InboxItem.objects.create(
        organisation=org,
        channel=babytown,
        remote_id="1",
        author="lena",
        text="Wann ist Besuchszeit?",
        url=EVIL,
        received_at=timezone.now(),
    )
    for path in ("/inbox/", f"/inbox/{item.pk}/"):
        page = anna_client.get(path).content.decode()
        assert "Wann ist Besuchszeit?" in page
        assert "javascript:" not in page.lower()


def test_it_never_links_a_questions_javascript_url(anna_client, org, geburtshilfe):
    start = timezone.now()
    session = LiveSession.objects.create(
        organisation=org,
        department=geburtshilfe,
        title="Live-Sprechstunde Geburt",
        slug="geburt",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    question = actions.submit_question(
        session, "Darf mein Partner mit in den Kreißsaal?", client="a"
    )
    # The network's link, stored as it came (the model field is not validated on save).
    type(question).objects.filter(pk=question.pk).update(remote_url=EVIL)
    page = anna_client.get("/live/geburt/moderate/").content.decode()
    assert "Darf mein Partner" in page
    assert "javascript:" not in page.lower()
