"""bench/textcount: the X counter on every keystroke, and on text made to backtrack.

The composer counts a post on every keystroke, so counting must stay cheap for ordinary
posts and linear for hostile ones (twitter-text-parser's URL regex needs 11 s for
"a." * 500). Reported as characters per second per core and as a ratio to ``len()`` of
the UTF-16 encoding of the same text, measured in the same run; the pathological texts
should count at a rate of the same order as an ordinary post (ratio to it printed).

    python -m bench textcount
"""

from __future__ import annotations

import time

ORDINARY = ("Wir suchen Pflegekräfte für die Geburtshilfe – jetzt bewerben! " * 4)[:250] + (
    " https://klinikum-musterstadt.de/jobs"
)
HOSTILE = {
    "dotted-labels": "a." * 50_000,
    "hyphens": "a-" * 50_000 + ".com",
    "tld-then-labels": "a.de!" + "a." * 50_000,
    "parentheses": "http://a.com/" + "(a)" * 30_000 + "!",
    "cjk-dots": "中." * 50_000,
}


def _chars_per_second(work, text: str, repeat: int) -> float:
    started = time.process_time()
    for _ in range(repeat):
        work(text)
    return len(text) * repeat / max(time.process_time() - started, 1e-9)


def main() -> None:
    from carecast.networks.textcount import x_validate, x_weighted_length

    x_weighted_length(ORDINARY)  # warm caches outside the clock
    ordinary = _chars_per_second(x_weighted_length, ORDINARY, 2000)
    baseline = _chars_per_second(lambda t: len(t.encode("utf-16-le")), ORDINARY, 2000)
    posts_per_second = ordinary / len(ORDINARY)
    print("bench/textcount: X weighted length")
    print(f"  ordinary post   {posts_per_second:10,.0f} counts/s/core ({len(ORDINARY)} chars)")
    print(f"  ratio to len()  {ordinary / baseline:10.4f} (utf-16 length of the same text)")
    for name, text in HOSTILE.items():
        rate = _chars_per_second(x_validate, text, 1)
        print(
            f"  {name:<15} {rate:10,.0f} chars/s, {rate / ordinary:6.2f} × an ordinary post's rate"
        )


if __name__ == "__main__":
    main()
