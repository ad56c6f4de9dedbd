from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carecast.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the uploaded media into one archive (OUT, .tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path)

    def handle(self, *args, out: Path, **options):
        if out.is_dir():
            raise CommandError(
                f"{out} is a folder; name the archive file, e.g. {out}/carecast.tar.gz"
            )
        try:
            manifest = backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{out}: {manifest['engine']} database, {manifest['media_files']} media files"
        )
