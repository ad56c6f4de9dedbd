"""pytest plugin for ``make mutation``: each mutmut child gets a test database of its own.

mutmut forks its children from a process in which the test settings were already read,
so every child would use the test database named after the parent's pid; two children
at once then break each other's tests (a table dropped under the other), and mutmut
counts every such failure as a killed mutant. Renamed here per child process.

Building that database costs more than most mutants' tests (every migration: 15 s on a
busy machine). ``mutation/run.py`` therefore migrates one SQLite file once
(``CARECAST_MUTATION_TEMPLATE_DB``); each child copies it and keeps it (``--reuse-db``),
so Django finds every migration applied and creates nothing, and the copy is removed
when the child's session ends. Each child also runs its quickest tests first.
"""

from __future__ import annotations

import json
import os
import shutil

TEMPLATE = "CARECAST_MUTATION_TEMPLATE_DB"


def pytest_configure(config) -> None:  # noqa: ANN001 - pytest's hook signature
    from django.conf import settings
    from django.db import connections

    for alias, database in settings.DATABASES.items():
        test = database.setdefault("TEST", {})
        name = test.get("NAME")
        if not name or database["ENGINE"] != "django.db.backends.sqlite3":
            test["NAME"] = f"test_carecast_mutation_{os.getpid()}"
        else:
            test["NAME"] = os.path.join(
                os.path.dirname(name), f"test-mutation-{os.getpid()}.sqlite3"
            )
            template = os.environ.get(TEMPLATE)
            if template and os.path.exists(template):
                shutil.copyfile(template, test["NAME"])
                config.option.reuse_db = True
                config.option.create_db = False
                config._carecast_copies = [*getattr(config, "_carecast_copies", []), test["NAME"]]
        connections[alias].settings_dict.setdefault("TEST", {})["NAME"] = test["NAME"]


def pytest_unconfigure(config) -> None:  # noqa: ANN001 - pytest's hook signature
    # Kept (``--reuse-db``) rather than destroyed by pytest-django: remove the copy here.
    for name in getattr(config, "_carecast_copies", []):
        for path in (name, f"{name}-wal", f"{name}-shm"):
            if os.path.exists(path):
                os.remove(path)


def pytest_collection_modifyitems(items) -> None:  # noqa: ANN001 - pytest's hook signature
    """Quickest tests first (mutmut's own timings): a mutant dies at its first failing test
    (``-x``), so a killed mutant costs the tests before that one, not the slowest."""
    try:
        with open("mutmut-stats.json", encoding="utf-8") as stats:
            seconds = json.load(stats)["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return  # the first run, collecting those timings
    items.sort(key=lambda item: seconds.get(item.nodeid, 0.0))
