"""The varied mixes: request paths drawn from the data with a fixed seed, one a line in a
file that wrk cycles through (bench/cycle.lua), for the project and for the peer alike.

    python -m bench.mixes --url sqlite:////work/bench-data/est_1000000.sqlite3

Lists: each a random metric (of those with over 1,000 estimates), a random country with over
1,000 estimates and a period window of 1 to 5 whole years starting in a random year of
the data; the project's `/v1/estimates?metric=&country=&period_from=&period_to=` and
Datasette's `/flat/estimates.json?metric=&country=&period_start__lte=&period_end__gte=
&_sort=period_start&_size=50&_nocount=1` (overlapping the window, in period order). Ids:
random existing estimates, `/v1/estimates/{id}` and `/flat/estimates/{id}.json`.
Both backends hold the same rows, so the same seed draws the same paths from either.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy import create_engine, text

from app.db import normalise_url
from bench import flat, peer

SEED = 15  # issue 15
SIZE = 400
MIN_ESTIMATES = 1_000  # a metric or country drawn has more estimates than this
YEARS = (1, 5)  # the period window, whole years


@dataclass(frozen=True)
class ListQuery:
    metric: str
    country: str
    first_year: int
    last_year: int

    def project(self) -> str:
        q = urlencode(
            dict(
                metric=self.metric,
                country=self.country,
                period_from=self.first_year,
                period_to=self.last_year,
            )
        )
        return f"/v1/estimates?{q}"

    def peer(self) -> str:
        return peer_list(self.metric, self.country, self.first_year, self.last_year)


def peer_list(metric: str, country: str, first_year: int, last_year: int) -> str:
    """Datasette's form of the project's list: the same metric and country, periods
    overlapping the years (start before the window ends, end after it starts), in
    period order, a page of the project's size, no count."""
    q = urlencode(
        {
            "metric": metric,
            "country": country,
            "period_start__lte": f"{last_year}-12-31",
            "period_end__gte": f"{first_year}-01-01",
            "_sort": "period_start",
            "_size": peer.SIZE,
            "_nocount": 1,
        }
    )
    return f"/{flat.DATABASE}/{flat.TABLE}.json?{q}"


def project_id(estimate_id: str) -> str:
    return f"/v1/estimates/{quote(estimate_id, safe='')}"


def peer_id(estimate_id: str) -> str:
    return f"/{flat.DATABASE}/{flat.TABLE}/{quote(estimate_id, safe='')}.json"


@dataclass
class Mixes:
    seed: int
    lists: list[ListQuery]
    ids: list[str]
    metrics: list[str]  # what the lists were drawn from
    countries: list[str]
    years: tuple[int, int]

    def paths(self) -> dict[str, list[str]]:
        return {
            "project_lists": [q.project() for q in self.lists],
            "peer_lists": [q.peer() for q in self.lists],
            "project_ids": [project_id(i) for i in self.ids],
            "peer_ids": [peer_id(i) for i in self.ids],
        }

    def write(self, directory: Path) -> dict[str, Path]:
        """One file of paths per mix and server (for bench/cycle.lua)."""
        directory.mkdir(parents=True, exist_ok=True)
        files = {}
        for name, paths in self.paths().items():
            files[name] = directory / f"mix_{name}.txt"
            files[name].write_text("\n".join(paths) + "\n")
        return files

    def summary(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "lists": len(self.lists),
            "ids": len(self.ids),
            "metrics": self.metrics,
            "countries": len(self.countries),
            "years": list(self.years),
            "examples": {name: paths[:2] for name, paths in self.paths().items()},
        }


def draw(url: str, size: int = SIZE, seed: int = SEED) -> Mixes:
    """`size` distinct list queries and `size` distinct ids from the database at `url`
    (every query ordered, so the same rows give the same draws on either backend)."""
    engine = create_engine(normalise_url(url))
    with engine.connect() as c:
        metrics = list(
            c.scalars(
                text(
                    "SELECT metric_id FROM estimate GROUP BY metric_id "
                    "HAVING count(*) > :n ORDER BY metric_id"
                ),
                {"n": MIN_ESTIMATES},
            )
        )
        countries = list(
            c.scalars(
                text(
                    "SELECT country_code FROM estimate_country GROUP BY country_code "
                    "HAVING count(*) > :n ORDER BY country_code"
                ),
                {"n": MIN_ESTIMATES},
            )
        )
        first, last = c.execute(
            text("SELECT min(period_start), max(period_start) FROM estimate")
        ).one()
        ids = list(c.scalars(text("SELECT id FROM estimate ORDER BY id")))
    engine.dispose()
    if not metrics or not countries:
        raise SystemExit(f"{url}: no metric or country with over {MIN_ESTIMATES} estimates")
    y0, y1 = _year(first), _year(last)
    rng = random.Random(seed)
    lists: dict[ListQuery, None] = {}  # distinct, in the order drawn
    for _ in range(100 * size):
        if len(lists) == size:
            break
        start = rng.randint(y0, y1)
        years = rng.randint(*YEARS)
        query = ListQuery(
            rng.choice(metrics), rng.choice(countries), start, min(y1, start + years - 1)
        )
        lists[query] = None
    return Mixes(
        seed, list(lists), rng.sample(ids, min(size, len(ids))), metrics, countries, (y0, y1)
    )


def _year(value: object) -> int:
    """A date's year, whether the driver gives a date (PostgreSQL) or its text (SQLite)."""
    return int(str(value)[:4])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--size", type=int, default=SIZE)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = p.parse_args(argv)
    mixes = draw(args.url, args.size, args.seed)
    for name, path in mixes.write(args.out).items():
        print(f"{name}: {path}")
    print(mixes.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
