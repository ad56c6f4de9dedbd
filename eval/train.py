"""Train the text models beside the word rules, and measure them honestly.

``python -m eval.train``            train both models and write their JSON files
``python -m eval.train --report``   also print the cross-author evaluation (below)

Two tasks share this code: comment **triage** (``carecast/inbox/triage_model.json``) and
the two **reply** checks ``privacy.patient_confirmation`` and ``privacy.health_data``
(``carecast/compliance/reply_model.json``).

The sets were written by different authors (``eval/README.md``). The honest question is
how rules + model do on text by an author they never learned from, so the evaluation
leaves one author's set out at a time: the model is trained on all other sets, its
thresholds are chosen on the other fresh sets (each predicted by a model that did not see
it), and only then is the left-out set scored, rules and model together, as carecast
runs them. Each task's final set is never trained on.

scikit-learn is needed here only (``pip install -e '.[dev]'``); carecast reads the
weights with plain Python (``carecast/lib/textmodel.py``).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
C = float(os.environ.get("TRIAGE_C", "4.0"))  # inverse regularisation; one value for all labels
MIN_WEIGHT = 1e-3  # weights smaller than this change no decision and are left out of the file
EMERGENCY_RECALL = float(os.environ.get("TRIAGE_RECALL", "0.96"))  # on unseen authors
VETOES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)


@dataclass(frozen=True)
class Task:
    name: str
    labels: tuple[str, ...]
    tuned: tuple[str, ...]  # the sets the word rules were written and tuned on
    fresh: tuple[str, ...]  # other authors' sets: training and cross-author evaluation
    finals: tuple[str, ...]  # never trained or tuned on
    model_path: Path
    text: Callable[[dict], str]
    wanted: Callable[[dict], list[str]]
    keep: Callable[[dict], bool] = lambda row: True
    vetoes: tuple[float, ...] = (0.0,)
    # How sure the model must be before it may drop a rule's label. An emergency the rules
    # see is dropped only when the model is all but certain ("krieg nen Herzinfarkt 😂" scores
    # about 0.06; "Sie hat einen Krampfanfall" 0.23 and stays an emergency).
    max_veto: dict[str, float] = field(default_factory=dict)
    recall_targets: dict[str, float] = field(default_factory=dict)

    def rows(self, name: str) -> list[dict]:
        path = HERE / name
        if not path.exists():
            return []
        with open(path, encoding="utf-8") as f:
            found = [json.loads(line) for line in f if line.strip()]
        return [{"text": self.text(r), "labels": self.wanted(r)} for r in found if self.keep(r)]

    def sets(self) -> dict[str, list[dict]]:
        found = {name: self.rows(name) for name in (*self.tuned, *self.fresh)}
        return {name: r for name, r in found.items() if r}

    def fresh_sets(self) -> list[str]:
        return [n for n in self.fresh if (HERE / n).exists()]


def _triage_rules(texts: list[str]) -> list[set[str]]:
    """The rules' labels per text; a label the rules rule out shows as "-label"."""
    from carecast.inbox.triage import rule_labels

    found = []
    for text in texts:
        given, ruled_out = rule_labels(text)
        found.append(set(given) | {"-" + label for label in ruled_out})
    return found


def _reply_rules(texts: list[str]) -> list[set[str]]:
    """The reply rules' ids per text; an id the rules rule out shows as "-id"."""
    from carecast.compliance.checks.privacy import rule_ids, ruled_out_ids

    return [set(rule_ids(t)) | {"-" + i for i in ruled_out_ids(t)} for t in texts]


def _is_reply(row: dict) -> bool:
    return bool(row["draft"].get("reply_to"))


REPLY_IDS = ("privacy.patient_confirmation", "privacy.health_data")

TRIAGE = Task(
    name="triage",
    labels=("emergency", "health_data", "complaint", "question", "praise", "abuse", "spam"),
    tuned=("comments.jsonl",),
    fresh=(
        "comments_holdout.jsonl",
        "comments_set_a.jsonl",
        "comments_set_b.jsonl",
        "comments_set_c.jsonl",
        "comments_set_g.jsonl",
        "comments_set_h.jsonl",
        "comments_set_i.jsonl",
        "comments_set_j.jsonl",
        "comments_set_k.jsonl",
        "comments_set_l.jsonl",
        "comments_set_m.jsonl",
        "comments_set_n.jsonl",
    ),
    finals=("comments_final_d.jsonl", "comments_final_d2.jsonl"),
    model_path=ROOT / "carecast" / "inbox" / "triage_model.json",
    text=lambda r: r["text"],
    wanted=lambda r: r["labels"],
    vetoes=VETOES,
    max_veto={"emergency": 0.15},
    recall_targets={"emergency": EMERGENCY_RECALL},
)
REPLIES = Task(
    name="replies",
    labels=REPLY_IDS,
    tuned=("drafts.jsonl", "drafts_holdout.jsonl"),
    fresh=(
        "drafts_e.jsonl",
        "replies_r1.jsonl",
        "replies_r2.jsonl",
        "replies_r3.jsonl",
        "replies_r4.jsonl",
        "replies_r5.jsonl",
        "replies_r6.jsonl",
        "replies_r7.jsonl",
        "replies_r8.jsonl",
    ),
    finals=("replies_final_f.jsonl", "replies_final_f2.jsonl"),
    model_path=ROOT / "carecast" / "compliance" / "reply_model.json",
    text=lambda r: r["draft"]["text"],
    wanted=lambda r: [i for i in r["expect"] if i in REPLY_IDS],
    keep=_is_reply,
)
TASKS = {"triage": TRIAGE, "replies": REPLIES}
RULES = {"triage": _triage_rules, "replies": _reply_rules}

# For the comment task, as other modules name them.
TUNED = TRIAGE.tuned[0]
FRESH = TRIAGE.fresh
FINAL_COMMENTS = TRIAGE.finals


def sets() -> dict[str, list[dict]]:
    return TRIAGE.sets()


def _matrix(texts: list[str], vocabulary: dict[str, int]):
    from scipy.sparse import csr_matrix

    from carecast.lib.textmodel import feature_names

    data, indices, indptr = [], [], [0]
    for text in texts:
        # The same scaling as at run time: over the features the model knows.
        cols = sorted({vocabulary[n] for n in feature_names(text) if n in vocabulary})
        value = 1.0 / math.sqrt(len(cols)) if cols else 0.0
        indices.extend(cols)
        data.extend([value] * len(cols))
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), len(vocabulary)))


def fit(train: list[dict], labels: tuple[str, ...] = TRIAGE.labels) -> dict:
    """Weights per label, trained on ``train``; thresholds are set separately."""
    from sklearn.linear_model import LogisticRegression

    from carecast.lib.textmodel import feature_names

    texts = [r["text"] for r in train]
    vocabulary: dict[str, int] = {}
    for text in texts:
        for name in feature_names(text):
            vocabulary.setdefault(name, len(vocabulary))
    x = _matrix(texts, vocabulary)
    names = list(vocabulary)
    weights: dict[str, list[float]] = {}
    intercepts = []
    for j, label in enumerate(labels):
        y = [label in r["labels"] for r in train]
        clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000)
        clf.fit(x, y)
        intercepts.append(round(float(clf.intercept_[0]), 5))
        for i, w in enumerate(clf.coef_[0]):
            if abs(w) >= MIN_WEIGHT:
                weights.setdefault(names[i], [0.0] * len(labels))[j] = round(float(w), 4)
    return {"labels": list(labels), "intercepts": intercepts, "weights": weights, "thresholds": {}}


def probabilities(data: dict, texts: list[str]) -> list[dict[str, float]]:
    from carecast.lib.textmodel import TextModel

    model = TextModel(data)
    return [model.probabilities(t) for t in texts]


def choose_thresholds(
    scored: list[tuple[dict, dict[str, float], set[str]]], task: Task = TRIAGE
) -> dict[str, float]:
    """Per label, how rules and model combine best on unseen authors' text.

    ``scored``: (row, model probabilities, labels the word rules gave) for each comment,
    every probability from a model that never saw that comment's set. A label is given when
    the model's probability reaches ``label``, or when the rules give it and the model's
    probability reaches ``label + "/veto"`` (the rules' idioms — "fast nen Herzinfarkt
    bekommen" — are what the model learns to doubt). A label with a recall target: the
    most precise pair that still reaches it; the others: the best F1.
    """
    import numpy as np

    chosen: dict[str, float] = {}
    grid = np.array([i / 100 for i in range(2, 99)])
    for label in task.labels:
        prob = np.array([probs.get(label, 0.0) for _row, probs, _r in scored])
        ruled = np.array([label in r for _row, _p, r in scored])
        out = np.array(["-" + label in r for _row, _p, r in scored])
        want = np.array([label in row["labels"] for row, _p, _r in scored])
        best, best_key = (0.5, 0.0), (-1.0, 0.0, 0.0)
        target = task.recall_targets.get(label)
        for veto in [v for v in task.vetoes if v <= task.max_veto.get(label, 1.0)]:
            ruled_kept = ruled & (prob >= veto)
            got = ruled_kept[None, :] | ((prob[None, :] >= grid[:, None]) & ~out[None, :])
            tp = (got & want).sum(axis=1)
            fp = (got & ~want).sum(axis=1)
            fn = (~got & want).sum(axis=1)
            recall = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 1.0)
            precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 1.0)
            f1 = np.where(
                precision + recall > 0,
                2 * precision * recall / np.maximum(precision + recall, 1e-9),
                0.0,
            )
            for k, t in enumerate(grid):
                if target is not None:
                    key = (1.0 if recall[k] >= target else recall[k], precision[k], -veto)
                else:
                    key = (f1[k], -veto, t)
                if key > best_key:
                    best, best_key = (float(t), veto), key
        chosen[label], chosen[label + "/veto"] = best
    return chosen


def decide(
    label: str, probs: dict[str, float], ruled: set[str], thresholds: dict[str, float]
) -> bool:
    p = probs.get(label, 0.0)
    if "-" + label in ruled:
        return False
    return p >= thresholds[label] or (label in ruled and p >= thresholds[label + "/veto"])


def _rule_labels(texts: list[str], task: Task = TRIAGE) -> list[set[str]]:
    return RULES[task.name](texts)


def _out_of_set(
    all_sets: dict[str, list[dict]], held: list[str], task: Task = TRIAGE
) -> list[tuple]:
    """Each row of the sets in ``held``, scored by a model trained without its set."""
    scored = []
    for name in held:
        train = [r for other, rs in all_sets.items() if other != name for r in rs]
        data = fit(train, task.labels)
        texts = [r["text"] for r in all_sets[name]]
        scored += list(
            zip(all_sets[name], probabilities(data, texts), _rule_labels(texts, task), strict=True)
        )
    return scored


def train_and_write(task: Task = TRIAGE, path: Path | None = None) -> dict:
    all_sets = task.sets()
    data = fit([r for rs in all_sets.values() for r in rs], task.labels)
    data["thresholds"] = choose_thresholds(_out_of_set(all_sets, task.fresh_sets(), task), task)
    path = path or task.model_path
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"wrote {path.name}: {len(data['weights'])} features, thresholds {data['thresholds']}")
    return data


def cross_author_report(task: Task = TRIAGE) -> dict[str, dict[str, tuple[int, int, int]]]:
    """Leave one fresh author's set out at a time; score rules + model on it."""
    all_sets = task.sets()
    fresh = task.fresh_sets()
    counts: dict[str, dict[str, tuple[int, int, int]]] = {}
    for test in fresh:
        others = {n: rs for n, rs in all_sets.items() if n != test}
        thresholds = choose_thresholds(
            _out_of_set(others, [n for n in fresh if n != test], task), task
        )
        data = fit([r for rs in others.values() for r in rs], task.labels)
        texts = [r["text"] for r in all_sets[test]]
        scored = list(
            zip(all_sets[test], probabilities(data, texts), _rule_labels(texts, task), strict=True)
        )
        per_label = {}
        for label in task.labels:
            tp = fp = fn = 0
            for row, probs, ruled in scored:
                got = decide(label, probs, ruled, thresholds)
                want = label in row["labels"]
                tp += got and want
                fp += got and not want
                fn += want and not got
            per_label[label] = (tp, fp, fn)
        counts[test] = per_label
    return counts


def print_report(counts: dict[str, dict[str, tuple[int, int, int]]], task: Task = TRIAGE) -> None:
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    width = max(len(label) for label in task.labels)
    print(
        f"\n{'cross-author (left-out set)':<30} {'label':<{width}} "
        f"{'n':>4} {'prec':>6} {'recall':>6} {'F1':>6}"
    )
    for test, per_label in [*counts.items(), ("all left-out sets", None)]:
        for label in task.labels:
            if per_label is None:
                tp, fp, fn = (sum(c[label][k] for c in counts.values()) for k in range(3))
            else:
                tp, fp, fn = per_label[label]
            p, r, f = prf(tp, fp, fn)
            print(f"{test:<30} {label:<{width}} {tp + fn:>4} {p:>6.2f} {r:>6.2f} {f:>6.2f}")


def main() -> int:
    names = [a for a in sys.argv[1:] if not a.startswith("--")] or list(TASKS)
    for name in names:
        task = TASKS[name]
        if "--report" in sys.argv:
            print_report(cross_author_report(task), task)
        if "--no-write" not in sys.argv:
            train_and_write(task)
    return 0


if __name__ == "__main__":
    sys.exit(main())
