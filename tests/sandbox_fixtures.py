"""The ``sandbox`` fixture: a local server speaking Mastodon, X and Bluesky on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carecast.sandbox.server import SandboxServer


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox per test (in memory); stopped afterwards, open connections closed."""
    server = SandboxServer().start()
    try:
        yield server
    finally:
        server.stop()
