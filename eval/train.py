"""Train the triage model (``carecast/inbox/triage_model.json``) and measure it honestly.

``python -m eval.train``          train on every labelled set, choose thresholds, write the model
``python -m eval.train --report`` also print the cross-author evaluation (below)

The comment sets were written by different authors (``eval/README.md``). The honest question
is how triage does on text by an author it never learned from, so the evaluation leaves
one author's set out at a time: the model is trained on all other sets, its thresholds are
chosen on the other fresh sets (each predicted by a model that did not see it), and only
then is the left-out set scored, rules and model together, as ``triage()`` runs them.

scikit-learn is needed here only (``pip install -e '.[dev]'``); carecast reads the
weights with plain Python (``carecast/inbox/model.py``).
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The first set is the one the word rules were tuned on; the others are fresh authors' sets.
TUNED = "comments.jsonl"
FRESH = (
    "comments_holdout.jsonl",
    "comments_set_a.jsonl",
    "comments_set_b.jsonl",
    "comments_set_c.jsonl",
)
# Written last, by yet another author, and never used to train or tune: ``make eval`` scores it.
FINAL_COMMENTS = "comments_final_d.jsonl"
C = float(os.environ.get("TRIAGE_C", "4.0"))  # inverse regularisation; one value for all labels
MIN_WEIGHT = 1e-3  # weights smaller than this change no decision and are left out of the file
EMERGENCY_RECALL = float(os.environ.get("TRIAGE_RECALL", "0.96"))  # on unseen authors


def rows(name: str) -> list[dict]:
    path = HERE / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sets() -> dict[str, list[dict]]:
    found = {name: rows(name) for name in (TUNED, *FRESH)}
    return {name: r for name, r in found.items() if r}


def _matrix(texts: list[str], vocabulary: dict[str, int]):
    from scipy.sparse import csr_matrix

    from carecast.inbox.model import feature_names

    data, indices, indptr = [], [], [0]
    for text in texts:
        # The same scaling as at run time: over the features the model knows.
        cols = sorted({vocabulary[n] for n in feature_names(text) if n in vocabulary})
        value = 1.0 / math.sqrt(len(cols)) if cols else 0.0
        indices.extend(cols)
        data.extend([value] * len(cols))
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), len(vocabulary)))


def fit(train: list[dict]) -> dict:
    """Weights per label, trained on ``train``; thresholds are set separately."""
    from sklearn.linear_model import LogisticRegression

    from carecast.inbox.model import feature_names
    from carecast.inbox.triage import LABELS

    texts = [r["text"] for r in train]
    vocabulary: dict[str, int] = {}
    for text in texts:
        for name in feature_names(text):
            vocabulary.setdefault(name, len(vocabulary))
    x = _matrix(texts, vocabulary)
    names = list(vocabulary)
    weights: dict[str, list[float]] = {}
    intercepts = []
    for j, label in enumerate(LABELS):
        y = [label in r["labels"] for r in train]
        clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000)
        clf.fit(x, y)
        intercepts.append(round(float(clf.intercept_[0]), 5))
        for i, w in enumerate(clf.coef_[0]):
            if abs(w) >= MIN_WEIGHT:
                weights.setdefault(names[i], [0.0] * len(LABELS))[j] = round(float(w), 4)
    return {"labels": list(LABELS), "intercepts": intercepts, "weights": weights, "thresholds": {}}


def probabilities(data: dict, texts: list[str]) -> list[dict[str, float]]:
    from carecast.inbox.model import TriageModel

    model = TriageModel(data)
    return [model.probabilities(t) for t in texts]


VETOES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)


def choose_thresholds(scored: list[tuple[dict, dict[str, float], set[str]]]) -> dict[str, float]:
    """Per label, how rules and model combine best on unseen authors' text.

    ``scored``: (row, model probabilities, labels the word rules gave) for each comment,
    every probability from a model that never saw that comment's set. A label is given when
    the model's probability reaches ``label``, or when the rules give it and the model's
    probability reaches ``label + "/veto"`` (the rules' idioms — "fast nen Herzinfarkt
    bekommen" — are what the model learns to doubt). Emergency: the most precise pair
    that still reaches EMERGENCY_RECALL; the others: the best F1.
    """
    import numpy as np

    from carecast.inbox.triage import LABELS

    chosen: dict[str, float] = {}
    grid = np.array([i / 100 for i in range(2, 99)])
    for label in LABELS:
        prob = np.array([probs.get(label, 0.0) for _row, probs, _r in scored])
        ruled = np.array([label in r for _row, _p, r in scored])
        out = np.array(["-" + label in r for _row, _p, r in scored])
        want = np.array([label in row["labels"] for row, _p, _r in scored])
        best, best_key = (0.5, 0.0), (-1.0, 0.0, 0.0)
        for veto in VETOES:
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
                if label == "emergency":
                    key = (1.0 if recall[k] >= EMERGENCY_RECALL else recall[k], precision[k], -veto)
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


def _rule_labels(texts: list[str]) -> list[set[str]]:
    """The rules' labels per text; a label the rules rule out shows as "-label"."""
    from carecast.inbox.triage import rule_labels

    found = []
    for text in texts:
        given, ruled_out = rule_labels(text)
        found.append(set(given) | {"-" + label for label in ruled_out})
    return found


def _out_of_set(all_sets: dict[str, list[dict]], held: list[str]) -> list[tuple]:
    """Each comment of the sets in ``held``, scored by a model trained without its set."""
    scored = []
    for name in held:
        train = [r for other, rs in all_sets.items() if other != name for r in rs]
        data = fit(train)
        texts = [r["text"] for r in all_sets[name]]
        scored += list(
            zip(all_sets[name], probabilities(data, texts), _rule_labels(texts), strict=True)
        )
    return scored


def train_and_write() -> dict:
    all_sets = sets()
    fresh = [n for n in FRESH if n in all_sets]
    data = fit([r for rs in all_sets.values() for r in rs])
    data["thresholds"] = choose_thresholds(_out_of_set(all_sets, fresh))
    from carecast.inbox.model import MODEL_PATH

    with open(MODEL_PATH, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(
        f"wrote {MODEL_PATH.name}: {len(data['weights'])} features, thresholds {data['thresholds']}"
    )
    return data


def cross_author_report() -> dict[str, dict[str, tuple[int, int, int]]]:
    """Leave one fresh author's set out at a time; score rules + model on it."""
    from carecast.inbox.triage import LABELS

    all_sets = sets()
    fresh = [n for n in FRESH if n in all_sets]
    counts: dict[str, dict[str, tuple[int, int, int]]] = {}
    for test in fresh:
        others = {n: rs for n, rs in all_sets.items() if n != test}
        thresholds = choose_thresholds(_out_of_set(others, [n for n in fresh if n != test]))
        data = fit([r for rs in others.values() for r in rs])
        texts = [r["text"] for r in all_sets[test]]
        per_label = {}
        for label in LABELS:
            tp = fp = fn = 0
            for row, probs, ruled in zip(
                all_sets[test], probabilities(data, texts), _rule_labels(texts), strict=True
            ):
                got = decide(label, probs, ruled, thresholds)
                want = label in row["labels"]
                tp += got and want
                fp += got and not want
                fn += want and not got
            per_label[label] = (tp, fp, fn)
        counts[test] = per_label
    return counts


def print_report(counts: dict[str, dict[str, tuple[int, int, int]]]) -> None:
    from carecast.inbox.triage import LABELS

    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    print(
        f"\n{'cross-author (left-out set)':<30} {'label':<12} {'n':>4} {'prec':>6} {'recall':>6} {'F1':>6}"
    )
    for test, per_label in [*counts.items(), ("all left-out sets", None)]:
        for label in LABELS:
            if per_label is None:
                tp, fp, fn = (sum(c[label][k] for c in counts.values()) for k in range(3))
            else:
                tp, fp, fn = per_label[label]
            p, r, f = prf(tp, fp, fn)
            print(f"{test:<30} {label:<12} {tp + fn:>4} {p:>6.2f} {r:>6.2f} {f:>6.2f}")


def main() -> int:
    if "--report" in sys.argv:
        print_report(cross_author_report())
    if "--no-write" not in sys.argv:
        train_and_write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
