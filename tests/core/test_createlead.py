"""``carecast createlead``: the first start from the shell, exit 0 or a clear error and 2."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from carecast.core.models import Organisation, Person, Role

FLAGS = [
    "--name=Klinikum Musterstadt",
    "--public-url=https://carecast.klinikum.test",
    "--lead-name=Anna Albers",
    "--email=anna@klinikum.test",
    "--username=anna",
    "--password=Kreißsaal-Infoabend-2026",
    "--no-input",
]


def test_it_creates_the_lead_from_flags(db, capsys):
    call_command("createlead", *FLAGS)
    person = Person.objects.get()
    assert person.role == Role.ADMIN
    assert person.organisation.timezone == "Europe/Berlin"
    assert "Klinikum Musterstadt" in capsys.readouterr().out


def test_it_exits_2_on_bad_input(db):
    with pytest.raises(CommandError) as caught:
        call_command("createlead", *FLAGS[:-2], "--password=123", "--no-input")
    assert caught.value.returncode == 2
    assert "password" in str(caught.value)
    assert not Organisation.objects.exists()


def test_it_exits_2_when_a_value_is_missing(db):
    with pytest.raises(CommandError) as caught:
        call_command("createlead", "--name=Klinikum", "--no-input")
    assert caught.value.returncode == 2 and "--lead-name" in str(caught.value)


def test_it_exits_2_when_set_up_already(org):
    with pytest.raises(CommandError) as caught:
        call_command("createlead", *FLAGS)
    assert caught.value.returncode == 2


def test_it_exits_2_from_the_console_command(db):
    # The real entry point, as an operator runs it: status code and message on stderr.
    done = subprocess.run(
        [sys.executable, "-m", "carecast.cli", "createlead", "--name=X", "--no-input"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--lead-name is required" in done.stderr


def test_it_asks_for_what_is_missing_at_a_terminal(db, monkeypatch):
    answers = iter(["Klinikum Musterstadt", "", "", "", "", "Anna Albers", "anna@k.test", "anna"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt: "Kreißsaal-Infoabend-2026")
    call_command("createlead")
    org = Organisation.objects.get()
    # Empty answers take the defaults: Europe/Berlin and CARECAST_PUBLIC_URL.
    assert org.timezone == "Europe/Berlin" and org.public_url.startswith("http")
    assert Person.objects.get().user.check_password("Kreißsaal-Infoabend-2026")
