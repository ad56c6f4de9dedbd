"""What the sandbox's networks read in an uploaded video (ffprobe), as their servers do
before they accept a clip: None when the bytes are no video."""

from __future__ import annotations

import json
import subprocess
import tempfile
from typing import Any


def probe(content: bytes) -> dict[str, Any] | None:
    with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
        handle.write(content)
        handle.flush()
        try:
            result = subprocess.run(  # noqa: S603 - fixed arguments, our own temp file
                [
                    "ffprobe",
                    "-v",
                    "error",
                    "-print_format",
                    "json",
                    "-show_streams",
                    "-show_format",
                    handle.name,
                ],
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
    try:
        info = json.loads(result.stdout or b"{}")
    except ValueError:
        return None
    videos = [s for s in info.get("streams") or [] if s.get("codec_type") == "video"]
    if result.returncode != 0 or not videos:
        return None
    return {
        "duration": float((info.get("format") or {}).get("duration") or 0),
        "width": videos[0].get("width"),
        "height": videos[0].get("height"),
    }
