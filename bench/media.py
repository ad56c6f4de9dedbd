"""bench/media: images normalised per second, and ``media fit`` against bare ffmpeg.

Images: carecast decodes every upload in a child process with time and memory limits and
encodes it again from its pixels (``carecast.lib.images.clean``: EXIF/GPS dropped, camera
rotation applied). The baseline is Pillow alone doing the same decode, rotation and
re-encode in this process, without the child — the ratio is what the safety costs.
carecast's normalisation keeps the pixel size (no resize), so neither side resizes.

Video: ``carecast.media.fit.fit`` for TikTok (probe, plan, ffmpeg with progress, the
result's probe from ffmpeg's own report) against the bare ffmpeg command line it runs, with
the same settings, on the same clip: an 8 s and a 30 s clip, where the fixed cost per call
(one ffprobe, ~0.1 s) weighs differently. Target: ratio (bare time / fit time) ≥ 0.9.

Both measured in one run on inputs made here (Pillow and ffmpeg's test sources).

    python -m bench media
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

IMAGE_SIZE = (2400, 1600)  # a typical phone photo after the camera's own downscale
IMAGES = 20
# A hook-length clip, where the fixed cost per call weighs most, and a typical Reel or Short.
CLIP_SECONDS = (8, 30)
CLIP_SIZE = "1280x720"
ROUNDS = 5


def _photo() -> bytes:
    from PIL import Image

    image = Image.effect_mandelbrot(IMAGE_SIZE, (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated by the camera: the re-encode must apply it
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif)
    return out.getvalue()


def _pillow_alone(raw: bytes) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(raw)) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
        out = io.BytesIO()
        upright.save(out, format="JPEG", quality=88, optimize=True)
        return out.getvalue()


def _per_second(work, raw: bytes, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        work(raw)
    return count / (time.perf_counter() - started)


def bench_images() -> None:
    from carecast.lib import images

    raw = _photo()
    images.clean(raw)  # warm the file cache of the child's imports
    ours = _per_second(images.clean, raw, IMAGES)
    pillow = _per_second(_pillow_alone, raw, IMAGES)
    print(f"bench/media: images {IMAGE_SIZE[0]}×{IMAGE_SIZE[1]} JPEG, {len(raw) // 1000} KB")
    print(f"  carecast normalise {ours:8.2f} images/s (child process, limits, EXIF dropped)")
    print(f"  Pillow alone       {pillow:8.2f} images/s (same decode, rotate, re-encode)")
    print(f"  ratio              {ours / pillow:8.2f} (carecast / Pillow alone)")


def _clip(path: Path, seconds: int) -> None:
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    args += ["-f", "lavfi", "-i", f"testsrc2=size={CLIP_SIZE}:rate=30:duration={seconds}"]
    args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-shortest", str(path)]
    subprocess.run(args, check=True, capture_output=True)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class _Clock:
    """Wall time and CPU time (this process and the ffmpeg/ffprobe it ran) of one call.

    On a shared machine the wall time also measures the neighbours; the CPU time is the
    work alone, so the two ratios together tell overhead from noise.
    """

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, self._cpu() - self.cpu

    @staticmethod
    def _cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime


def bench_fit(seconds: int) -> None:
    from carecast.media import fit as fitting
    from carecast.media import probe as probing
    from carecast.media.video_limits import LIMITS

    limits, options = LIMITS["tiktok"], fitting.FitOptions(mode="crop", focus=(0.4, 0.5))
    with tempfile.TemporaryDirectory(prefix="carecast-bench-") as scratch:
        workdir = Path(scratch)
        source = workdir / "landscape.mp4"
        _clip(source, seconds)
        plan = fitting.make_plan(probing.probe(source), limits, options)
        bare_args = fitting.command(source, workdir / "bare.mp4", plan, options)
        fits, bares = [], []
        for _ in range(ROUNDS):  # alternate, so neither side gets a warmer machine
            with _Clock() as fitted:
                fitting.fit(source, workdir / "fit.mp4", limits, options, progress=lambda f: None)
            with _Clock() as bare:
                subprocess.run(bare_args, check=True, capture_output=True)
            fits.append(fitted)
            bares.append(bare)
        with _Clock() as probed:
            probing.probe(source)
    fit_time, bare_time = min(c.wall for c in fits), min(c.wall for c in bares)
    pairs = _median([b.wall / f.wall for f, b in zip(fits, bares, strict=True)])
    cpu = _median([b.cpu for b in bares]) / _median([f.cpu for f in fits])
    frames = seconds * 30
    print(
        f"bench/media: fit {CLIP_SIZE} {seconds} s → TikTok 9:16 (crop, {plan.width}×"
        f"{plan.height}, H.264/AAC), {ROUNDS} rounds"
    )
    print(f"  carecast media fit {fit_time:8.2f} s ({frames / fit_time:6.1f} frames/s), best")
    print(f"  bare ffmpeg        {bare_time:8.2f} s ({frames / bare_time:6.1f} frames/s), best")
    print(f"  ratio              {bare_time / fit_time:8.2f} (bare / fit, best; target ≥ 0.9)")
    print(f"  ratio, median pair {pairs:8.2f} (each fit against the bare run after it)")
    print(f"  ratio, CPU time    {cpu:8.2f} (median CPU seconds, bare / fit)")
    print(f"  fixed cost         {probed.wall:8.2f} s per call (one ffprobe of the input)")
    print(f"  load average       {os.getloadavg()[0]:8.2f} (on {os.cpu_count()} cores)")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecast.settings")
    import django

    django.setup()
    bench_images()
    for seconds in CLIP_SECONDS:
        bench_fit(seconds)


if __name__ == "__main__":
    main()
