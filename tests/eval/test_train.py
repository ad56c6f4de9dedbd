"""The shipped triage model is what the code and the labelled sets produce, and the
cross-author evaluation never lets a set's own comments into its model."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn", reason="eval/train.py needs the dev extra (make install)")

from carecast.inbox.model import MODEL_PATH  # noqa: E402
from eval import train  # noqa: E402


def test_training_again_gives_the_shipped_model(tmp_path, monkeypatch):
    monkeypatch.setattr("carecast.inbox.model.MODEL_PATH", tmp_path / "model.json")
    trained = train.train_and_write()
    shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    # Exact with the scikit-learn the file was made with; a later release may round apart.
    assert trained["thresholds"] == pytest.approx(shipped["thresholds"], abs=0.02)
    assert trained["intercepts"] == pytest.approx(shipped["intercepts"], abs=1e-3)
    assert trained["weights"].keys() == shipped["weights"].keys()
    for name, weights in shipped["weights"].items():
        assert trained["weights"][name] == pytest.approx(weights, abs=1e-3), name


def test_the_final_set_is_never_trained_on():
    assert train.FINAL_COMMENTS not in train.sets()


def test_a_left_out_set_is_scored_by_a_model_that_never_saw_it(monkeypatch):
    seen: list[list[str]] = []
    fit = train.fit

    def spy(rows):
        seen.append([r["text"] for r in rows])
        return fit(rows)

    monkeypatch.setattr(train, "fit", spy)
    sets = {name: rows[:40] for name, rows in train.sets().items()}
    scored = train._out_of_set(sets, ["comments_set_a.jsonl"])
    left_out = {r["text"] for r in sets["comments_set_a.jsonl"]}
    assert len(scored) == len(left_out)
    assert seen and not left_out & set(seen[-1])
