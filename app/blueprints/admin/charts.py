"""Geometry of the dashboard's revenue chart, drawn as inline SVG by the template."""

from dataclasses import dataclass
from decimal import Decimal

from app.services.ordering.reports import DayRevenue

WIDTH, HEIGHT = 700, 240
TOP, BOTTOM, LEFT = 16, 28, 8
GAP = 6


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
class BarChart:
    width: int
    height: int
    baseline: float
    label_y: float
    bars: list[Bar]
    peak: Decimal


def bar_chart(days: list[DayRevenue]) -> BarChart:
    """One bar per day, scaled so the best day fills the plot; an empty day is a flat bar."""
    peak = max((day.revenue for day in days), default=Decimal(0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * LEFT) / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        height = float(day.revenue / peak) * plot_height if peak else 0.0
        height = max(height, 1.0)  # a hairline, so an empty day still shows
        bars.append(
            Bar(
                x=round(LEFT + index * slot + GAP / 2, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(slot - GAP, 1),
                height=round(height, 1),
                label_x=round(LEFT + (index + 0.5) * slot, 1),
                label=day.day.strftime("%d %b"),
                day=day.day.isoformat(),
                revenue=day.revenue,
                orders=day.orders,
            )
        )
    return BarChart(WIDTH, HEIGHT, TOP + plot_height, HEIGHT - 8, bars, peak)
