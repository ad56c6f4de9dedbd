"""``CARECAST_LOG_FORMAT=json``: one JSON object per line, the traceback inside it."""

import json
import logging
import os
import subprocess
import sys

from carecast.ops.jsonlog import JsonFormatter


def test_it_writes_one_json_object_per_record_with_the_traceback():
    try:
        raise ValueError("kaputt")
    except ValueError:
        record = logging.getLogger("carecast.test").makeRecord(
            "carecast.test", logging.ERROR, __file__, 1, "Kanal %s: Fehler", ("X",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "carecast.test"
    assert entry["message"] == "Kanal X: Fehler"
    assert "ValueError: kaputt" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_it_logs_json_when_the_environment_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARECAST_", "DJANGO_"))}
    env.update(
        CARECAST_LOG_FORMAT="json",
        CARECAST_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="carecast.settings",
    )
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('carecast.ops').warning('Warteschlange %d', 3)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (line,) = result.stderr.strip().splitlines()
    assert json.loads(line)["message"] == "Warteschlange 3"


def test_it_refuses_an_unknown_log_format(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARECAST_", "DJANGO_"))}
    env.update(CARECAST_LOG_FORMAT="xml", CARECAST_VAR_DIR=str(tmp_path))
    code = "import carecast.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "CARECAST_LOG_FORMAT must be text or json" in result.stderr
