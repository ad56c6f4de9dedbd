"""The demo hospital's inbox: comments arrive through the real fetch path from the sandbox."""

from __future__ import annotations

from carecast.demo.inbox import COMMENTS
from carecast.demo.seed import seed
from carecast.inbox.hide import offer_hide
from carecast.inbox.models import DutyShift, InboxItem, Notification


def test_the_demo_has_an_inbox_with_an_emergency_on_duty(db, sandbox):
    org = seed(sandbox.base_url)
    items = InboxItem.objects.filter(organisation=org)
    assert items.count() == len(COMMENTS)
    assert items.filter(is_emergency=True, text__contains="Brustschmerzen").exists()
    spam = items.get(label_index__contains=",spam,")
    assert spam.channel.network == "x" and offer_hide(spam)  # the demo shows hiding
    assert items.filter(label_index__contains=",praise,").exists()
    assert items.filter(in_reply_to__gt="").count() == len(COMMENTS)  # answers to our posts
    assert set(items.values_list("channel__network", flat=True)) == {"mastodon", "bluesky", "x"}
    [shift] = DutyShift.objects.filter(organisation=org)
    emergency = items.get(text__contains="Brustschmerzen")
    assert Notification.objects.filter(item=emergency, recipient=shift.person).exists()
    assert seed(sandbox.base_url) == org and InboxItem.objects.count() == len(COMMENTS)
    # The idiom the word rules took for a heart attack is shown as not counted, with why.
    idiom = items.get(text__contains="Parkgebühren")
    assert not idiom.is_emergency and idiom.doubted == {"emergency": ["herzinfarkt"]}
