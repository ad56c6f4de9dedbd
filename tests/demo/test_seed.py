"""The demo hospital seeds once, publishes its history to the sandbox, and nothing fails."""

from carecast.automation.models import AwarenessDay
from carecast.demo.seed import seed
from carecast.live.models import LiveSession, Status
from carecast.networks.models import Channel
from carecast.publishing.models import Publication, State
from carecast.stories.models import Story


def test_it_seeds_a_working_demo_hospital_on_the_sandbox(db, sandbox):
    org = seed(sandbox.base_url)
    assert org.name == "Klinikum Musterstadt"
    assert Channel.objects.filter(organisation=org).count() == 6
    assert Story.objects.filter(organisation=org).count() == 12
    states = set(Publication.objects.values_list("state", flat=True))
    assert states == {State.PUBLISHED, State.SCHEDULED}  # nothing failed for lack of internet
    published = Publication.objects.filter(state=State.PUBLISHED).exclude(channel__network="feed")
    assert published.count() == len(sandbox.posts())
    assert all(p.remote_url.startswith(sandbox.base_url) for p in published)

    session = LiveSession.objects.get(slug="diabetes")
    assert session.questions.filter(status=Status.APPROVED).count() == 2
    assert session.questions.filter(status=Status.PENDING).exclude(flags=[]).exists()
    assert AwarenessDay.objects.filter(organisation=org).exists()


def test_it_seeds_only_once(db, sandbox):
    first = seed(sandbox.base_url)
    assert seed(sandbox.base_url) == first
    assert Story.objects.count() == 12
