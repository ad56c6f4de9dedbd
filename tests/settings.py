"""Settings for the test suite: carecast's own, with a queue of the suite's own.

These environment defaults must be in place before ``carecast.settings`` is read,
which pytest-django does before any conftest runs — hence a settings module.
"""

import os

# Tasks run in-process unless a test starts a real worker (which sets its own env).
os.environ.setdefault("CARECAST_HUEY_IMMEDIATE", "true")
# A queue of its own, so a running demo and the suite never share or flush each other's tasks.
os.environ.setdefault("CARECAST_HUEY_NAME", f"carecast-test-{os.getpid()}")
os.environ.setdefault("CARECAST_HUEY_DB", os.path.join("var", f"test-huey-{os.getpid()}.sqlite3"))

# The suite signs people in with force_login; the lead's required two-factor step is tested
# on its own (tests/web/test_two_factor.py turns it on).
os.environ.setdefault("CARECAST_TWO_FACTOR_FOR_LEADS", "false")

from carecast.settings import *  # noqa: E402, F403
