"""Where the networks' own conformance data lives, and how a test gets at it.

The reference files are in the shared directory beside the repository (``../shared``), or
wherever ``CARECAST_SHARED_DIR`` points. A missing file fails its tests with the path in the
message: a skipped conformance suite would look green.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def shared_dir() -> Path:
    """``$CARECAST_SHARED_DIR``, else the ``shared`` directory next to the repository."""
    configured = os.environ.get("CARECAST_SHARED_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[3] / "shared"


def conformance_file(*parts: str) -> Path:
    return shared_dir().joinpath("reference", "conformance", *parts)


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
            f"Conformance data not found: {case.path}. Check out the shared reference "
            "directory next to the repository or set CARECAST_SHARED_DIR.",
            pytrace=False,
        )
    return case
