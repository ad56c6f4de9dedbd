"""Where the networks' own conformance data lives, and how a test gets at it.

The vectors are copied into the repository (``tests/fixtures/conformance/``, with their
licence and source), so a fresh clone alone passes; ``CARECAST_CONFORMANCE_DIR`` points the
tests at another copy. A missing file fails its tests with the path in the message: a
skipped conformance suite would look green.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def conformance_dir() -> Path:
    """``$CARECAST_CONFORMANCE_DIR``, else the copies in ``tests/fixtures/conformance``."""
    configured = os.environ.get("CARECAST_CONFORMANCE_DIR")
    return (
        Path(configured)
        if configured
        else Path(__file__).resolve().parents[1] / "fixtures" / "conformance"
    )


def conformance_file(*parts: str) -> Path:
    return conformance_dir().joinpath(*parts)


@dataclass(frozen=True)
class MissingReference:
    path: Path


def cases(path: Path, named: list[tuple[str, Any]] | None) -> list[Any]:
    """``pytest.param`` per (name, case); one failing param if ``path`` could not be read."""
    if named is None:
        return [pytest.param(MissingReference(path), id="reference-file-missing")]
    return [pytest.param(case, id=name) for name, case in named]


def require(case: Any) -> Any:
    """The case itself, or a failure that says which reference file is missing."""
    if isinstance(case, MissingReference):
        pytest.fail(
            f"Conformance data not found: {case.path} (copies live in "
            "tests/fixtures/conformance/; CARECAST_CONFORMANCE_DIR points elsewhere).",
            pytrace=False,
        )
    return case
