"""bench/chaos, small, in the suite: 100 posts, 20 % faults, a worker killed every ~3 s for 30 s.

The same harness as ``python -m bench chaos`` on the suite's own database: SQLite with
one worker, or (when the suite runs on PostgreSQL + Redis) two workers. Every post must
end in the state the network confirms, none twice, all of them within the drain cap.
"""

import dataclasses
import os

import pytest
from django.db import connection

from bench import chaos
from tests.worker_fixtures import WorkerProcess

CONFIG = chaos.Config(
    posts=100, channels=9, kill_seconds=30, kill_every=3, fault_rate=0.2, drain_cap=120, seed=17
)
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres") and bool(
    os.environ.get("REDIS_URL")
)


def _run(worker_env, workers, org, sandbox) -> chaos.Report:
    worker_env.update(chaos.WORKER_SETTINGS)
    channels = chaos.make_channels(sandbox, org, CONFIG.channels)
    chaos.schedule(channels, CONFIG.posts)
    return chaos.run(sandbox, workers, CONFIG, say=lambda line: None)


def _assert_exactly_once_in_the_right_state(report: chaos.Report, worker) -> None:
    summary = "\n".join(chaos.render(report, connection.vendor, CONFIG))
    assert report.drain_after_kills is not None, summary + worker.log()[-3000:]
    assert report.undrained == 0, summary
    assert report.duplicates == 0, summary
    assert report.contradictions == 0, summary
    # Faults and kills really happened, and still nearly every post is simply published.
    assert report.kills >= 1, summary  # fewer when everything is final early
    assert all(report.injected.get(name) for name in chaos.MIX_NAMES), summary
    assert report.published_once >= 0.95 * CONFIG.posts, summary


@pytest.mark.fault
@pytest.mark.skipif(
    ON_POSTGRES, reason="the SQLite run (one worker); this suite runs on PostgreSQL"
)
def test_it_publishes_once_in_the_right_state_under_faults_and_kills_on_sqlite(
    worker, worker_env, org, sandbox
):
    report = _run(worker_env, [worker], org, sandbox)
    _assert_exactly_once_in_the_right_state(report, worker)


@pytest.mark.fault
@pytest.mark.skipif(
    not ON_POSTGRES, reason="needs DATABASE_URL on PostgreSQL and REDIS_URL: two workers"
)
def test_it_publishes_once_in_the_right_state_with_two_workers_on_postgresql(
    worker, worker_env, org, sandbox, tmp_path
):
    second = WorkerProcess(worker_env, tmp_path / "worker-2.log")
    try:
        report = _run(worker_env, [worker, second], org, sandbox)
    finally:
        second.stop()
    _assert_exactly_once_in_the_right_state(report, worker)


def test_it_counts_duplicates_and_states_that_contradict_the_network(org, sandbox):
    from carecast.publishing.dispatch import build_request
    from carecast.publishing.models import Publication, State

    channels = chaos.make_channels(sandbox, org, 3)
    chaos.schedule(channels, 4, lead_in=3600)
    # Channels take turns: Mastodon, X, Bluesky, Mastodon. X has no idempotency key.
    failed_but_live, twice, unconfirmed_never_sent, published = Publication.objects.order_by("id")
    sent = {}
    for publication, suffix in (
        (twice, ""),
        (twice, " (2)"),
        (failed_but_live, ""),
        (published, ""),
    ):
        channel = publication.channel
        connector = channel.rules.connector(channel.account())
        request = build_request(publication)
        # X refuses the very same text twice; a changed copy of the post still counts.
        request = dataclasses.replace(request, text=request.text + suffix)
        sent.setdefault(publication.pk, connector.publish(request))
    Publication.objects.filter(pk=twice.pk).update(
        state=State.PUBLISHED, remote_id=sent[twice.pk].remote_id
    )
    Publication.objects.filter(pk=failed_but_live.pk).update(state=State.FAILED)
    Publication.objects.filter(pk=unconfirmed_never_sent.pk).update(state=State.UNCONFIRMED)
    Publication.objects.filter(pk=published.pk).update(state=State.PUBLISHED, remote_id="wrong")
    report = chaos.Report(posts=4)
    chaos.tally(sandbox, report)
    assert report.duplicates == 1
    assert report.contradictions == 3  # failed but live, unconfirmed never sent, wrong id
    assert report.published_once == 1  # ``published`` is there once, under another id
    assert report.split[State.FAILED] == {"on the network": 1}
    assert report.split[State.UNCONFIRMED] == {"absent": 1}
    assert report.undrained == 0


@pytest.mark.django_db(transaction=True)
def test_it_finds_a_post_already_out_on_every_network_of_the_run(org, sandbox):
    """Each network's look-up, as the run needs it: the worker died after the post went
    out, so the next one finds it there (one post each, its id recorded), never resends."""
    from django.utils import timezone

    from carecast.publishing import dispatch
    from carecast.publishing.models import Attempt, Publication, State

    channels = chaos.make_channels(sandbox, org, len(chaos.NETWORKS))
    chaos.schedule(channels, len(chaos.NETWORKS), lead_in=3600)
    for publication in Publication.objects.select_related("channel"):
        channel = publication.channel
        sent = channel.rules.connector(channel.account()).publish(
            dispatch.build_request(publication)
        )
        assert sent.remote_id
    Publication.objects.update(due_at=timezone.now(), outcome_unknown=True)
    dispatch.drain(workers=2)
    report = chaos.Report(posts=len(chaos.NETWORKS))
    chaos.tally(sandbox, report)
    assert (report.published_once, report.duplicates, report.contradictions) == (6, 0, 0)
    assert report.found == {network: 1 for network in chaos.NETWORKS}
    assert set(Attempt.objects.values_list("outcome", flat=True)) == {Attempt.Outcome.RECOVERED}
    assert set(Publication.objects.values_list("state", flat=True)) == {State.PUBLISHED}
