"""``carecast media fit IN --network NAME --out OUT``: a network's version of a clip.

Exit 0 and the output's probe as JSON on stdout; exit 2 and a message on stderr for a
file that is no readable video or cannot be made to fit (too long for the network).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from carecast.media import fit as fitting
from carecast.media import probe as probing
from carecast.media.video import rejection
from carecast.media.video_limits import LIMITS

UNSUITABLE = 2


class Command(BaseCommand):
    help = "Video tools: fit a clip to a network."
    requires_system_checks: list[str] = []  # a file tool: the web setup is not its business

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        fit = actions.add_parser("fit", help="make a network's version of a clip")
        fit.add_argument("input", type=Path)
        fit.add_argument("--network", required=True, choices=sorted(LIMITS))
        fit.add_argument("--out", required=True, type=Path)
        fit.add_argument("--mode", choices=["crop", "pad"], default="crop")
        fit.add_argument("--focus", default="0.5,0.5", help="x,y from 0 to 1 (crop)")
        fit.add_argument("--captions", type=Path, help="an SRT or WebVTT file")
        fit.add_argument("--burn", action="store_true", help="burn the captions in")

    def handle(self, *args, **options) -> None:
        source: Path = options["input"]
        try:
            focus_x, focus_y = (float(v) for v in options["focus"].split(","))
        except ValueError:
            self._refuse("--focus takes two numbers from 0 to 1, e.g. 0.3,0.5")
        fit_options = fitting.FitOptions(
            mode=options["mode"],
            focus=(focus_x, focus_y),
            captions=options["captions"],
            burn_captions=options["burn"],
        )
        if not source.is_file():
            self._refuse(f"{source}: no such file")
        try:
            result = fitting.fit(source, options["out"], LIMITS[options["network"]], fit_options)
        except probing.Unreadable as exc:
            self._refuse(rejection(exc.code, source.name))
        except fitting.Unsuitable as exc:
            self._refuse(f"{source.name}: {exc}")
        report = {**result.probe, "path": str(result.path)}
        if result.captions:
            report["captions"] = str(result.captions)
        self.stdout.write(json.dumps(report, ensure_ascii=False))

    def _refuse(self, message: str):
        self.stderr.write(message)
        raise SystemExit(UNSUITABLE)
