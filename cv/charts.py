"""Bar charts as plain geometry for an inline SVG template: no JavaScript, no images."""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    maximum: int

    @property
    def summary(self) -> str:
        """The bars as text, for the chart's title: "2022 1, 2023 4"."""
        return ", ".join(f"{bar.label} {bar.value}" for bar in self.bars)

    @property
    def marks(self) -> SafeString:
        """The bars, their values and the year labels as SVG, joined here rather than by a
        template loop: a chart of thirty years has ninety marks."""
        marks = []
        for bar in self.bars:
            x, y, width = bar.x, bar.y, bar.width
            value = (
                f'<text x="{x}" dx="{width}" y="{y}" dy="-3" class="value" '
                f'text-anchor="end">{bar.value}</text>'
                if bar.value
                else ""
            )
            label = (
                f'<text x="{x}" y="{self.height}" dy="-5" class="year">{bar.label}</text>'
                if bar.show_label
                else ""
            )
            marks.append(
                f'\n    <rect x="{x}" y="{y}" width="{width}" height="{bar.height}" '
                f'class="bar"/>\n    {value}\n    {label}\n    '
            )
        return mark_safe("".join(marks))


def bar_chart(
    series: list[tuple[int, int]], *, title: str, width: int = 320, height: int = 140
) -> BarChart | None:
    """Lay out one bar per year, filling the years in between with zero bars."""
    if not series:
        return None
    values = dict(series)
    years = range(min(values), max(values) + 1)
    maximum = max(values.values()) or 1
    top, bottom = 16, 20
    plot_height = height - top - bottom
    slot = width / len(years)
    # Year labels need about 30 units; label every step-th bar when they would collide.
    step = max(1, round(30 / slot + 0.49))
    bars = []
    for index, year in enumerate(years):
        value = values.get(year, 0)
        bar_height = plot_height * value / maximum
        bars.append(
            Bar(
                label=str(year),
                value=value,
                x=round(index * slot + slot * 0.15, 2),
                y=round(top + plot_height - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=round(bar_height, 2),
                show_label=index % step == 0 or index == len(years) - 1,
            )
        )
    return BarChart(
        title=title,
        bars=bars,
        width=width,
        height=height,
        baseline=top + plot_height,
        maximum=maximum,
    )
