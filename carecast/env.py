"""Typed readers for environment variables that fail loudly on nonsense.

Every setting comes from the environment (12-factor); these helpers keep the
parsing in one place so a typo in a deployment stops the process at start-up
instead of surfacing as odd behaviour later.
"""

from __future__ import annotations

import os


class ConfigError(RuntimeError):
    """An environment variable holds a value carecast cannot use."""


def _read(name: str) -> str | None:
    """``name`` from the environment, or the contents of the file ``name_FILE`` names.

    Secrets handed over as files (systemd credentials, container secrets) never appear in
    the process environment or ``ps``; one trailing newline, as editors write it, is dropped.
    """
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE", "")
    if value is not None and path:
        raise ConfigError(f"Set {name} or {name}_FILE, not both.")
    if not path:
        return value
    try:
        with open(path, encoding="utf-8") as handle:
            content = handle.read()
    except OSError as error:
        raise ConfigError(f"{name}_FILE: cannot read {path!r} ({error.strerror})") from None
    return content[:-1] if content.endswith("\n") else content


def env_str(name: str, default: str = "") -> str:
    value = _read(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    raw = _read(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = _read(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = _read(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_fernet_key(name: str) -> str:
    """A Fernet key (32 url-safe base64 bytes), or empty; nonsense stops the start-up.

    Checked here so that a mistyped key is refused before anything is encrypted with it,
    not found out at the first token that cannot be decrypted.
    """
    raw = (_read(name) or "").strip()
    if not raw:
        return ""
    from cryptography.fernet import Fernet

    try:
        Fernet(raw.encode())
    except (ValueError, TypeError):
        raise ConfigError(
            f"{name} is not a valid key: it must be 32 url-safe base64-encoded bytes, e.g. from "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
        ) from None
    return raw
