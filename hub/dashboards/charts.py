"""Rows of a horizontal bar chart, drawn as SVG by ``dashboards/bar_chart.html``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    """One labelled bar: its value, the text shown beside it and the list it links to.

    ``part`` (optional) is the share of the value drawn solid, the rest pale: e.g. help
    requests answered of those asked."""

    label: str
    value: float
    text: str
    url: str = ""
    part: float | None = None
    width: float = 0.0  # percent of the widest bar, set by ``bars``
    part_width: float = 0.0  # percent of the widest bar, set by ``bars``


def bars(rows: list[Bar], scale: float | None = None) -> list[Bar]:
    """Set each bar's width against ``scale`` (default: the largest value)."""
    top = scale if scale is not None else max((row.value for row in rows), default=0)
    for row in rows:
        row.width = round(100 * row.value / top, 1) if top else 0.0
        if row.part is not None:
            row.part_width = round(100 * row.part / top, 1) if top else 0.0
    return rows
