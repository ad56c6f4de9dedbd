"""How ``carecast backup`` calls PostgreSQL's client programs (pg_dump, pg_restore).

Found by following docs/operating.md on a machine: the container image had no pg_dump, and
a DATABASE_URL without a host (the local socket) was dumped over TCP instead.
"""

from __future__ import annotations

import os

import pytest
from django.db import connections

from carecast.ops import backup


def test_it_names_the_package_when_pg_dump_is_missing(tmp_path):
    empty = {**os.environ, "PATH": str(tmp_path)}

    with pytest.raises(backup.BackupError, match="postgresql-client"):
        backup._run(["pg_dump", "--version"], empty)


@pytest.mark.parametrize(
    "host,expected",
    [
        ("", ["--port", "5432"]),
        ("db.klinikum.example", ["--host", "db.klinikum.example", "--port", "5432"]),
    ],
)
def test_it_uses_the_local_socket_when_the_url_names_no_host(monkeypatch, host, expected):
    database = {**connections["default"].settings_dict, "HOST": host, "PORT": "", "USER": ""}
    monkeypatch.setattr(backup, "_database", lambda: database)

    args, _env = backup._pg_env()

    assert args == expected
