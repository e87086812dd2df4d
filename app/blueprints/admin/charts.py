"""Geometry of the dashboard's revenue chart: bars, axes and tick marks, drawn as inline SVG by
admin/_revenue_chart.html. No script draws anything: the page is whole without JavaScript."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from app.services.ordering.reports import DayRevenue

WIDTH, HEIGHT = 720, 300
# Room around the plot: the title above, the revenue ticks on the left, the days and the
# axis title below.
TOP, RIGHT, BOTTOM, LEFT = 40, 12, 56, 88
GAP = 6
TICK_COUNT = 4
# A tick step is one of these times a power of ten, so the labels read as round amounts.
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label: str
    day: str
    revenue: Decimal
    orders: int


@dataclass(frozen=True)
class Tick:
    y: float
    value: Decimal


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    baseline: float
    label_y: float
    axis_title_y: float
    bars: list[Bar]
    ticks: list[Tick]
    peak: Decimal


def bar_chart(days: list[DayRevenue]) -> BarChart:
    """One bar per day on a revenue axis from 0 to a round amount at or above the best day;
    an empty day is a hairline so it still shows."""
    peak = max((day.revenue for day in days), default=Decimal(0))
    step = tick_step(peak)
    axis_top = step * TICK_COUNT if not peak else step * (peak / step).to_integral_value(ROUND_CEILING)
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        height = max(float(day.revenue / axis_top) * plot_height, 1.0)
        bars.append(
            Bar(
                x=round(LEFT + index * slot + GAP / 2, 1),
                y=round(baseline - height, 1),
                width=round(slot - GAP, 1),
                height=round(height, 1),
                label_x=round(LEFT + (index + 0.5) * slot, 1),
                label=day.day.strftime("%d %b"),
                day=day.day.isoformat(),
                revenue=day.revenue,
                orders=day.orders,
            )
        )
    ticks = [
        Tick(y=round(baseline - float(value / axis_top) * plot_height, 1), value=value)
        for value in (step * n for n in range(int(axis_top / step) + 1))
    ]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        baseline=baseline,
        label_y=baseline + 18,
        axis_title_y=HEIGHT - 8,
        bars=bars,
        ticks=ticks,
        peak=peak,
    )


def tick_step(peak: Decimal) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten) that reaches `peak` in
    TICK_COUNT steps; 1 for a chart of empty days."""
    if peak <= 0:
        return Decimal(1)
    rough = peak / TICK_COUNT
    power = Decimal(1).scaleb(rough.adjusted())
    return next(nice * power for nice in NICE_STEPS if nice * power >= rough)
