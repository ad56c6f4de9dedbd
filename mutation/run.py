"""``make mutation``: mutmut over the modules "exactly once" rests on; each module's score.

Runs in a scratch copy of the working tree (``git ls-files``, untracked files too, ignored
ones not), so mutmut's ``mutants/`` directory and its ``[mutmut]`` configuration never
land in the repository. Each module is mutated against the tests that speak for it
(``MODULES``); the run stops after
``MUTATION_MINUTES`` (default 15) and scores what it finished. Equivalent survivors are
listed and explained in ``mutation/README.md``.

    make mutation
    MUTATION_MODULES=carecast/publishing/states.py MUTATION_MINUTES=5 make mutation
    MUTATION_KEEP=1 ...   # keep the scratch copy to read survivors: mutmut show <name>
    MUTATION_RESUME=/tmp/carecast-mutation-... MUTATION_MODULES=<one module> make mutation

``MUTATION_RESUME`` continues a kept run that ``MUTATION_MINUTES`` cut short: with the
module's tests as they are now, it runs only the mutants not yet killed.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_HERE = "not fault and not browser and not pds and not training"
MODULES = {
    "carecast/publishing/states.py": [
        "tests/publishing/test_guards.py",
        "tests/publishing/test_states.py",
        "tests/publishing/test_burst.py",
        "tests/publishing/test_dispatch.py",
    ],
    # The in-process tests of the worker's side; the fault and chaos tests start worker
    # processes (minutes each, and a subprocess never runs the mutant under test).
    "carecast/publishing/dispatch.py": [
        "tests/publishing/test_dispatch.py",
        "tests/publishing/test_dispatch_guards.py",
        "tests/publishing/test_burst.py",
        "tests/publishing/test_states.py",
        "tests/publishing/test_guards.py",
        "tests/publishing/test_writes.py",
        "tests/publishing/test_lookup_before_resend.py",
        "tests/publishing/test_lookup_retry.py",
        "tests/publishing/test_pacing.py",
    ],
    "carecast/lib/http.py": [
        "tests/lib",
        "tests/automation/test_address_guard.py",
        "tests/networks/test_guarded_connections.py",
    ],
    "carecast/compliance/checks/privacy.py": [
        "tests/compliance/test_privacy_rules.py",
        "tests/compliance/test_reply_model.py",
        "tests/compliance/test_checks.py",
    ],
}
STATUS = re.compile(r"^\s*(?P<name>[\w.]+__mutmut_\d+): (?P<status>[\w ]+)$")


def _scratch_copy() -> Path:
    target = Path(tempfile.mkdtemp(prefix="carecast-mutation-"))
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    # Compiled translations are not tracked (make install builds them); tests read German.
    for compiled in ROOT.glob("carecast/**/*.mo"):
        shutil.copy2(compiled, target / compiled.relative_to(ROOT))
    return target


def _configure(copy: Path, module: str) -> None:
    tests = "\n    ".join(t for t in MODULES[module] if (copy / t).exists())
    (copy / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = carecast\n"
        f"only_mutate = {module}\n"
        "also_copy =\n    bench\n    eval\n    mutation\n    manage.py\n"
        f"pytest_add_cli_args_test_selection =\n    {tests}\n"
        f"pytest_add_cli_args =\n    -m\n    {NOT_HERE}\n    -q\n    -p\n    no:cacheprovider\n"
        # Each child its own test database (mutation/isolate.py): shared, they fail each
        # other's tests, and mutmut would count those failures as killed mutants. Each
        # copies the template migrated once (_template), instead of migrating anew.
        "    -p\n    mutation.isolate\n"
    )


def _template(copy: Path) -> Path:
    """One migrated SQLite database, copied by each mutmut child (mutation/isolate.py)."""
    template = copy / "var" / "test-mutation-template.sqlite3"
    if template.exists():  # a resumed run: migrated already
        return template
    template.parent.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{template}",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    command = [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=copy, env=env, check=True)
    with closing(sqlite3.connect(template)) as database:  # all in the file, none in a -wal
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return template


def _run(copy: Path, seconds: float, names: list[str] = ()) -> None:
    env = {
        **os.environ,
        "CARECAST_HUEY_IMMEDIATE": "true",
        "CARECAST_MUTATION_TEMPLATE_DB": str(_template(copy)),
    }
    mutmut = [sys.executable, "-m", "mutmut", "run", "--max-children", "2", *names]
    try:
        subprocess.run(mutmut, cwd=copy, env=env, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        print(f"mutation: stopped after {seconds / 60:.0f} min; scoring what finished")


def _resume(copy: Path, module: str) -> list[str] | None:
    """Bring a kept run's tests up to date; the mutants still to run (not yet killed).

    Adding tests can only kill more mutants, so the kept verdicts stand: mutmut's record
    of the test selection is updated instead of letting it start over. A changed module
    (other mutants) or a test left out means a new run.
    """
    if (copy / module).read_bytes() != (ROOT / module).read_bytes():
        print(f"mutation: {module} changed since {copy} was made; start a new run")
        return None
    old = _selection(copy)
    for path in [*MODULES[module], "mutation/isolate.py"]:
        if (ROOT / path).is_file():
            shutil.copy2(ROOT / path, copy / path)
    _configure(copy, module)
    if not set(old) <= set(_selection(copy)):
        print("mutation: tests were left out since the kept run; start a new run")
        return None
    stats_file = copy / "mutants" / "mutmut-stats.json"
    stats = json.loads(stats_file.read_text())
    fingerprint = subprocess.run(
        [sys.executable, "-c", FINGERPRINT], cwd=copy, capture_output=True, text=True, check=True
    ).stdout
    stats["config_fingerprint"]["test_selection"] = json.loads(fingerprint)["test_selection"]
    stats_file.write_text(json.dumps(stats))
    meta = copy / "mutants" / f"{module}.meta"
    verdicts = json.loads(meta.read_text())["exit_code_by_key"]
    return [name for name, code in verdicts.items() if code in (None, 0)]


FINGERPRINT = (
    "import json; from mutmut.configuration import config; "
    "print(json.dumps(config().config_fingerprint()))"
)


def _selection(copy: Path) -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(copy / "setup.cfg")
    return parser.get("mutmut", "pytest_add_cli_args_test_selection").split()


def _score(copy: Path, module: str) -> str:
    listing = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    prefix = module.removesuffix(".py").replace("/", ".")
    counts: Counter = Counter()
    survivors = []
    for line in listing.splitlines():
        match = STATUS.match(line)
        if match and match["name"].startswith(prefix):
            counts[match["status"]] += 1
            if match["status"] == "survived":
                survivors.append(match["name"])
    done = counts["killed"] + counts["survived"] + counts["timeout"]
    score = 100 * (counts["killed"] + counts["timeout"]) / done if done else 0.0
    for name in survivors:
        print(f"    survived: {name}")
    return f"mutation {module}: {score:.1f} % killed ({dict(counts)})"


def main() -> int:
    chosen = [m for m in os.environ.get("MUTATION_MODULES", "").split(",") if m] or list(MODULES)
    budget = float(os.environ.get("MUTATION_MINUTES", "15")) * 60
    scores = []
    if os.environ.get("MUTATION_RESUME"):
        copy = Path(os.environ["MUTATION_RESUME"])
        [module] = chosen
        names = _resume(copy, module)
        if names is None:
            return 1
        _run(copy, budget, names)
        print(_score(copy, module))
        return 0
    for module in chosen:
        copy = _scratch_copy()
        try:
            _configure(copy, module)
            _run(copy, budget / len(chosen))
            scores.append(_score(copy, module))
        finally:
            if os.environ.get("MUTATION_KEEP"):
                print(f"mutation: kept {copy} (mutmut show <name> there)")
            else:
                shutil.rmtree(copy, ignore_errors=True)
    print()
    for line in scores:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
