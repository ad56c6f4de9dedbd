"""``make eval``: precision, recall and F1 of comment triage (per label) and draft checks (per id).

The sets are written by the project for itself (``comments.jsonl``, ``drafts.jsonl``;
labelling guide in ``README.md``). Targets (issue 5): emergency recall ≥ 0.95 with
precision ≥ 0.8; every other label and check F1 ≥ 0.8.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Drafts the checks were written and tuned on (README: how each set grew), and replies
# written afterwards by another author and never used to change a check.
DRAFTS_TUNED = ("drafts.jsonl", "drafts_holdout.jsonl", "drafts_e.jsonl")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, expected: bool, got: bool) -> None:
        self.tp += expected and got
        self.fp += got and not expected
        self.fn += expected and not got


def _rows(name: str) -> list[dict]:
    with open(HERE / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score_comments(
    name: str = "comments.jsonl",
) -> tuple[dict[str, Score], list[tuple[str, set, set]]]:
    from carecast.inbox.triage import LABELS, triage

    scores = {label: Score() for label in LABELS}
    misses = []
    for row in _rows(name):
        expected, got = set(row["labels"]), set(triage(row["text"]).labels)
        for label in LABELS:
            scores[label].add(label in expected, label in got)
        if expected != got:
            misses.append((row["text"], expected, got))
    return scores, misses


def score_drafts(
    name: str = "drafts.jsonl",
) -> tuple[dict[str, Score], list[tuple[str, set, set]]]:
    from carecast.compliance.checks import CHECKS
    from carecast.compliance.draft import draft_from_json
    from carecast.compliance.service import run_checks

    # The reply sets (replies_*.jsonl) were labelled for the two privacy checks only.
    ids = [i for i in CHECKS if i.startswith("privacy.")] if name.startswith("replies") else CHECKS
    scores = {check_id: Score() for check_id in ids}
    misses = []
    for row in _rows(name):
        expected = set(row["expect"])
        got = {f.id for f in run_checks(draft_from_json(row["draft"]))} & set(ids)
        for check_id in ids:
            scores[check_id].add(check_id in expected, check_id in got)
        if expected != got:
            misses.append((row["draft"]["text"][:90], expected, got))
    return scores, misses


def below_target(comments: dict[str, Score], drafts: dict[str, Score]) -> list[str]:
    """What misses the issue's targets, as readable lines (empty: all met)."""
    problems = []
    emergency = comments.get("emergency")
    if emergency and (emergency.recall < 0.95 or emergency.precision < 0.8):
        problems.append(
            f"emergency: recall {emergency.recall:.2f}, precision {emergency.precision:.2f}"
        )
    for name, score in [*comments.items(), *drafts.items()]:
        if name != "emergency" and score.f1 < 0.8:
            problems.append(f"{name}: F1 {score.f1:.2f}")
    return problems


def _table(title: str, scores: dict[str, Score]) -> None:
    print(f"\n{title:<30} {'n':>4} {'prec':>6} {'recall':>6} {'F1':>6}")
    for name, s in scores.items():
        print(f"{name:<30} {s.tp + s.fn:>4} {s.precision:>6.2f} {s.recall:>6.2f} {s.f1:>6.2f}")


def _report(comment_sets: list[str], draft_sets: list[str], verbose: bool) -> list[str]:
    comments: dict[str, Score] = {}
    drafts: dict[str, Score] = {}
    comment_misses: list = []
    draft_misses: list = []
    for name in comment_sets:
        scores, misses = score_comments(name)
        comments = _merge(comments, scores)
        comment_misses += misses
    for name in draft_sets:
        scores, misses = score_drafts(name)
        drafts = _merge(drafts, scores)
        draft_misses += misses
    print(
        f"{' + '.join(comment_sets)}: {sum(len(_rows(n)) for n in comment_sets)} comments"
        if comment_sets
        else "",
        f"\n{' + '.join(draft_sets)}: {sum(len(_rows(n)) for n in draft_sets)} drafts"
        if draft_sets
        else "",
    )
    if comments:
        _table("label", comments)
    if drafts:
        _table("check", drafts)
    if verbose:
        for text, expected, got in comment_misses + draft_misses:
            print(f"- {text!r}\n    expected {sorted(expected)}, got {sorted(got)}")
    return below_target(comments, drafts)


def _merge(total: dict[str, Score], more: dict[str, Score]) -> dict[str, Score]:
    for name, s in more.items():
        t = total.setdefault(name, Score())
        t.tp, t.fp, t.fn = t.tp + s.tp, t.fp + s.fp, t.fn + s.fn
    return total


def _cross_author(task_name: str) -> list[str]:
    """Rules + a model trained without the author's set (eval/train.py)."""
    from eval.train import TASKS, cross_author_report, print_report

    task = TASKS[task_name]
    counts = cross_author_report(task)
    print_report(counts, task)
    pooled: dict[str, Score] = {}
    for per_label in counts.values():
        for label, (tp, fp, fn) in per_label.items():
            _merge(pooled, {label: Score(tp, fp, fn)})
    if task_name == "triage":
        return below_target(pooled, {})
    return below_target({}, pooled)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecast.settings")
    import django

    django.setup()
    from carecast.inbox.triage import LABELS
    from eval.train import FINAL_COMMENTS, FRESH, REPLIES, TUNED

    verbose = "-v" in sys.argv
    print("=== 1. Everything triage and the checks learned from (in-sample) ===")
    print("(comments and replies: reported only, the models have seen them; posts: gated)")
    in_sample = _report([TUNED, *FRESH], [*DRAFTS_TUNED, *REPLIES.fresh[1:]], verbose)
    problems = [
        p
        for p in in_sample
        if p.split(":")[0] not in (*LABELS, "privacy.health_data", "privacy.patient_confirmation")
    ]
    print("\n=== 2. Text by an author the models never saw (gated) ===")
    problems += _cross_author("triage")
    problems += _cross_author("replies")
    print("\n=== 3. Final sets: never used to train or tune anything (reported) ===")
    for name in FINAL_COMMENTS:
        _report([name], [], verbose)
    for name in REPLIES.finals:
        _report([], [name], verbose)
    print("\n--- all final sets pooled ---")
    final = _report(list(FINAL_COMMENTS), list(REPLIES.finals), verbose=False)
    print("\ntargets met" if not problems else "\nbelow target: " + "; ".join(problems))
    print(
        "final sets: targets met" if not final else "final sets below target: " + "; ".join(final)
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
