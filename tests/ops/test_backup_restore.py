"""``carecast backup`` then ``carecast restore``: every table and every media file as before.

Runs on the suite's database: SQLite in ``make test``, PostgreSQL (pg_dump/pg_restore) in
``make test-services``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from carecast.core.models import Organisation, Person
from carecast.publishing.models import Publication, State


def tables() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            found[table] = sorted(cursor.fetchall(), key=repr)
    return found


def files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    (root / "library" / "2026").mkdir(parents=True)
    (root / "library" / "2026" / "kreißsaal.jpg").write_bytes(bytes(range(256)) * 40)
    (root / "library" / "plakat.pdf").write_bytes(b"%PDF-1.7 Tag der offenen T\xc3\xbcr")
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def desk(transactional_db, anna, ben, clara, channel_on, story_for):
    """Some of everything: people, channels, stories with posts in several states."""
    from django.utils import timezone

    mastodon = channel_on("mastodon")
    story = story_for(mastodon, text="Neuer MRT: leiser, schneller – »mehr Platz« 🎉")
    Publication.objects.create(
        variant=story.variants.get(),
        channel=mastodon,
        state=State.PUBLISHED,
        due_at=timezone.now(),
        published_at=timezone.now(),
        text="Neuer MRT",
        remote_id="110000000000000001",
    )
    return mastodon


def _change_everything(media: Path) -> None:
    Person.objects.filter(user__username="ben").delete()
    Organisation.objects.create(name="Zweites Klinikum", slug="zweites")
    Publication.objects.update(remote_id="changed")
    (media / "library" / "plakat.pdf").unlink()
    (media / "library" / "2026" / "kreißsaal.jpg").write_bytes(b"overwritten")
    (media / "neu.png").write_bytes(b"new file after the backup")


def test_it_restores_every_table_and_every_file(desk, media, tmp_path):
    archive = tmp_path / "backups" / "carecast.tar.gz"
    archive.parent.mkdir()
    before_tables, before_files = tables(), files(media)
    assert before_tables["publishing_publication"] and len(before_files) == 2

    call_command("backup", str(archive))
    _change_everything(media)
    assert tables() != before_tables and files(media) != before_files

    call_command("restore", str(archive), "--noinput")
    assert tables() == before_tables
    assert files(media) == before_files
    # Nothing is lost: the media as they were before the restore lie beside it.
    (aside,) = [p for p in media.parent.iterdir() if p.name.startswith("media.before-restore-")]
    assert set(files(aside)) == {"library/2026/kreißsaal.jpg", "neu.png"}


def test_it_writes_no_archive_when_the_backup_fails(desk, media, tmp_path, settings, monkeypatch):
    from carecast.ops import backup

    def broken(target):
        raise backup.BackupError("pg_dump failed: connection refused")

    monkeypatch.setattr(backup, "dump_database", broken)
    archive = tmp_path / "carecast.tar.gz"
    with pytest.raises(CommandError, match="connection refused"):
        call_command("backup", str(archive))
    assert not archive.exists()


def test_it_refuses_an_archive_with_paths_outside_its_folder(desk, media, tmp_path):
    import io
    import tarfile

    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("../../etc/evil")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    before = tables()
    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(archive), "--noinput")
    assert tables() == before
