"""The target gate of `make eval` (eval/score.py) for comment labels and for checks alone."""

from __future__ import annotations

from eval.score import Score, below_target


def test_emergency_needs_recall_and_precision():
    assert below_target({"emergency": Score(tp=95, fp=10, fn=5)}, {}) == []
    low_recall = below_target({"emergency": Score(tp=90, fp=0, fn=10)}, {})
    assert low_recall == ["emergency: recall 0.90, precision 1.00"]
    low_precision = below_target({"emergency": Score(tp=10, fp=5, fn=0)}, {})
    assert low_precision == ["emergency: recall 1.00, precision 0.67"]


def test_checks_alone_are_gated_by_f1():
    # Reply sets carry no comment labels: the gate must judge the checks, not fail on them.
    drafts = {
        "privacy.health_data": Score(tp=70, fp=30, fn=30),
        "privacy.patient_confirmation": Score(tp=90, fp=5, fn=5),
    }
    assert below_target({}, drafts) == ["privacy.health_data: F1 0.70"]
