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
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
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
    "carecast/publishing/dispatch.py": ["tests/publishing"],
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
    tests = "\n    ".join(MODULES[module])
    (copy / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = carecast\n"
        f"only_mutate = {module}\n"
        "also_copy =\n    bench\n    eval\n    mutation\n    manage.py\n"
        f"pytest_add_cli_args_test_selection =\n    {tests}\n"
        f"pytest_add_cli_args =\n    -m\n    {NOT_HERE}\n    -q\n    -p\n    no:cacheprovider\n"
        # Each child its own test database (mutation/isolate.py): shared, they fail each
        # other's tests, and mutmut would count those failures as killed mutants.
        "    -p\n    mutation.isolate\n"
        # Tables straight from the models: each child builds its database anew, and
        # running every migration for it made unchanged code time out on a busy machine.
        "    --no-migrations\n"
    )


def _run(copy: Path, seconds: float) -> None:
    env = {**os.environ, "CARECAST_HUEY_IMMEDIATE": "true"}
    mutmut = [sys.executable, "-m", "mutmut", "run", "--max-children", "2"]
    try:
        subprocess.run(mutmut, cwd=copy, env=env, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        print(f"mutation: stopped after {seconds / 60:.0f} min; scoring what finished")


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
