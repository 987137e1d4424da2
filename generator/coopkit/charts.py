"""SVG charts for the handbook: the surplus split and the timeline of registration and launch.

Charts are drawn from numbers, never from templates: every label is escaped, every coordinate is
rounded to 0.1 so the same profile gives the same bytes, and each chart is an image a screen
reader can name (`role="img"` with a `<title>` and a `<desc>`).
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = "coopkit sans, DejaVu Sans, sans-serif"
PALETTE = ("#8a1c1c", "#2f5d62", "#c08a2b", "#4b6b3a", "#5a4e7c", "#7a7a7a")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # a percentage for the surplus chart, days for the timeline
    note: str = ""  # printed after the bar (an amount, a duration)


@dataclass(frozen=True)
class Span:
    label: str
    start: int  # day the step starts, counted from day 0
    days: int
    group: int = 0  # 0 registration, 1 launch: drawn in different colours


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """Words on up to `lines` lines of at most `width` characters (the last one clipped if need be),
    so a label fits beside its bar in any language instead of being cut mid-word."""
    out: list[str] = [""]
    for word in text.split():
        candidate = f"{out[-1]} {word}".strip()
        if len(candidate) <= width or not out[-1]:
            out[-1] = candidate
        elif len(out) < lines:
            out.append(word)
        else:
            out[-1] = candidate
    return [_clip(line, width) for line in out]


def _label(x: float, y: float, text: str, width: int, size: float, line_h: float) -> str:
    """A <text> of one or two lines, vertically centred on y."""
    lines = _wrap(text, width)
    top = y - line_h * (len(lines) - 1) / 2
    spans = "".join(f'<tspan x="{_n(x)}" y="{_n(top + i * line_h)}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text font-size="{_n(size)}" fill="#1b1b1b">{spans}</text>'


def _frame(chart_id: str, title: str, desc: str, width: float, height: float, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
            f'font-family="{FONT}">')
    return Markup("\n".join([
        head,
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]))


def surplus_chart(bars: list[Bar], *, title: str, desc: str = "", chart_id: str = "chart-surplus") -> Markup:
    """Horizontal bars, one per share of the surplus, each labelled with its percent and amount."""
    label_w, bar_w, row_h, width = 190.0, 250.0, 28.0, 600.0
    height = row_h * len(bars) + 12
    body = []
    for i, bar in enumerate(bars):
        y = 6 + i * row_h
        length = bar_w * max(0.0, min(bar.value, 100.0)) / 100
        colour = PALETTE[i % len(PALETTE)]
        body += [
            _label(0, y + 14, bar.label, 32, 9.5, 10.5),
            f'<rect x="{_n(label_w)}" y="{_n(y + 3)}" width="{_n(bar_w)}" height="16" fill="#eeeae0"/>',
            f'<rect x="{_n(label_w)}" y="{_n(y + 3)}" width="{_n(length)}" height="16" fill="{colour}"/>',
            f'<text x="{_n(label_w + bar_w + 8)}" y="{_n(y + 15)}" font-size="10" fill="#1b1b1b">'
            f'{escape(bar.note)}</text>',
        ]
    desc = desc or "; ".join(f"{b.label}: {b.note}" for b in bars)
    return _frame(chart_id, title, desc, width, height, body)


def timeline_chart(spans: list[Span], *, title: str, axis_label: str, week: str, desc: str = "",
                   chart_id: str = "chart-timeline") -> Markup:
    """A Gantt chart: one row per step, bars placed by start day and length, weeks on the axis."""
    label_w, plot_w, row_h, top = 230.0, 360.0, 20.0, 22.0
    total = max([s.start + max(s.days, 1) for s in spans] or [1])
    scale = plot_w / total
    height = top + row_h * len(spans) + 26
    width = label_w + plot_w + 10
    body = [f'<text x="{_n(label_w)}" y="12" font-size="9" fill="#5a5a5a">{escape(axis_label)}</text>']
    step = 7 if total <= 120 else 14 if total <= 260 else 28
    for day in range(0, total + 1, step):
        x = label_w + day * scale
        body.append(f'<line x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" y2="{_n(height - 22)}" '
                    'stroke="#d8d2c4" stroke-width="0.5"/>')
        if day % (step * 2) == 0:
            body.append(f'<text x="{_n(x)}" y="{_n(height - 10)}" font-size="8" fill="#5a5a5a" '
                        f'text-anchor="middle">{escape(week)} {day // 7}</text>')
    for i, span in enumerate(spans):
        y = top + i * row_h
        colour = PALETTE[0] if span.group == 0 else PALETTE[1]
        x = label_w + span.start * scale
        length = max(span.days * scale, 2.0)
        body += [
            _label(0, y + 11, span.label, 46, 8, 8.5),
            f'<rect x="{_n(x)}" y="{_n(y + 3)}" width="{_n(length)}" height="12" fill="{colour}" rx="2"/>',
        ]
    desc = desc or "; ".join(f"{s.label}: {s.start}–{s.start + s.days}" for s in spans)
    return _frame(chart_id, title, desc, width, height, body)


def cash_chart(bars: list[Bar], *, title: str, axis_label: str, desc: str = "",
               chart_id: str = "chart-cash") -> Markup:
    """Columns of the cash position at each month's end (below the line when negative), the month
    under each column and the lowest and highest amounts at the side, so no label overlaps."""
    left, plot_w, plot_h, top = 96.0, 480.0, 150.0, 14.0
    values = [b.value for b in bars] or [0.0]
    high, low = max(max(values), 0.0), min(min(values), 0.0)
    span = (high - low) or 1.0
    zero = top + plot_h * high / span
    col = plot_w / max(len(bars), 1)
    body = [f'<line x1="{_n(left)}" y1="{_n(zero)}" x2="{_n(left + plot_w)}" y2="{_n(zero)}" stroke="#5a5a5a" '
            'stroke-width="0.6"/>']
    lowest = min(bars, key=lambda b: b.value) if bars else None
    highest = max(bars, key=lambda b: b.value) if bars else None
    for i, bar in enumerate(bars):
        height = plot_h * abs(bar.value) / span
        y = zero - height if bar.value >= 0 else zero
        colour = PALETTE[1] if bar.value >= 0 else PALETTE[0]
        x = left + i * col + col * 0.15
        body += [f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(col * 0.7)}" height="{_n(max(height, 0.5))}" '
                 f'fill="{colour}"/>',
                 f'<text x="{_n(x + col * 0.35)}" y="{_n(top + plot_h + 12)}" font-size="8" fill="#5a5a5a" '
                 f'text-anchor="middle">{escape(bar.label)}</text>']
    ends: list[tuple[Bar | None, float]] = [(highest, top + 6), (lowest, top + plot_h)]
    for end, y in ends:
        if end is not None:
            body.append(f'<text x="{_n(left - 6)}" y="{_n(y)}" font-size="8" fill="#1b1b1b" '
                        f'text-anchor="end">{escape(_clip(end.note, 18))}</text>')
    body.append(f'<text x="{_n(left + plot_w / 2)}" y="{_n(top + plot_h + 26)}" font-size="8" fill="#5a5a5a" '
                f'text-anchor="middle">{escape(axis_label)}</text>')
    desc = desc or "; ".join(f"{b.label}: {b.note}" for b in bars)
    return _frame(chart_id, title, desc, left + plot_w + 10, top + plot_h + 34, body)


__all__ = ["Bar", "Span", "cash_chart", "surplus_chart", "timeline_chart"]
