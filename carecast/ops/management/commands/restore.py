from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carecast.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the media with those in the archive IN. Stop the web and "
        "worker processes first; the media present now are moved aside, not deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="Do not ask for confirmation.",
        )  # fmt: skip

    def handle(self, *args, archive: Path, interactive: bool, **options):
        if not archive.is_file():
            raise CommandError(f"{archive}: no such backup file")
        if interactive:
            answer = input("This replaces everything in carecast's database. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            manifest = restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the backup of {manifest['created_at']}.")
        if manifest["media_moved_to"]:
            self.stdout.write(f"The media before the restore are in {manifest['media_moved_to']}")
        self.stdout.write("Run `carecast migrate` if this version is newer than the backup's.")
