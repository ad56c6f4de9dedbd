"""The ``directory`` fixture: a real OpenID Connect provider process on 127.0.0.1, built on
django-oauth-toolkit (``tests/directory/provider``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "provider-secret-for-tests"

USERS = {
    "erika": {
        "password": "pw-erika",
        "sub": "00u-erika",
        "email": "erika@klinikum.test",
        "given_name": "Erika",
        "family_name": "Neumann",
        "groups": ["KOMM-Team", "Alle"],
    },
    "ben": {
        "password": "pw-ben-directory",
        "sub": "00u-ben",
        "email": "ben@klinikum.test",
        "groups": ["KOMM-Team"],
    },
    "clara": {
        "password": "pw-clara-directory",
        "sub": "00u-clara",
        "email": "clara@klinikum.test",
        "email_verified": False,
        "groups": ["KOMM-Team"],
    },
    "otto": {
        "password": "pw-otto",
        "sub": "00u-otto",
        "email": "otto@klinikum.test",
        "groups": ["Alle"],
    },
}


class Directory:
    """The provider in ``tests/directory/provider`` (django-oauth-toolkit), one process per test."""

    def __init__(self, tmp_path: Path, template: Path, sites: list[str], **options) -> None:
        tmp_path.mkdir()
        path = tmp_path / "provider.json"
        config = {
            "client_id": "carecast",
            "client_secret": SECRET,
            "users": USERS,
            "redirect_uris": [f"{site}/login/directory/return/" for site in sites],
            "post_logout_redirect_uris": [f"{site}/login/" for site in sites],
            "database": str(tmp_path / "provider.sqlite3"),
            "template": str(template),
            **options,
        }
        path.write_text(json.dumps(config), encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.directory.provider", str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()  # blocks until it listens
        assert line.startswith("PORT "), line
        self.origin = f"http://127.0.0.1:{int(line.split()[1])}"
        self.issuer = f"{self.origin}/o"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture(scope="session")
def provider_template(tmp_path_factory) -> Path:
    """The provider's migrated database, made by the first provider and copied by the rest."""
    return tmp_path_factory.mktemp("provider") / "template.sqlite3"


@pytest.fixture
def directory_factory(request, tmp_path, monkeypatch, provider_template):
    """Starts a provider (options go into its config) and points carecast at it.

    It knows carecast at the test client's address, and at the live server's in browser tests.
    """
    sites = ["http://testserver"]
    if "live_server" in request.fixturenames:
        sites.append(request.getfixturevalue("live_server").url)
    started: list[Directory] = []

    def start(**options) -> Directory:
        here = tmp_path / f"provider-{len(started)}"
        provider = Directory(here, provider_template, sites, **options)
        started.append(provider)
        monkeypatch.setenv("CARECAST_OIDC_ISSUER", provider.issuer)
        monkeypatch.setenv("CARECAST_OIDC_CLIENT_ID", "carecast")
        monkeypatch.setenv("CARECAST_OIDC_CLIENT_SECRET", SECRET)
        monkeypatch.setenv("CARECAST_OIDC_NAME", "Klinik-Verzeichnis")
        return provider

    yield start
    for provider in started:
        provider.stop()


@pytest.fixture
def directory(directory_factory):
    return directory_factory()
