"""The analytics tests share one cache with each other: campaign figures are kept for a few
minutes, and SQLite gives a rolled-back test's ids to the next one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
