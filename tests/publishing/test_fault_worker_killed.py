"""Fault test: 200 posts to the local Mastodon server while the worker is SIGKILLed again and again.

Bounded: at most 8 kills and 150 seconds. Every post must arrive exactly once.
"""

import pytest

from tests.worker_fixtures import run_killed_burst


@pytest.mark.fault
def test_it_publishes_every_post_exactly_once_while_the_worker_is_killed(
    worker, worker_env, channel_on, story_for, sandbox
):
    run_killed_burst(worker, worker_env, channel_on, story_for, sandbox)
