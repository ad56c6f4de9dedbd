"""Decoding untrusted images in a separate process with time and memory limits.

An image is a program for the decoder: an animated GIF of 20 frames at 3000×3000 (171 KB)
took 21 s to process, a 6300×6300 PNG 455 MB. Uploads and feed images are therefore
decoded and encoded again (which drops EXIF/GPS) by ``python -m carecast.lib.images``, a
child process that gets ``MEMORY_BYTES`` of address space and ``SECONDS`` of time, and
refuses images whose pixels, over all frames, exceed a budget before decoding them all.

This module imports no Django: the child starts in a fraction of a second.
Protocol: image bytes on stdin; on success exit 0 and ``{"format", "width", "height"}`` as
one JSON line, then the clean bytes; on a refusal exit 2 and ``{"refused": <code>}``.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
from dataclasses import dataclass

# Pillow format → (mime type, file extension)
ACCEPTED = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
MAX_PIXELS = 40_000_000  # one frame: a 48-megapixel phone photo is refused, 40 MP is not
MAX_TOTAL_PIXELS = 60_000_000  # all frames of an animation together
MAX_FRAMES = 300
MEMORY_BYTES = 1536 * 2**20
SECONDS = 30.0


class Refused(ValueError):
    """The image is not one we process; ``code`` says why (see ``_reasons`` in stories.images)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str
    width: int
    height: int


def clean(raw: bytes, *, seconds: float = SECONDS, memory_bytes: int = MEMORY_BYTES) -> CleanImage:
    """Decode and re-encode ``raw`` in a child process; raise ``Refused`` if it is no image
    we accept, or if decoding it would take more than ``seconds`` or ``memory_bytes``."""

    try:
        # The child limits its own memory (no preexec_fn: web processes run threads).
        done = subprocess.run(
            [sys.executable, "-m", "carecast.lib.images", str(memory_bytes)],
            input=raw,
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Refused("too_costly") from None
    header, _, data = done.stdout.partition(b"\n")
    if done.returncode == 2:
        raise Refused(json.loads(header)["refused"])
    if done.returncode != 0:
        raise Refused("too_costly")  # out of memory, most likely
    meta = json.loads(header)
    return CleanImage(data, meta["format"], meta["width"], meta["height"])


def clean_in_process(raw: bytes) -> CleanImage:
    """What the child does. Call ``clean`` instead: this has no time or memory limit."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()  # structural check; the image must be reopened afterwards
        image = Image.open(io.BytesIO(raw))
        if (image.format or "") not in ACCEPTED:
            raise Refused("format")
        if image.width * image.height > MAX_PIXELS:
            raise Refused("pixels")
        _check_frames(image)
        data = _reencode(image, image.format)
        width, height = _oriented_size(image)
        return CleanImage(data, image.format, width, height)
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError, Image.DecompressionBombError):
        raise Refused("unreadable") from None


def _check_frames(image) -> None:
    """Count frames against the budget by seeking, and stop as soon as it is spent."""
    if not getattr(image, "is_animated", False):
        return
    per_frame = image.width * image.height
    frames = 0
    try:
        while True:
            frames += 1
            if frames > MAX_FRAMES or frames * per_frame > MAX_TOTAL_PIXELS:
                raise Refused("frames")
            image.seek(frames)
    except EOFError:
        image.seek(0)


def _oriented_size(image) -> tuple[int, int]:
    # EXIF orientation 5–8 swaps width and height once applied.
    if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):
        return image.height, image.width
    return image.width, image.height


def _reencode(image, image_format: str) -> bytes:
    from PIL import Image, ImageOps

    out = io.BytesIO()
    if getattr(image, "is_animated", False):
        # Keep animations; frames carry no EXIF, and ``info`` (comments, XMP) is not passed on.
        image.save(out, format=image_format, save_all=True, loop=image.info.get("loop", 0))
        return out.getvalue()
    # Apply the camera's rotation to the pixels before the EXIF that described it is dropped.
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("P", "PA"):
        upright = upright.convert("RGBA")  # keeps transparency, which a bare paste would lose
    clean_copy = Image.new(upright.mode, upright.size)
    clean_copy.paste(upright)
    if image_format == "JPEG":
        if clean_copy.mode not in ("RGB", "L"):
            clean_copy = clean_copy.convert("RGB")
        clean_copy.save(out, format="JPEG", quality=88, optimize=True)
    elif image_format == "PNG":
        clean_copy.save(out, format="PNG", optimize=True)
    elif image_format == "GIF":
        clean_copy.save(out, format="GIF")
    else:
        clean_copy.save(out, format="WEBP", quality=88)
    return out.getvalue()


def main() -> int:
    memory_bytes = int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        result = clean_in_process(sys.stdin.buffer.read())
    except Refused as refused:
        sys.stdout.write(json.dumps({"refused": refused.code}) + "\n")
        return 2
    header = {"format": result.format, "width": result.width, "height": result.height}
    sys.stdout.buffer.write(json.dumps(header).encode() + b"\n" + result.data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
