"""Server-rendered SVG charts: one code path for the dashboard and the PDF report.

Each chart is a ``Chart``: the SVG (``role="img"`` with ``<title>`` and ``<desc>``), and the
same numbers as a table, shown beside it for screen readers and whoever prefers figures.
No script, no external font: the page's CSP and WeasyPrint both take it as it is.
Missing values (``None``) are drawn as gaps, never as zero.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2457a6", "#c2410c", "#15803d", "#7c3aed", "#b45309", "#0e7490")
INK, GRID, MUTED = "#1c2230", "#e3e6ec", "#5d6575"
_ids = itertools.count(1)


@dataclass
class Chart:
    title: str
    description: str
    svg: SafeString
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # as shown: "1.234", "–"
    data: list[list] = field(default_factory=list)  # the same, unformatted (spreadsheets)


def fmt(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return number_format(round(value, decimals), decimal_pos=decimals, force_grouping=True)


def _nice_max(value: float) -> float:
    """The axis end: 1, 2, 2.5 or 5 times a power of ten, at or above ``value``."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _open(title: str, description: str, width: int, height: int) -> tuple[str, str]:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-labelledby="ct{n} cd{n}" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">'
        f'<title id="ct{n}">{escape(title)}</title><desc id="cd{n}">{escape(description)}</desc>'
    )
    return head, "</svg>"


def line_chart(
    title: str, description: str, labels: list[str], series: dict[str, list[float | None]]
) -> Chart:
    """Lines over ``labels`` (e.g. weeks); one colour per series, a legend on top."""
    width, height, left, right, top, bottom = 900, 280, 64, 16, 36, 40
    values = [v for vs in series.values() for v in vs if v is not None]
    peak = _nice_max(max(values, default=0))
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)
    head, tail = _open(title, description, width, height)
    parts = [head, *_y_grid(peak, left, top, plot_w, plot_h)]
    every = max(1, len(labels) // 10)
    for i, label in enumerate(labels):
        if i % every == 0:
            x = left + i * step
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        for run in _runs(points):  # gaps where a value is missing
            coords = " ".join(
                f"{left + i * step:.1f},{top + plot_h - (v / peak) * plot_h:.1f}" for i, v in run
            )
            if len(run) == 1:
                i, v = run[0]
                parts.append(
                    f'<circle cx="{left + i * step:.1f}" cy="{top + plot_h - (v / peak) * plot_h:.1f}" r="2.5" fill="{colour}"/>'
                )
            else:
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.2" stroke-linejoin="round"/>'
                )
        lx = left + n * 190
        parts.append(f'<rect x="{lx}" y="10" width="14" height="4" fill="{colour}" rx="1"/>')
        parts.append(f'<text x="{lx + 20}" y="16" fill="{INK}">{escape(name)}</text>')
    parts.append(tail)
    rows = [
        [label, *(fmt(points[i]) for points in series.values())] for i, label in enumerate(labels)
    ]
    return Chart(title, description, mark_safe("".join(parts)), ["", *series], rows)  # noqa: S308 - every text is escaped above


def _runs(points: list[float | None]) -> list[list[tuple[int, float]]]:
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(points):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, value))
    return [r for r in runs if r]


def _y_grid(peak: float, left: int, top: int, plot_w: float, plot_h: float) -> list[str]:
    lines = []
    for k in range(5):
        value = peak * k / 4
        y = top + plot_h - plot_h * k / 4
        lines.append(
            f'<line x1="{left}" x2="{left + plot_w:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        lines.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{fmt(value)}</text>'
        )
    return lines


def bar_chart(
    title: str,
    description: str,
    bars: list[tuple[str, float | None]],
    unit: str = "",
    decimals: int = 0,
) -> Chart:
    """Horizontal bars, longest first as given; a missing value says so instead of a bar."""
    label_w, row_h, width = 210, 30, 720
    height = 16 + row_h * max(len(bars), 1)
    peak = _nice_max(max((v for _l, v in bars if v is not None), default=0))
    head, tail = _open(title, description, width, height)
    parts = [head]
    plot_w = width - label_w - 60
    for i, (label, value) in enumerate(bars):
        y = 8 + i * row_h
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(
            f'<text x="{label_w - 10}" y="{y + 18}" text-anchor="end" fill="{INK}">{escape(short)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{label_w}" y="{y + 18}" fill="{MUTED}">–</text>')
            continue
        w = max(plot_w * value / peak, 1.5)
        parts.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="{row_h - 12}" rx="3" fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 8:.1f}" y="{y + 18}" fill="{INK}">{fmt(value, decimals)}{escape(unit)}</text>'
        )
    parts.append(tail)
    rows = [[label, fmt(value, decimals)] for label, value in bars]
    data = [[label, value] for label, value in bars]
    return Chart(title, description, mark_safe("".join(parts)), ["", title], rows, data)  # noqa: S308


def heatmap(
    title: str,
    description: str,
    days: list[str],
    grid: list[list[float | None]],
    hours: range = range(24),
) -> Chart:
    """Weekday rows × hour columns; darker is better; empty cells had no posts."""
    left, top, cell_w, cell_h = 44, 22, 27, 26
    width, height = left + cell_w * len(hours) + 4, top + cell_h * len(days) + 4
    peak = max((v for row in grid for v in row if v is not None), default=0) or 1
    head, tail = _open(title, description, width, height)
    parts = [head]
    for j, hour in enumerate(hours):
        if hour % 3 == 0:
            parts.append(
                f'<text x="{left + j * cell_w + cell_w / 2:.1f}" y="14" text-anchor="middle" fill="{MUTED}">{hour}</text>'
            )
    for i, day in enumerate(days):
        y = top + i * cell_h
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" fill="{INK}">{escape(day)}</text>'
        )
        for j, _hour in enumerate(hours):
            value = grid[i][j]
            x = left + j * cell_w
            if value is None:
                fill = "#f4f5f8"
            else:
                share = value / peak
                fill = f"rgba(36,87,166,{0.12 + 0.88 * share:.2f})"
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" rx="3" fill="{fill}"/>'
            )
    parts.append(tail)
    rows = [[day, *(fmt(v, 1) for v in grid[i])] for i, day in enumerate(days)]
    data = [[day, *grid[i]] for i, day in enumerate(days)]
    return Chart(
        title,
        description,
        mark_safe("".join(parts)),  # noqa: S308 - every text is escaped above
        ["", *(f"{h}" for h in hours)],
        rows,
        data,
    )
