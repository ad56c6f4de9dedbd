"""``carecast report --month YYYY-MM [--organisation SLUG] [--language de|en] --out FILE.pdf``"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carecast.core.models import Organisation
from carecast.reports import pdf
from carecast.reports.figures import Month


class Command(BaseCommand):
    help = "Render the monthly management report as PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11")
        parser.add_argument(
            "--organisation", help="the organisation's slug (needed if there are several)"
        )
        parser.add_argument(
            "--language", choices=["de", "en"], help="default: the report settings'"
        )
        parser.add_argument("--out", required=True, help="where to write the PDF")

    def handle(self, *args, **options) -> None:
        try:
            month = Month.parse(options["month"])
        except ValueError:
            raise CommandError(
                f"--month must look like 2026-11, not {options['month']!r}."
            ) from None
        organisation = self._organisation(options.get("organisation"))
        data = pdf.render(organisation, month, options.get("language"))
        out = Path(options["out"])
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}") from None
        self.stdout.write(f"{out}: {len(data):,} bytes, report {month} for {organisation.name}")

    def _organisation(self, slug: str | None) -> Organisation:
        if slug:
            found = Organisation.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No organisation with the slug {slug!r}.")
            return found
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) != 1:
            raise CommandError("Name the organisation with --organisation SLUG.")
        return organisations[0]
