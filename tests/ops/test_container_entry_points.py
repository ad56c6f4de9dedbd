"""The container image, compose.yaml and the systemd units start carecast the same way.

The image cannot be built in every CI (no container engine there), so this reads the
Containerfile, compose.yaml and deploy/ and checks them against the code: the entry point is
the ``carecast`` console script, every command they run is one the CLI runs, every variable
they set is one carecast reads and the guide documents, and the ports and health check meet.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import yaml
from django.core.management import get_commands
from django.urls import resolve

from carecast import cli
from tests.ops.test_env_documented import documented, read_in_code

ROOT = Path(__file__).resolve().parents[2]
CONTAINERFILE = (ROOT / "Containerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
# Not carecast's: Python's own, and the database image's.
FOREIGN = {"PYTHONUNBUFFERED", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}


def _carecast_services() -> dict[str, dict]:
    return {
        name: service
        for name, service in COMPOSE["services"].items()
        if service.get("image", "").startswith("carecast")
    }


def _runs(command: str) -> bool:
    """True when ``carecast <command>`` is something the CLI does."""
    return command in cli.COMMANDS or command in get_commands()


def _dockerfile_env() -> dict[str, str]:
    found = {}
    for block in re.findall(r"^ENV ((?:.*\\\n)*.*)$", CONTAINERFILE, re.MULTILINE):
        for pair in shlex.split(block.replace("\\\n", " ")):
            name, _, value = pair.partition("=")
            found[name] = value
    return found


def _unit_commands() -> set[str]:
    commands = set()
    for unit in UNITS:
        for line in unit.read_text(encoding="utf-8").splitlines():
            match = re.search(r"/\.venv/bin/carecast (\w+)", line)
            if line.startswith("ExecStart") and match:
                commands.add(match.group(1))
    return commands


def _known(name: str) -> bool:
    """Read by carecast and in the guide's table; ``NAME_FILE`` stands for ``NAME``."""
    base = name.removesuffix("_FILE")
    return base in read_in_code() and base in documented()


def test_it_starts_the_carecast_console_script():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert scripts["scripts"]["carecast"] == "carecast.cli:main"
    assert 'ENTRYPOINT ["carecast"]' in CONTAINERFILE
    assert 'CMD ["serve"]' in CONTAINERFILE


def test_it_runs_the_same_commands_in_compose_as_under_systemd():
    services = _carecast_services()
    commands = {service["command"][0] for service in services.values()}

    assert commands == {"serve", "worker", "migrate"}
    assert all(_runs(command) for command in commands | _unit_commands())
    assert {"serve", "worker", "migrate"} <= _unit_commands()
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_it_sets_only_variables_carecast_reads_and_documents():
    compose_env = COMPOSE["x-carecast"]["environment"]
    env_file = [
        line.split("=", 1)[0]
        for line in (ROOT / "deploy" / "carecast.env").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    unit_env = [
        pair.split("=", 1)[0]
        for unit in UNITS
        for line in unit.read_text(encoding="utf-8").splitlines()
        if line.startswith("Environment=")
        for pair in line.removeprefix("Environment=").split()
    ]
    names = {*compose_env, *_dockerfile_env(), *env_file, *unit_env} - FOREIGN

    unknown = sorted(name for name in names if not _known(name))
    assert not unknown, f"set in the container or unit files but not read or documented: {unknown}"


def test_it_hands_secrets_over_as_files():
    compose_env = COMPOSE["x-carecast"]["environment"]
    for name in ("CARECAST_SECRET_KEY", "CARECAST_TOKEN_KEY"):
        assert name not in compose_env
        secret = compose_env[f"{name}_FILE"].removeprefix("/run/secrets/")
        assert secret in COMPOSE["secrets"] and secret in COMPOSE["x-carecast"]["secrets"]


def test_it_serves_on_the_port_the_proxy_and_the_health_check_use():
    env = _dockerfile_env()
    caddy = (ROOT / "deploy" / "caddy" / "Caddyfile.compose").read_text(encoding="utf-8")
    health = re.search(
        r"HEALTHCHECK.*\n.*CMD curl -fsS \"http://127\.0\.0\.1:\$\{CARECAST_PORT\}"
        r"(/[^\"?]*)\?scope=web",
        CONTAINERFILE,
    )

    assert env["CARECAST_HOST"] == "0.0.0.0"  # noqa: S104 (inside the container's network)
    assert f"reverse_proxy web:{env['CARECAST_PORT']}" in caddy
    assert f"EXPOSE {env['CARECAST_PORT']}" in CONTAINERFILE
    assert health and resolve(health.group(1)).url_name == "healthz"
    assert "health_uri /healthz?scope=web" in caddy
