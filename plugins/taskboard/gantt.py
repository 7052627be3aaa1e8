"""The Gantt chart's geometry: one bar per dated task (start to due), finish-to-start
arrows between bars, and a line at today, laid out in SVG user units for the template
``taskboard/gantt.html`` (server-rendered, no JavaScript needed to read it).

``Chart.day`` (the width of one day) is what ``static/taskboard/gantt.js`` needs to turn a
drag into whole days; the chart itself never changes a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from plugins.taskboard.models import Task

LABEL_WIDTH = 220
ROW_HEIGHT = 28
BAR_HEIGHT = 16
HEADER = 24
MAX_CHART_WIDTH = 1200
MAX_DAY_WIDTH = 28
HANDLE_WIDTH = 6


@dataclass
class Bar:
    task: Task
    x: float
    y: float
    width: float
    label_y: float

    @property
    def handle_x(self) -> float:
        """Where the bar's right edge handle starts (dragging it changes the due date)."""
        return self.x + max(0.0, self.width - HANDLE_WIDTH)


@dataclass
class Arrow:
    path: str


@dataclass
class Chart:
    width: float
    height: float
    day: float = MAX_DAY_WIDTH
    bars: list[Bar] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    today_x: float | None = None
    undated: list[Task] = field(default_factory=list)


def chart(tasks: list[Task], today: date) -> Chart:
    """Lay out ``tasks`` (their ``depends_on`` prefetched); undated ones are listed apart."""
    dated = [t for t in tasks if t.begins]
    undated = [t for t in tasks if not t.begins]
    if not dated:
        return Chart(width=LABEL_WIDTH, height=HEADER, undated=undated)
    dated.sort(key=lambda t: (t.begins, t.ends, t.pk))
    first = min(t.begins for t in dated) - timedelta(days=1)
    last = max(t.ends for t in dated) + timedelta(days=1)
    days = (last - first).days + 1
    day = min(MAX_DAY_WIDTH, MAX_CHART_WIDTH / days)

    def x_of(moment: date) -> float:
        return LABEL_WIDTH + (moment - first).days * day

    result = Chart(
        width=LABEL_WIDTH + days * day,
        height=HEADER + len(dated) * ROW_HEIGHT,
        day=day,
        undated=undated,
    )
    by_pk: dict[int, Bar] = {}
    for row, task in enumerate(dated):
        start, end = task.begins, task.ends
        y = HEADER + row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        bar = Bar(task, x_of(start), y, (end - start).days * day + day, y + BAR_HEIGHT - 4)
        result.bars.append(bar)
        by_pk[task.pk] = bar
    for bar in result.bars:
        for dependency in bar.task.depends_on.all():
            before = by_pk.get(dependency.pk)
            if before is None:
                continue
            x1, y1 = before.x + before.width, before.y + BAR_HEIGHT / 2
            x2, y2 = bar.x, bar.y + BAR_HEIGHT / 2
            # Out of the end of the earlier bar, down to the row, into the start of the later.
            elbow = x1 + 6
            result.arrows.append(Arrow(f"M{x1:.1f},{y1:.1f} H{elbow:.1f} V{y2:.1f} H{x2:.1f}"))
    step = max(1, round(60 / day))
    moment = first
    while moment <= last:
        result.ticks.append((x_of(moment), moment.strftime("%m-%d")))
        moment += timedelta(days=step)
    if first <= today <= last:
        result.today_x = x_of(today)
    return result
