"""What ``carecast backup``/``restore`` need from the machine: PostgreSQL's client programs,
the local socket, and Python's tarfile as Debian 12 ships it.

Found by following docs/operating.md: the container image had no pg_dump, a DATABASE_URL
without a host (the local socket) was dumped over TCP, and restore failed on Debian's Python
3.11.2, which has no tar extraction filters.
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


def _archive(path, names):
    import io
    import tarfile

    with tarfile.open(path, "w:gz") as archive:
        for name in names:
            data = name.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("filters", [True, False], ids=["python-with-filters", "debian-3.11.2"])
def test_it_extracts_with_or_without_tar_filters(tmp_path, monkeypatch, filters):
    import tarfile

    if not filters:  # Debian 12's Python 3.11.2 has neither tarfile.data_filter nor filter=
        monkeypatch.delattr(tarfile, "data_filter")
    good = _archive(tmp_path / "good.tar.gz", ["manifest.json", "media/a/b.txt"])
    bad = _archive(tmp_path / "bad.tar.gz", ["manifest.json", "../outside.txt"])

    backup._extract(good, tmp_path / "good")
    with pytest.raises(backup.BackupError, match="unsafe path"):
        backup._extract(bad, tmp_path / "bad")

    assert (tmp_path / "good" / "media" / "a" / "b.txt").read_text() == "media/a/b.txt"
    assert not (tmp_path / "outside.txt").exists()
