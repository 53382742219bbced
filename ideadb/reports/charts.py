"""Charts drawn on the server as accessible SVG: role="img", a <title> and a <desc>.

No inline style attribute anywhere (the Content-Security-Policy forbids them): colours and
font sizes come from classes in static/css/app.css, geometry from SVG attributes. Each chart's
numbers are also in a table beneath it on the page, for screen readers and for copying.
Every piece is built with ``Markup(...).format(...)``, which escapes the text it inserts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from markupsafe import Markup

from ideadb.core.fmt import fmt_number

WIDTH = 480  # viewBox units; the SVG scales to its container (360 px phones included)
LABEL_SIZE = 15
BAR = 18
GAP = 12
LABEL_CHARS = 52  # characters of a label line at 15 units in a 480-unit-wide chart
EMPTY = "Chưa có số liệu."


def _n(value: float) -> str:
    return f"{value:.1f}"


def _svg(chart_id: str, title: str, desc: str, height: float, parts: list[Markup]) -> Markup:
    return Markup(
        '<svg class="chart-svg" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(
        id=chart_id,
        w=WIDTH,
        h=f"{height:.0f}",
        title=title,
        desc=desc,
        body=Markup("").join(parts),
    )


def _text(x: float, y: float, text: str, *, cls: str = "chart-label", anchor: str = "start"):
    return Markup('<text class="{}" x="{}" y="{}" text-anchor="{}">{}</text>').format(
        cls, _n(x), _n(y), anchor, text
    )


def _rect(cls: str, x: float, y: float, w: float, h: float, tip: str = "") -> Markup:
    if tip:
        return Markup(
            '<rect class="chart-bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>'
        ).format(cls, _n(x), _n(y), _n(w), _n(h), tip)
    return Markup('<rect class="chart-bar {}" x="{}" y="{}" width="{}" height="{}"/>').format(
        cls, _n(x), _n(y), _n(w), _n(h)
    )


def _fmt(value: float, digits: int) -> str:
    return fmt_number(value, digits) if digits else fmt_number(value)


def _empty(chart_id: str, title: str) -> Markup:
    return _svg(chart_id, title, EMPTY, 40, [_text(0, 24, EMPTY)])


def hbar_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    digits: int = 0,
    max_value: float | None = None,
    css: str = "bar-primary",
) -> Markup:
    """Horizontal bars, the label above each bar: long Vietnamese names stay readable."""
    if not items:
        return _empty(chart_id, title)
    top = max_value or max((v for _, v in items), default=0) or 1
    scale = (WIDTH - 70) / top  # room on the right for the value
    parts: list[Markup] = []
    y = 4.0
    for label, value in items:
        shown = f"{_fmt(value, digits)}{unit}"
        # Long names (the movement's areas) wrap onto several lines above their bar.
        for line in textwrap.wrap(label, LABEL_CHARS) or [""]:
            parts.append(_text(0, y + LABEL_SIZE - 2, line))
            y += LABEL_SIZE + 3
        w = value * scale if value <= 0 else max(value * scale, 2)
        parts.append(_rect(css, 0, y, w, BAR, f"{label}: {shown}"))
        parts.append(_text(w + 6, y + BAR - 4, shown, cls="chart-value"))
        y += BAR + GAP
    desc = "; ".join(f"{label}: {_fmt(v, digits)}{unit}" for label, v in items)
    return _svg(chart_id, title, desc, y, parts)


def vbar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
) -> Markup:
    """Vertical grouped bars (a group per category, a bar per series) with a legend above."""
    if not categories:
        return _empty(chart_id, title)
    height, top_pad, bottom, left = 260.0, 34.0, 28.0, 6.0
    plot_h = height - top_pad - bottom
    top = max((v for _, values, _ in series for v in values), default=0) or 1
    group_w = (WIDTH - left) / len(categories)
    bar_w = min(34.0, (group_w - 10) / max(len(series), 1))
    parts: list[Markup] = []
    x = 0.0
    for name, _, css in series:
        parts.append(_rect(css, x, 4, 14, 14))
        parts.append(_text(x + 19, 16, name, cls="chart-legend"))
        x += 19 + 8.2 * len(name) + 18
    base = height - bottom
    parts.append(
        Markup('<line class="chart-axis" x1="0" y1="{y}" x2="{w}" y2="{y}"/>').format(
            y=_n(base), w=WIDTH
        )
    )
    for i, cat in enumerate(categories):
        gx = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for k, (name, values, css) in enumerate(series):
            v = values[i]
            h = v / top * (plot_h - 16)
            bx = gx + k * bar_w
            parts.append(_rect(css, bx, base - h, bar_w - 2, h, f"{cat} — {name}: {_fmt(v, 0)}"))
            parts.append(
                _text(
                    bx + (bar_w - 2) / 2,
                    base - h - 3,
                    _fmt(v, 0),
                    cls="chart-value",
                    anchor="middle",
                )
            )
        parts.append(_text(left + (i + 0.5) * group_w, height - 8, cat, anchor="middle"))
    desc = "; ".join(
        f"{cat}: " + ", ".join(f"{name} {_fmt(values[i], 0)}" for name, values, _ in series)
        for i, cat in enumerate(categories)
    )
    return _svg(chart_id, title, desc, height, parts)
