"""The triage model: word rules' second opinion on comments (see ``carecast.lib.textmodel``).

Trained on every labelled comment set in ``eval/`` except the final one
(``make train-triage``); ``triage.py`` combines it with the word rules.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from carecast.lib.textmodel import TextModel, features, load, tokens

MODEL_PATH = Path(__file__).with_name("triage_model.json")
TriageModel = TextModel

__all__ = ["MODEL_PATH", "TriageModel", "features", "model", "tokens"]


@cache
def model() -> TextModel | None:
    """The shipped triage model, or None where it has not been trained."""
    return load(MODEL_PATH)
