"""The shipped triage model is what the code and the labelled sets produce, and the
cross-author evaluation never lets a set's own comments into its model."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn", reason="eval/train.py needs the dev extra (make install)")
# Retraining takes about a minute of CPU and touches no database: `make test` runs it,
# `make test-services` (the same suite on PostgreSQL + Redis) leaves it out.
pytestmark = pytest.mark.training

from eval import train  # noqa: E402


@pytest.mark.parametrize("task", list(train.TASKS.values()), ids=list(train.TASKS))
def test_training_again_gives_the_shipped_model(tmp_path, task):
    trained = train.train_and_write(task, tmp_path / "model.json")
    shipped = json.loads(task.model_path.read_text(encoding="utf-8"))
    # Exact with the scikit-learn the file was made with; a later release may round apart.
    assert trained["thresholds"] == pytest.approx(shipped["thresholds"], abs=0.02)
    assert trained["intercepts"] == pytest.approx(shipped["intercepts"], abs=1e-3)
    assert trained["weights"].keys() == shipped["weights"].keys()
    for name, weights in shipped["weights"].items():
        assert trained["weights"][name] == pytest.approx(weights, abs=1e-3), name


@pytest.mark.parametrize("task", list(train.TASKS.values()), ids=list(train.TASKS))
def test_the_final_sets_are_never_trained_on(task):
    assert task.finals and not set(task.finals) & set(task.sets())
    assert all((train.HERE / name).exists() for name in task.finals)


def test_a_left_out_set_is_scored_by_a_model_that_never_saw_it(monkeypatch):
    seen: list[list[str]] = []
    fit = train.fit

    def spy(rows, labels):
        seen.append([r["text"] for r in rows])
        return fit(rows, labels)

    monkeypatch.setattr(train, "fit", spy)
    sets = {name: rows[:40] for name, rows in train.sets().items()}
    scored = train._out_of_set(sets, ["comments_set_a.jsonl"])
    left_out = {r["text"] for r in sets["comments_set_a.jsonl"]}
    assert len(scored) == len(left_out)
    assert seen and not left_out & set(seen[-1])
