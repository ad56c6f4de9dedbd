"""bench/triage: comments triaged per second per core, as a ratio to one plain ``re`` scan.

The texts are the evaluation comments (German and English), repeated to N. The baseline
scans the same texts with one combined pattern of every triage word list (``findall``),
in the same run: what triage costs beyond finding the words (reasons, sentence windows,
emergency context, sarcasm) shows as the ratio. CPU time of this one process = one core.

    python -m bench triage            # N=10000, 5 rounds
    BENCH_TRIAGE_N=5000 python -m bench triage
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

N = int(os.environ.get("BENCH_TRIAGE_N", "10000"))
TARGET = 2_000  # comments per second per core (issue 5)


def _texts() -> list[str]:
    path = Path(__file__).resolve().parents[1] / "eval" / "comments.jsonl"
    comments = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    return (comments * (N // len(comments) + 1))[:N]


def _combined_pattern() -> re.Pattern[str]:
    from carecast.inbox import triage_terms

    parts = [
        value.pattern
        for value in vars(triage_terms).values()
        if isinstance(value, re.Pattern) and value.pattern
    ]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


ROUNDS = 5


def _rate(work, texts: list[str]) -> float:
    started = time.process_time()
    for text in texts:
        work(text)
    return len(texts) / (time.process_time() - started)


def _best_rates(works: list, texts: list[str]) -> list[float]:
    """Each work's best rate over ROUNDS rounds, the works taking turns in every round:
    a shared machine's slow moment then costs both alike, and the best round is the
    one least disturbed (as timeit advises)."""
    best = [0.0] * len(works)
    for _ in range(ROUNDS):
        for i, work in enumerate(works):
            best[i] = max(best[i], _rate(work, texts))
    return best


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecast.settings")
    import django

    django.setup()
    from carecast.inbox.triage import triage

    texts = _texts()
    combined = _combined_pattern()
    triage(texts[0]), combined.findall(texts[0])  # warm caches outside the clock
    baseline, ours = _best_rates([combined.findall, triage], texts)
    print(f"bench/triage: {len(texts)} comments, best of {ROUNDS} rounds")
    print(f"  triage          {ours:10,.0f} comments/s/core (target ≥ {TARGET:,})")
    print(f"  plain re scan   {baseline:10,.0f} comments/s/core (one combined pattern, findall)")
    print(f"  ratio           {ours / baseline:10.2f} × the plain scan")
    _hostile(triage, texts)


# What a hostile network account can send: long runs that made the word patterns backtrack
# quadratically (10,000 digits took 1.4 s). Measured as characters per second against the
# ordinary comments' characters per second, in the same run: near 1 means linear work.
HOSTILE = ["1" * 10_000, "1" * 20_000, "1 " * 5_000, "1." * 10_000, "Hilfe " * 2_000]


def _hostile(triage, texts: list[str]) -> None:
    ordinary = texts[:2_000]
    chars = lambda batch: sum(len(t) for t in batch)  # noqa: E731
    rates = _best_rates(
        [lambda _t: [triage(t) for t in ordinary], lambda _t: [triage(t) for t in HOSTILE]],
        [""],
    )
    per_char = [rates[0] * chars(ordinary), rates[1] * chars(HOSTILE)]
    print(
        f"  hostile         {per_char[1]:10,.0f} chars/s/core ({len(HOSTILE)} comments of up to 20,000 chars)"
    )
    print(f"  ordinary        {per_char[0]:10,.0f} chars/s/core")
    print(f"  ratio           {per_char[1] / per_char[0]:10.2f} × ordinary comments, per character")


if __name__ == "__main__":
    main()
