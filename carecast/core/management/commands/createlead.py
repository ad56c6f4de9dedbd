"""``carecast createlead``: the first start from the shell, for operators.

Same checks as the setup page. Missing values are asked for when a terminal is
attached; with ``--no-input`` they must all be given. Bad input exits with status 2.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from carecast.core.setup import SetupData, create_organisation, needs_setup

FIELDS = [
    ("name", "--name", "Hospital name"),
    ("timezone", "--timezone", "Time zone"),
    ("public_url", "--public-url", "Public address of this carecast"),
    ("imprint_url", "--imprint-url", "Imprint URL (optional)"),
    ("privacy_url", "--privacy-url", "Privacy policy URL (optional)"),
    ("lead_name", "--lead-name", "Lead's name"),
    ("email", "--email", "Lead's e-mail address"),
    ("username", "--username", "Lead's user name"),
]
OPTIONAL = {"imprint_url", "privacy_url"}
DEFAULTS = {"timezone": "Europe/Berlin"}


class Command(BaseCommand):
    help = "Create the organisation and its first communications lead (a fresh installation)."

    def add_arguments(self, parser):
        for field, flag, label in FIELDS:
            parser.add_argument(flag, dest=field, default=None, help=label)
        parser.add_argument(
            "--password",
            default=None,
            help="The lead's password (or set CARECAST_LEAD_PASSWORD; asked for otherwise)",
        )
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args, **options):
        interactive = options["interactive"] and sys.stdin.isatty()
        if interactive:
            self._refuse_when_set_up()  # before asking anything
        values = {
            field: self._value(field, label, options, interactive) for field, _f, label in FIELDS
        }
        values["password"] = self._password(options, interactive)
        self._refuse_when_set_up()
        try:
            person = create_organisation(SetupData(**values))
        except ValidationError as error:
            lines = [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
            raise CommandError("\n".join(lines), returncode=2) from None
        self.stdout.write(
            f"Created {person.organisation.name} and its lead {person.user.get_username()}."
        )

    def _refuse_when_set_up(self) -> None:
        if not needs_setup():
            raise CommandError("carecast is set up already: an organisation exists.", returncode=2)

    def _value(self, field: str, label: str, options, interactive: bool) -> str:
        value = options[field]
        default = settings.CARECAST_PUBLIC_URL if field == "public_url" else DEFAULTS.get(field)
        if value is None and interactive:
            hint = f" [{default}]" if default else ""
            value = input(f"{label}{hint}: ").strip() or default
        if value is None:
            value = default
        if value is None and field not in OPTIONAL:
            raise CommandError(f"--{field.replace('_', '-')} is required.", returncode=2)
        return value or ""

    def _password(self, options, interactive: bool) -> str:
        password = options["password"] or os.environ.get("CARECAST_LEAD_PASSWORD")
        if password:
            return password
        if not interactive:
            raise CommandError("--password or CARECAST_LEAD_PASSWORD is required.", returncode=2)
        first, second = getpass.getpass("Password: "), getpass.getpass("Password again: ")
        if first != second:
            raise CommandError("The two passwords differ.", returncode=2)
        return first
