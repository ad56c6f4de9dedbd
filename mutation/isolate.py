"""pytest plugin for ``make mutation``: each mutmut child gets a test database of its own.

mutmut forks its children from a process in which the test settings were already read,
so every child would use the test database named after the parent's pid; two children
at once then break each other's tests (a table dropped under the other), and mutmut
counts every such failure as a killed mutant. Renamed here per child process.
"""

from __future__ import annotations

import os


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
        connections[alias].settings_dict.setdefault("TEST", {})["NAME"] = test["NAME"]
