"""The benchmark's scenarios: the HTTP request, and the same SELECT the app builds for it;
and issue 15's side-by-side scenarios, each as the project and as its peer ask it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from app.enums import EstimateStatus
from app.filters import EstimateFilters, EstimateSort, Match, Undated, parse_period_bound
from app.pagination import DEFAULT_LIMIT, keyset_statements
from app.queries import analysis as an
from app.queries import estimates as eq
from bench import mixes as mx

CARD = "/v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024"
CARD_NAME = "card query (CN, 2019-2024)"
BY_ID_NAME = "one estimate by id"
VARIED_LISTS = "varied lists"
VARIED_IDS = "varied ids"
DEEP_PAGE_OFFSET = 10_000  # the cursor is taken after this many rows of the card's metric


@dataclass
class Scenario:
    name: str
    path: str  # the request, relative to the server
    is_list: bool = True
    filters: EstimateFilters | None = None
    sort: EstimateSort = EstimateSort.period_start
    cursor_after: tuple[Any, Any] | None = None  # (period_start, id) the cursor points after
    estimate_id: str | None = None
    kind: str = "json"  # json, csv (an export: rows/s)
    series: bool = False  # a /v1/series page: its SELECT is app.queries.analysis's
    notes: list[str] = field(default_factory=list)

    def statement(self, engine: Engine) -> Select[Any]:
        """The main SELECT the app runs for this request (app.queries builds it): for a
        list, the first of its keyset queries, which reads the page's rows and their items
        (the read model's), with the filters planned against this database; for one
        estimate, its detail as the read model keeps it."""
        if self.estimate_id is not None:
            return eq.DETAIL.params(id=self.estimate_id)
        assert self.filters is not None
        with Session(engine) as session:
            prepared = eq.prepare(session, self.filters)
        if self.series:
            page = [
                q.limit(DEFAULT_LIMIT + 1)
                for q in keyset_statements(an.series_statement(prepared), an.SERIES_KEY, None)
            ]
            return an.series_shape(page[0])
        stmt, key = eq.ordered(prepared, self.sort)
        page = keyset_statements(stmt, key, self.cursor_after)[0].limit(DEFAULT_LIMIT + 1)
        return eq.with_items(page, key)

    def undated_statement(self, engine: Engine) -> Select[Any] | None:
        """What a list with a date range also runs: the count of the undated figures it
        leaves out (meta.undated); None for other requests."""
        f = self.filters
        if f is None or self.series or not f.dated or f.undated is not Undated.exclude:
            return None
        with Session(engine) as session:
            prepared = eq.prepare(session, f)
        stmt = eq.undated_statement(replace(prepared, undated=Undated.only))
        return select(func.count()).select_from(stmt.subquery())


def period(frm: str | None, to: str | None) -> dict[str, Any]:
    return dict(
        period_from=parse_period_bound(frm, "period_from", end=False) if frm else None,
        period_to=parse_period_bound(to, "period_to", end=True) if to else None,
    )


def scenarios(rare_country: str, an_id: str, deep_cursor: tuple[Any, Any]) -> list[Scenario]:
    """The scenarios of the issue, in report order."""
    return [
        Scenario(
            CARD_NAME,
            CARD,
            filters=EstimateFilters(
                metric=["workers_abroad"], country=["CN"], **period("2019", "2024")
            ),
        ),
        Scenario(
            f"rare country ({rare_country})",
            f"/v1/estimates?metric=workers_abroad&country={rare_country}"
            "&period_from=2019&period_to=2024",
            filters=EstimateFilters(
                metric=["workers_abroad"], country=[rare_country], **period("2019", "2024")
            ),
        ),
        Scenario(
            BY_ID_NAME,
            f"/v1/estimates/{an_id}",
            is_list=False,
            estimate_id=an_id,
        ),
        Scenario(
            f"deep cursor page (after {DEEP_PAGE_OFFSET:,} rows)",
            "/v1/estimates?metric=workers_abroad&cursor="
            + eq.SORT_KEYS[EstimateSort.period_start].encode(*deep_cursor),
            filters=EstimateFilters(metric=["workers_abroad"]),
            cursor_after=deep_cursor,
        ),
        Scenario(
            "series (CN)",
            "/v1/series?metric=workers_abroad&country=CN",
            is_list=False,
            filters=EstimateFilters(metric=["workers_abroad"], country=["CN"]),
            series=True,
        ),
        Scenario(
            "CSV export, all rows",
            "/v1/estimates?format=csv",
            is_list=False,
            kind="csv",
        ),
        # Last: its requests take seconds, and those wrk gives up on still run after it.
        Scenario(
            "full text q=Hunchun",
            "/v1/estimates?q=Hunchun",
            filters=EstimateFilters(q="Hunchun"),
        ),
    ]


def filter_matrix(rare_country: str) -> list[tuple[str, EstimateFilters, EstimateSort]]:
    """One list query per filter and sort the API offers, for EXPLAIN and timing."""
    f = EstimateFilters
    s = EstimateSort
    card = dict(metric=["workers_abroad"], country=["CN"], **period("2019", "2024"))
    return [
        ("no filter (default sort)", f(), s.period_start),
        ("metric", f(metric=["workers_abroad"]), s.period_start),
        ("country CN", f(country=["CN"]), s.period_start),
        (f"country {rare_country}", f(country=[rare_country]), s.period_start),
        ("worldwide=true", f(worldwide=True), s.period_start),
        ("sector", f(sector=["mining"]), s.period_start),
        ("claimant", f(claimant=["syn-source-0007"]), s.period_start),
        ("document", f(document=["syn-doc-000123"]), s.period_start),
        ("period overlaps 2019-2024", f(**period("2019", "2024")), s.period_start),
        (
            "period within 2019-2024",
            f(match=Match.within, **period("2019", "2024")),
            s.period_start,
        ),
        ("period overlaps 2024-06", f(**period("2024-06", "2024-06")), s.period_start),
        ("min_value=150000", f(min_value=150_000), s.period_start),
        ("max_value=100", f(max_value=100), s.period_start),
        ("q=Hunchun", f(q="Hunchun"), s.period_start),
        ("status=retracted", f(status=[EstimateStatus.retracted]), s.period_start),
        ("card query", f(**card), s.period_start),
        ("card query, sort=-period_start", f(**card), s.period_start_desc),
        ("card query, sort=period_end", f(**card), s.period_end),
        ("card query, sort=value", f(**card), s.value),
        ("card query, sort=-value", f(**card), s.value_desc),
        ("card query, sort=id", f(**card), s.id),
        ("metric, sort=-id", f(metric=["workers_abroad"]), s.id_desc),
    ]


@dataclass
class Side:
    """One of issue 15's scenarios as the project asks it and as the peer (Datasette over
    the flat copy) asks the same thing: one path each, or a mix that wrk cycles."""

    name: str
    project: list[str]
    peer: list[str]
    about: str

    @property
    def is_mix(self) -> bool:
        return len(self.project) > 1


def issue15(rare_country: str, an_id: str, m: mx.Mixes) -> list[Side]:
    """Issue 15's five scenarios, in report order."""
    paths = m.paths()
    return [
        Side(
            CARD_NAME,
            [CARD],
            [mx.peer_list("workers_abroad", "CN", 2019, 2024)],
            "workers_abroad in CN, periods overlapping 2019-2024, first page",
        ),
        Side(
            f"rare country ({rare_country})",
            [
                f"/v1/estimates?metric=workers_abroad&country={rare_country}"
                "&period_from=2019&period_to=2024"
            ],
            [mx.peer_list("workers_abroad", rare_country, 2019, 2024)],
            "the same for the rarest country with at least 5 estimates",
        ),
        Side(
            BY_ID_NAME,
            [mx.project_id(an_id)],
            [mx.peer_id(an_id)],
            f"the estimate {an_id}",
        ),
        Side(
            VARIED_LISTS,
            paths["project_lists"],
            paths["peer_lists"],
            f"{len(m.lists)} distinct list URLs cycled: a random metric, a country with over "
            f"{mx.MIN_ESTIMATES:,} estimates, a window of {mx.YEARS[0]}-{mx.YEARS[1]} years "
            f"(seed {m.seed})",
        ),
        Side(
            VARIED_IDS,
            paths["project_ids"],
            paths["peer_ids"],
            f"{len(m.ids)} random existing ids cycled (seed {m.seed})",
        ),
    ]
