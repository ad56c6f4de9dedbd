"""Typed readers for environment variables that fail loudly on nonsense.

Every setting comes from the environment (12-factor); these helpers keep the
parsing in one place so a typo in a deployment stops the process at start-up
instead of surfacing as odd behaviour later.
"""

from __future__ import annotations

import os


class ConfigError(RuntimeError):
    """An environment variable holds a value carecast cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
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
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_fernet_key(name: str) -> str:
    """A Fernet key (32 url-safe base64 bytes), or empty; nonsense stops the start-up.

    Checked here so that a mistyped key is refused before anything is encrypted with it,
    not found out at the first token that cannot be decrypted.
    """
    raw = os.environ.get(name, "").strip()
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
