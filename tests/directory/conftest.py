"""The ``directory`` fixture: a real OpenID Connect provider process on 127.0.0.1."""

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
    def __init__(self, tmp_path: Path, **options) -> None:
        path = tmp_path / "provider.json"
        config = {"client_id": "carecast", "client_secret": SECRET, "users": USERS, **options}
        path.write_text(json.dumps(config), encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider", str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()  # blocks until it listens
        assert line.startswith("PORT "), line
        self.issuer = f"http://127.0.0.1:{int(line.split()[1])}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture
def directory_factory(tmp_path, monkeypatch):
    """Starts a provider (options go into its config) and points carecast at it."""
    started: list[Directory] = []

    def start(**options) -> Directory:
        provider = Directory(tmp_path, **options)
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
