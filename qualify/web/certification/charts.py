"""The overview's charts as SVG drawn on the server: horizontal bars, stacked or grouped.

No copy of a charting library is on the build machines (see README, "HR overview"), so the charts are
plain SVG: they need no script (the CSP allows none inline), print, scale to any width through their
``viewBox`` (readable at 390 px), and carry a ``<title>``/``<desc>`` and a ``<title>`` per bar for
screen readers; each chart also has its table twin on the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360  # about the width a chart gets on the page, so that its 12 px text stays 12 px
LABEL = 92  # the label column
VALUE = 34  # room for the figure after a bar
BAR = 18
GAP = 7


def bar_chart(
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    stacked: bool,
) -> SafeString:
    """One horizontal bar per label; with several series, stacked segments or grouped thinner bars.
    Series colours are the classes ``s0`` … ``s5`` (hr.css)."""
    track = WIDTH - LABEL - VALUE
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    top = max((totals if stacked else [v for _, values in series for v in values]), default=0) or 1
    per_row = BAR if stacked or len(series) == 1 else max(8, BAR * 2 // len(series)) * len(series)
    height = max(1, len(labels)) * (per_row + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="t d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>',
    ]
    y = GAP
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + per_row / 2 + 4:.0f}" text-anchor="end">'
            f"{escape(label[:9])}</text>"
        )
        if stacked or len(series) == 1:
            x = float(LABEL)
            for s, (name, values) in enumerate(series):
                w = track * values[i] / top
                if w > 0:
                    parts.append(
                        f'<rect class="s{s % 6}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR}">'
                        f"<title>{escape(label)} · {escape(name)}: {values[i]}</title></rect>"
                    )
                x += w
            parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR / 2 + 4:.0f}">{totals[i]}</text>')
        else:
            thin = per_row // len(series)
            for s, (name, values) in enumerate(series):
                w = track * values[i] / top
                yy = y + s * thin
                parts.append(
                    f'<rect class="s{s % 6}" x="{LABEL}" y="{yy}" width="{w:.1f}" height="{thin - 1}">'
                    f"<title>{escape(label)} · {escape(name)}: {values[i]}</title></rect>"
                    f'<text x="{LABEL + w + 4:.1f}" y="{yy + thin / 2 + 4:.0f}">{values[i]}</text>'
                )
        y += per_row + GAP
    parts.append(f'<line class="axis" x1="{LABEL}" y1="0" x2="{LABEL}" y2="{height}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it went through escape() above
