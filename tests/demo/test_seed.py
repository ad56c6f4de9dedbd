"""The demo hospital seeds once, publishes its history to the sandbox, and nothing fails."""

from carecast.automation.models import AwarenessDay
from carecast.demo.seed import CHANNELS, seed
from carecast.inbox.models import InboxItem, Notification
from carecast.live.models import LiveSession, Status
from carecast.networks.models import Channel
from carecast.publishing.models import Publication, State
from carecast.stories.models import PersonShown, Story


def test_it_seeds_a_working_demo_hospital_on_the_sandbox(db, sandbox):
    org = seed(sandbox.base_url)
    assert org.name == "Klinikum Musterstadt"
    assert Channel.objects.filter(organisation=org).count() == 6
    assert Story.objects.filter(organisation=org).count() == 12
    states = set(Publication.objects.values_list("state", flat=True))
    assert states == {State.PUBLISHED, State.SCHEDULED}  # nothing failed for lack of internet
    published = Publication.objects.filter(state=State.PUBLISHED).exclude(channel__network="feed")
    # The sandbox also holds the demo's visitor comments (the inbox); count the hospital's own.
    ours = {handle for *_rest, handle in CHANNELS.values()}
    assert published.count() == len([p for p in sandbox.posts() if p["account"] in ours])
    assert all(p.remote_url.startswith(sandbox.base_url) for p in published)

    session = LiveSession.objects.get(slug="diabetes")
    assert session.questions.filter(status=Status.APPROVED).count() == 2
    assert session.questions.filter(status=Status.PENDING).exclude(flags=[]).exists()
    assert AwarenessDay.objects.filter(organisation=org).exists()

    # The inbox read the visitors' comments through the real fetch path, triaged them and
    # told the person on duty about the emergency; the media library shows every consent state.
    items = InboxItem.objects.filter(organisation=org)
    assert items.count() >= 6 and any("emergency" in i.labels for i in items)
    assert Notification.objects.filter(item__organisation=org).exists()
    states = {p.consent for p in PersonShown.objects.filter(asset__organisation=org)}
    assert {PersonShown.Consent.GIVEN, PersonShown.Consent.WITHDRAWN} <= states


def test_it_seeds_only_once(db, sandbox):
    first = seed(sandbox.base_url)
    assert seed(sandbox.base_url) == first
    assert Story.objects.count() == 12
