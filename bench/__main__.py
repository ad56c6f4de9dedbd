"""``make bench``: run every benchmark (or the ones named: ``python -m bench dispatch``)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "dispatch",
    "triage",
    "textcount",
    "ingest",
    "live",
    "chaos",
    "media",
    "pages",
    "metric_sync",
]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
