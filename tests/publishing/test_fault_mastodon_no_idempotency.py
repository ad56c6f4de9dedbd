"""Fault test: 200 posts to a Mastodon-API server that ignores ``Idempotency-Key``, while the
worker is SIGKILLed again and again. Only the look-up before every resend after an unknown
outcome (``find_existing``) keeps each post single: counted on the server's side.

Bounded: at most 8 kills and 80 seconds.
"""

import pytest

from tests.worker_fixtures import run_killed_burst


@pytest.mark.fault
def test_it_publishes_every_post_exactly_once_where_the_server_ignores_the_key(
    worker, worker_env, channel_on, story_for, sandbox
):
    sandbox.settings.update(
        mastodon_idempotency=False,
        mastodon_trailing_slash=False,
        mastodon_version="4.0.0 (compatible; GoToSocial 0.16.0)",
    )
    run_killed_burst(
        worker, worker_env, channel_on, story_for, sandbox, deadline_seconds=80, seed=20261207
    )
