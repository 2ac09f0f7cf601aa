"""/figures/chart: a series drawn on the server as SVG, for reading and for an article.

The data are the API's own: the series (app.queries.analysis.series, which compares like
with like) and the consensus of each year. The drawing is a Jinja2 SVG template fed with
coordinates computed here: a chart of a few dozen marks needs no plotting library, and the
ones that draw SVG without a browser (matplotlib) would not give each mark its own link
and words without as much code again.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.api.deps import ReadSessionDep
from app.api.estimates import estimate_filters
from app.config import get_settings
from app.country_names import label
from app.filters import EstimateFilters, PerFilter
from app.hedges import PERCENT
from app.models import Metric
from app.pages.figures import HTML, interval_words, number_words, templates
from app.pages.routing import PageRoute
from app.pages.search import query_string, scope_pairs
from app.pagination import PageParams
from app.queries import analysis
from app.queries import estimates as eq
from app.responder import reading
from app.schemas.read import Consensus, SeriesPoint

router = APIRouter(include_in_schema=False, route_class=PageRoute)

SVG = "image/svg+xml"
WIDTH, PLOT_HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 96, 24, 48, 56  # margins around the plot: axis labels
LEGEND_LINE = 22
# Okabe and Ito's colours, told apart with colour blindness; shapes tell them apart in print
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
SHAPES = ["circle", "square", "diamond", "triangle"]
BAND = "#b9d3ea"
DODGE = 14  # pixels between the marks of figures of the same period
# More marks than this are not readable on one chart, and would take the page past 100 kB
# (up to 1.5 kB a figure, drawn and listed: 60 were 89 kB): the oldest are drawn, and the
# page says so.
CHART_LIMIT = 40


@dataclass
class Scale:
    """A linear map from data to pixels."""

    low: float
    high: float
    start: float  # pixel of `low`
    stop: float  # pixel of `high`

    def __call__(self, v: float) -> float:
        span = self.high - self.low or 1.0
        return round(self.start + (v - self.low) / span * (self.stop - self.start), 1)


@dataclass
class Mark:
    """One estimate as drawn: its point, bars, arrow or segment, and its words."""

    id: str
    claimant: int  # index in the legend
    title: str
    x: float
    y: float
    period: tuple[float, float]  # the period's span on the x axis
    bar: tuple[float, float] | None = None  # the interval, for a point or a range
    arrow: tuple[float, float] | None = None  # from the bound to the open end
    segment: tuple[float, float, float, float] | None = None  # a change: from → to
    shape: str = ""


@dataclass
class Drawing:
    """Everything the SVG template draws, in pixels, and the words around it."""

    title: str
    description: str
    y_label: str
    width: int
    height: int
    plot: tuple[int, int, int, int]  # left, top, right, bottom
    marks: list[Mark] = field(default_factory=list)
    bands: list[dict[str, Any]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[float] = field(default_factory=list)  # between years
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[dict[str, Any]] = field(default_factory=list)


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` ticks."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def axis_words(v: float) -> str:
    """A tick's value short enough for the axis: 100,000; 250 million; 1.5 billion."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:,g} {word}"
    return number_words(v)


def shape_path(shape: str, x: float, y: float, r: float = 5.5) -> str:
    """An SVG path of a legend shape centred on (x, y)."""
    if shape == "square":
        return f"M{x - r:.1f} {y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}z"
    if shape == "diamond":
        d = r + 1
        return f"M{x:.1f} {y - d:.1f}L{x + d:.1f} {y:.1f}L{x:.1f} {y + d:.1f}L{x - d:.1f} {y:.1f}z"
    if shape == "triangle":
        return f"M{x:.1f} {y - r - 1:.1f}L{x + r + 1:.1f} {y + r:.1f}L{x - r - 1:.1f} {y + r:.1f}z"
    return (
        f"M{x - r:.1f} {y:.1f}a{r:.1f} {r:.1f} 0 1 0 {2 * r:.1f} 0"
        f"a{r:.1f} {r:.1f} 0 1 0 {-2 * r:.1f} 0z"
    )


def scope_words(f: EstimateFilters) -> str:
    """The series' scope in words: "worldwide", "China", "China and Russia together"."""
    if f.worldwide:
        return "worldwide"
    names = [label(c) for c in f.country]
    return names[0] if len(names) == 1 else " and ".join(names) + " together"


def _values(p: SeriesPoint, change_from: float | None) -> list[float]:
    """Every value a point's drawing reaches: the y axis must hold them all."""
    found = [p.y, p.low, p.high, p.interval.low, p.interval.high, change_from]
    return [v for v in found if v is not None]


def _independent(year: Consensus) -> bool:
    """Whether a year's consensus is one: two independent claimants or more agree."""
    return year.claimants >= 2 and year.agreed is not None


@dataclass
class Chart:
    """A series with its consensus, read once, for the page and the SVG alike."""

    filters: EstimateFilters
    metric: dict[str, Any]
    points: list[SeriesPoint]
    items: dict[str, dict[str, Any]]
    years: list[Consensus]
    undated: int
    more: bool  # more points than one chart holds: the first CHART_LIMIT are drawn

    @property
    def claimants(self) -> list[dict[str, Any]]:
        """The claimants in the order they first appear, each once."""
        seen = {p.claimant.id: {"id": p.claimant.id, "name": p.claimant.name} for p in self.points}
        return list(seen.values())


def read_chart(session: Session, asked: EstimateFilters) -> Chart:
    """The series of one metric and scope as /v1/series gives it (like with like: totals of
    all workers, no rates), the consensus of its years, and the figures' own items."""
    filters = analysis.like_with_like(asked, None, PerFilter.none)
    analysis.series_scope(filters)  # its 400s first
    plan = eq.prepare(session, filters)
    rows = analysis.series(session, plan, PageParams(limit=CHART_LIMIT))
    points: list[SeriesPoint] = list(rows.items)
    items = {i["id"]: dict(i) for i in eq.items_of(session, [p.estimate_id for p in points])}
    conflicts = "/v1/conflicts" + query_string(scope_pairs(plan))
    years = (
        analysis.consensus(
            session, plan, lambda year: f"{conflicts}&period_from={year}&period_to={year}"
        ).items
        if points
        else []
    )
    known = session.get(Metric, plan.metric[0])  # prepare has checked that it exists
    assert known is not None
    return Chart(
        filters=plan,
        metric={"id": known.id, "name": known.name, "unit": known.unit},
        points=points,
        items=items,
        years=years,
        undated=analysis.series_undated(session, plan),
        more=rows.next_cursor is not None,
    )


def _time_scale(chart: Chart) -> tuple[Scale, list[tuple[float, str]], list[float]]:
    """The x axis: whole years from the first figure's to the last one's, a tick between
    years and each year's label in its middle (every few years' when they are many)."""
    first = min((p.start for p in chart.points), default=date.today()).year
    last = max((p.end for p in chart.points), default=date.today()).year
    # ordinals, not dates: the day after 9999-12-31 (an open end some texts give) is none
    stop = date(last, 12, 31).toordinal() + 1
    x = Scale(date(first, 1, 1).toordinal(), stop, LEFT, WIDTH - RIGHT)
    every = max(1, math.ceil((last - first + 1) / 10))
    labels = [
        (x(date(y, 7, 1).toordinal()), str(y)) for y in range(first, last + 1) if y % every == 0
    ]
    return x, labels, [x(date(y, 1, 1).toordinal()) for y in range(first, last + 1)] + [x(stop)]


def draw(chart: Chart) -> Drawing:
    """The chart in pixels: axes, bands, one mark per estimate, the legend."""
    claimants = chart.claimants
    index = {c["id"]: n for n, c in enumerate(claimants)}
    bottom = TOP + PLOT_HEIGHT
    x, x_labels, x_ticks = _time_scale(chart)
    froms = {i: item["value"].get("from_value") for i, item in chart.items.items() if item["value"]}
    reached = [v for p in chart.points for v in _values(p, froms.get(p.estimate_id))]
    # the years drawn (a long series is cut at CHART_LIMIT figures) that have a consensus
    agreed = [
        (year, year.agreed)
        for year in chart.years
        if _independent(year)
        and year.agreed
        and x.low <= year.start.toordinal()
        and year.end.toordinal() < x.high
    ]
    reached += [a.low for _, a in agreed] + [a.high for _, a in agreed if a.high is not None]
    most = max(max(reached, default=1.0), 0.0) or 1.0  # the axis starts at 0
    step = nice_step(most * 1.1)
    top_value = step * math.ceil(most * 1.1 / step)
    unit = chart.metric.get("unit", "")
    if unit == PERCENT and most <= 100:  # a share has nowhere to go past 100
        step, top_value = nice_step(100), 100.0
    y = Scale(0.0, top_value, bottom, TOP)
    drawing = Drawing(
        title=f"{chart.metric['name']}, {scope_words(chart.filters)}",
        description=describe(chart),
        y_label=f"{chart.metric['name']} ({unit})" if unit else chart.metric["name"],
        width=WIDTH,
        height=bottom + BOTTOM + LEGEND_LINE * (len(claimants) + 1),
        plot=(LEFT, TOP, WIDTH - RIGHT, bottom),
        x_labels=x_labels,
        x_ticks=x_ticks,
        y_ticks=[(y(step * k), axis_words(step * k)) for k in range(round(top_value / step) + 1)],
    )
    for year, span in agreed:
        high = span.high if span.high is not None else top_value
        drawing.bands.append(
            {
                "x": x(year.start.toordinal()),
                "width": round(x(year.end.toordinal() + 1) - x(year.start.toordinal()), 1),
                "y": y(high),
                "height": round(y(span.low) - y(high), 1),
                "title": year.summary,
            }
        )
    beside = _dodged(chart.points, x)
    for p in chart.points:
        mark = _mark(p, chart, index[p.claimant.id], x, y, froms, beside[p.estimate_id])
        drawing.marks.append(mark)
    drawing.legend = [
        {
            "name": c["name"],
            "colour": COLOURS[n % len(COLOURS)],
            "shape": shape_path(
                SHAPES[n % len(SHAPES)], LEFT + 6, bottom + BOTTOM + LEGEND_LINE * n
            ),
            "y": bottom + BOTTOM + LEGEND_LINE * n + 5,
        }
        for n, c in enumerate(claimants)
    ]
    return drawing


def _dodged(points: list[SeriesPoint], x: Scale) -> dict[str, float]:
    """How far to move each mark sideways so that figures of the same period stand side by
    side instead of on top of each other (a change, drawn across its period, stays)."""
    at: dict[float, list[str]] = {}
    for p in points:
        if p.kind != "change":
            at.setdefault(x(p.x.toordinal()), []).append(p.estimate_id)
    return {p.estimate_id: 0.0 for p in points} | {
        i: DODGE * (k - (len(ids) - 1) / 2) for ids in at.values() for k, i in enumerate(ids)
    }


def _mark(
    p: SeriesPoint,
    chart: Chart,
    n: int,
    x: Scale,
    y: Scale,
    froms: dict[str, float | None],
    beside: float = 0.0,
) -> Mark:
    """One estimate: a change as its from → to segment over the period; otherwise a point
    at mid-period with its interval as an error bar, or an arrow from a bound to its open
    end (up to the top of the chart, down to zero)."""
    item = chart.items.get(p.estimate_id, {})
    words = (
        f"{p.value_text} ({item.get('period', {}).get('label', p.start.year)}), {p.claimant.name}"
    )
    mark = Mark(
        id=p.estimate_id,
        claimant=n,
        title=words,
        x=round(x(p.x.toordinal()) + beside, 1),
        y=y(p.y) if p.y is not None else y.start,
        period=(x(p.start.toordinal()), x(p.end.toordinal() + 1)),
    )
    interval = p.interval
    if p.kind == "change" and froms.get(p.estimate_id) is not None:
        before = froms[p.estimate_id]
        assert before is not None and p.y is not None
        mark.segment = (mark.period[0], y(before), mark.period[1], y(p.y))
        mark.x = mark.period[1]
    elif p.kind == "lower_bound":  # open upwards (to 100 for a percentage)
        mark.arrow = (mark.y, y(interval.high) if interval.high is not None else y.stop + 8)
    elif p.kind == "upper_bound":  # down to zero
        mark.arrow = (mark.y, y(interval.low or 0.0))
    elif interval.low is not None and interval.high is not None and interval.low != interval.high:
        mark.bar = (y(interval.low), y(interval.high))
    mark.shape = shape_path(SHAPES[n % len(SHAPES)], mark.x, mark.y)
    return mark


def lede(chart: Chart) -> str:
    """What the chart shows, in a sentence."""
    n, where = len(chart.points), scope_words(chart.filters)
    if not n:
        return f"No dated figure of {chart.metric['name']}, {where}."
    claimants = len(chart.claimants)
    return (
        f"{n} independent estimate{'s' if n != 1 else ''} of {chart.metric['name']}, {where}, "
        f"by {claimants} claimant{'s' if claimants != 1 else ''}, in time order; each mark is "
        "one claim however often it was repeated."
    )


def describe(chart: Chart) -> str:
    """The chart in words, for its accessible description: what it shows, and year by year
    what the sources say."""
    return " ".join([lede(chart), *(y.summary for y in chart.years if y.figures)])


def _context(request: Request, chart: Chart) -> dict[str, Any]:
    read = reading(request)
    pairs = list(request.query_params.multi_items())
    query = query_string(pairs)
    as_of = read.as_of if read else None
    return {
        "chart": chart,
        "drawing": draw(chart),
        "lede": lede(chart),
        "colours": COLOURS,
        "band": BAND,
        "as_of": as_of,
        "figure_query": f"?as_of={quote(as_of.asked)}" if as_of else "",
        "base": "",
        "interval_words": interval_words,
        "svg_url": f"/figures/chart.svg{query}",
        "series_url": f"/v1/series{query}",
        "consensus_url": f"/v1/consensus{query}",
        "search_url": f"/figures{query}",
    }


Filters = Annotated[EstimateFilters, Depends(estimate_filters)]


@router.get("/figures/chart")
def chart_page(request: Request, session: ReadSessionDep, filters: Filters) -> Response:
    """The series of one metric and scope as a chart, with the figures listed under it."""
    chart = read_chart(session, filters)
    read = reading(request)
    return templates.TemplateResponse(
        request,
        "chart.html",
        _context(request, chart),
        headers=read.headers() if read else {},
        media_type=HTML,
    )


@router.get("/figures/chart.svg")
def chart_svg(request: Request, session: ReadSessionDep, filters: Filters) -> Response:
    """The same chart as a standalone SVG file, to download and put in an article."""
    chart = read_chart(session, filters)
    read = reading(request)
    scope = "worldwide" if chart.filters.worldwide else "-".join(chart.filters.country)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{chart.filters.metric[0]}-{scope}")
    headers = (read.headers() if read else {}) | {
        "Content-Disposition": f'attachment; filename="{name}.svg"'
    }
    return templates.TemplateResponse(
        request,
        "chart.svg",
        # a file put in an article links to the figures' permalinks, not to its own site
        _context(request, chart) | {"standalone": True, "base": get_settings().base_url},
        headers=headers,
        media_type=SVG,
    )
