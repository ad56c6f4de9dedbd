"""``carecast backup OUT`` and ``carecast restore IN``: the database and the media, one archive.

The archive is a gzip'd tar holding ``manifest.json``, the database (SQLite through its online
backup API, so the web and worker may keep writing; PostgreSQL as ``pg_dump`` custom format)
and ``media/``. The queue is not in it: due posts are in the database, and the reconciler
enqueues them again after a restore.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1


class BackupError(RuntimeError):
    """The archive cannot be written or read back; the message says what to do."""


def _database() -> dict:
    return connections["default"].settings_dict


def _engine() -> str:
    engine = _database()["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"carecast cannot back up the database engine {engine}")


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password only in their environment."""
    db = _database()
    # No host in DATABASE_URL (postgres:///carecast) is the local socket, as for Django itself:
    # Debian's PostgreSQL lets the system user in there (peer) but wants a password over TCP.
    args = ["--host", db["HOST"]] if db.get("HOST") else []
    args += ["--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client programs "
            "(Debian: postgresql-client, the same major version as the server or newer)"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def dump_database(target: Path) -> str:
    """Write the database to ``target``; returns the file name used inside the archive."""
    engine = _engine()
    if engine == "sqlite":
        source = sqlite3.connect(_database()["NAME"])
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        return "database.sqlite3"
    args, env = _pg_env()
    _run(["pg_dump", "--format=custom", "--no-owner", *args, "--file", str(target),
          _database()["NAME"]], env)  # fmt: skip
    return "database.pgdump"


def backup(out: Path, now: dt.datetime | None = None) -> dict:
    """Write the archive ``out`` (atomically: a half-written archive never has its name)."""
    out = Path(out)
    engine = _engine()
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        dump = Path(scratch) / "database"
        name = dump_database(dump)
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "database": name,
            "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
            "media_files": sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0,
        }
        (Path(scratch) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = Path(scratch) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(scratch) / "manifest.json", "manifest.json")
            archive.add(dump, name)
            if media.exists():
                archive.add(media, "media")
        os.replace(partial, out)
    return manifest


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only plain files and folders below the archive's root: nothing written outside it."""
    members = []
    for member in archive.getmembers():
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"unexpected entry in the archive: {member.name}")
        if member.name.startswith("/") or ".." in Path(member.name).parts:
            raise BackupError(f"unsafe path in the archive: {member.name}")
        members.append(member)
    return members


def _extract(archive_path: Path, target: Path) -> None:
    with tarfile.open(archive_path, "r:gz") as archive:
        members = _safe_members(archive)
        if hasattr(tarfile, "data_filter"):
            archive.extractall(target, members=members, filter="data")
        else:
            # Debian 12's own Python (3.11.2) predates extraction filters (PEP 706, 3.11.4);
            # _safe_members has already refused links, devices and paths outside ``target``.
            archive.extractall(target, members=members)  # noqa: S202


def restore_database(source: Path, engine: str) -> None:
    connections.close_all()
    if engine == "sqlite":
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_database()["NAME"])
        try:
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    args, env = _pg_env()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          *args, "--dbname", _database()["NAME"], str(source)], env)  # fmt: skip


def restore_media(source: Path | None) -> Path | None:
    """Put the archive's media in place; what was there is moved aside, not deleted."""
    media = Path(settings.MEDIA_ROOT)
    aside = None
    if media.exists() and any(media.iterdir()):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        aside = media.with_name(f"{media.name}.before-restore-{stamp}")
        media.rename(aside)
    if source is not None:
        shutil.copytree(source, media, dirs_exist_ok=True)
    else:
        media.mkdir(parents=True, exist_ok=True)
    return aside


def restore(archive_path: Path) -> dict:
    """Replace the database and the media with the archive's. Returns the manifest, plus
    where the previous media went (``media_moved_to``)."""
    with tempfile.TemporaryDirectory() as scratch:
        _extract(archive_path, Path(scratch))
        manifest = json.loads((Path(scratch) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["engine"] != _engine():
            raise BackupError(
                f"this backup holds a {manifest['engine']} database; carecast runs on {_engine()}"
            )
        restore_database(Path(scratch) / manifest["database"], manifest["engine"])
        media = Path(scratch) / "media"
        aside = restore_media(media if media.exists() else None)
    manifest["media_moved_to"] = str(aside) if aside else None
    return manifest
