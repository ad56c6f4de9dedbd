"""The evaluation sets meet the issue's targets (``make eval`` prints the full table)."""

from __future__ import annotations

from eval.score import _rows, below_target, score_comments, score_drafts


def test_it_meets_the_targets_on_the_evaluation_sets():
    assert len(_rows("comments.jsonl")) >= 300 and len(_rows("drafts.jsonl")) >= 100
    comments, _ = score_comments()
    drafts, _ = score_drafts()
    assert below_target(comments, drafts) == []
