"""Secrets can come from files (``NAME_FILE``), as systemd credentials and container secrets do."""

import pytest

from carecast.env import ConfigError, env_bool, env_fernet_key, env_int, env_str


def test_it_reads_a_secret_from_the_file_named_in_name_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret_key"
    secret.write_text("a-long-random-secret\n")
    monkeypatch.delenv("CARECAST_SECRET_KEY", raising=False)
    monkeypatch.setenv("CARECAST_SECRET_KEY_FILE", str(secret))
    assert env_str("CARECAST_SECRET_KEY", "demo") == "a-long-random-secret"


def test_it_keeps_all_but_one_trailing_newline(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("  spaces stay  \n\n")
    monkeypatch.setenv("CARECAST_X_CLIENT_SECRET_FILE", str(secret))
    assert env_str("CARECAST_X_CLIENT_SECRET") == "  spaces stay  \n"


def test_it_reads_numbers_flags_and_keys_from_files_too(tmp_path, monkeypatch):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    for name, value in {"PORT": "8001\n", "DEBUG": "false\n", "KEY": key + "\n"}.items():
        (tmp_path / name).write_text(value)
        monkeypatch.setenv(f"CC_TEST_{name}_FILE", str(tmp_path / name))
    assert env_int("CC_TEST_PORT", 8000) == 8001
    assert env_bool("CC_TEST_DEBUG", True) is False
    assert env_fernet_key("CC_TEST_KEY") == key


def test_it_refuses_both_the_variable_and_its_file(tmp_path, monkeypatch):
    (tmp_path / "secret").write_text("from-file")
    monkeypatch.setenv("CARECAST_SECRET_KEY", "from-env")
    monkeypatch.setenv("CARECAST_SECRET_KEY_FILE", str(tmp_path / "secret"))
    with pytest.raises(ConfigError, match="CARECAST_SECRET_KEY or CARECAST_SECRET_KEY_FILE"):
        env_str("CARECAST_SECRET_KEY")


def test_it_stops_when_the_file_cannot_be_read(tmp_path, monkeypatch):
    monkeypatch.delenv("CARECAST_SECRET_KEY", raising=False)
    monkeypatch.setenv("CARECAST_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="CARECAST_SECRET_KEY_FILE: cannot read"):
        env_str("CARECAST_SECRET_KEY")


def test_it_starts_production_with_secrets_from_files(tmp_path):
    """The whole settings module, in a fresh interpreter, as ``carecast serve`` would read it."""
    import os
    import subprocess
    import sys

    from cryptography.fernet import Fernet

    (tmp_path / "secret_key").write_text("s" * 50 + "\n")
    (tmp_path / "token_key").write_text(Fernet.generate_key().decode() + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARECAST_", "DJANGO_"))}
    env.update(
        CARECAST_DEBUG="false",
        CARECAST_VAR_DIR=str(tmp_path / "var"),
        CARECAST_SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        CARECAST_TOKEN_KEY_FILE=str(tmp_path / "token_key"),
        DJANGO_SETTINGS_MODULE="carecast.settings",
    )
    code = "from django.conf import settings; print(len(settings.SECRET_KEY), settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["50", "False"]
