"""The extraction (issue 18): a table of phrasings read into this API's value, period and
scope fields as seed_data encodes them; what is skipped; echoes of stored estimates on
both databases; and the `dprk-labor extract` command."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.extraction import Candidate, extract, match_echoes, seed_vocabulary, vocabulary
from tests.conftest import SEED_DIR, seed_database

VOCAB = seed_vocabulary(SEED_DIR)
Y = "year"


def only(text: str, published: date | None = date(2024, 12, 31)) -> Candidate:
    """The one candidate a phrasing yields."""
    found = extract(text, published, VOCAB)
    assert len(found) == 1, [c.value for c in found]
    return found[0]


def value(kind: str, qualifier: str, unit: str, **numbers: float) -> dict[str, Any]:
    return {"kind": kind, "qualifier": qualifier, "unit": unit, **numbers}


P, R, LB, UB, CH = "point", "range", "lower_bound", "upper_bound", "change"
M = 1_000_000

VALUES = [
    # hedges on a point
    ("Around 100,000 North Koreans worked overseas.", value(P, "about", "persons", amount=100000)),
    ("Some 30,000 workers were in Russia.", value(P, "about", "persons", amount=30000)),
    ("Approximately 2,500 labourers were sent.", value(P, "about", "persons", amount=2500)),
    ("They work in roughly 40 countries.", value(P, "about", "countries", amount=40)),
    ("An estimated 5,000 workers remain.", value(P, "about", "persons", amount=5000)),
    ("the 3,000 or so workers who returned", value(P, "about", "persons", amount=3000)),
    ("Nearly 3,000 workers left.", value(P, "nearly", "persons", amount=3000)),
    ("Almost 700 workers returned.", value(P, "nearly", "persons", amount=700)),
    ("The firm hired 150 workers.", value(P, "exact", "persons", amount=150)),
    ("It exported only $27 million of goods.", value(P, "exact", "USD", amount=27 * M)),
    # bounds
    ("At least 800 North Korean workers came.", value(LB, "at_least", "persons", low=800)),
    ("No fewer than 1,200 workers arrived.", value(LB, "at_least", "persons", low=1200)),
    ("500 or more workers were sent.", value(LB, "at_least", "persons", low=500)),
    ("More than 100,000 workers are in China.", value(LB, "more_than", "persons", low=100000)),
    ("Over 5,000 workers were sent.", value(LB, "more_than", "persons", low=5000)),
    ("Up to 2,000 workers could be sent.", value(UB, "at_most", "persons", high=2000)),
    ("As many as 50,000 workers remain.", value(UB, "at_most", "persons", high=50000)),
    ("They earned as much as $600 million.", value(UB, "at_most", "USD", high=600 * M)),
    ("Fewer than 1,000 workers stayed.", value(UB, "fewer_than", "persons", high=1000)),
    ("Less than 20% of member states reported.", value(UB, "fewer_than", "percent", high=20)),
    # ranges
    ("It earned between $250-600 million.", value(R, "range", "USD", low=250 * M, high=600 * M)),
    ("between 250 and 600 workers", value(R, "range", "persons", low=250, high=600)),
    (
        "It earned $250 million to $300 million.",
        value(R, "range", "USD", low=250 * M, high=300 * M),
    ),
    ("2,000-3,000 workers were sent.", value(R, "range", "persons", low=2000, high=3000)),
    ("about 1,000 to 2,000 workers", value(R, "about", "persons", low=1000, high=2000)),
    # changes
    (
        "permits decreased from 30,023 to 11,490 persons",
        value(CH, "exact", "persons", **{"from": 30023, "to": 11490}),
    ),
    (
        "The number rose from 500 to 800 workers.",
        value(CH, "exact", "persons", **{"from": 500, "to": 800}),
    ),
    # vague magnitudes
    (
        "tens of thousands of North Korean workers",
        value(R, "range", "persons", low=10000, high=99999),
    ),
    ("hundreds of millions of dollars", value(R, "range", "USD", low=200 * M, high=999999999)),
    ("thousands of workers were sent", value(R, "range", "persons", low=2000, high=9999)),
    ("hundreds of workers were sent", value(R, "range", "persons", low=200, high=999)),
    ("several thousand workers were sent", value(R, "range", "persons", low=3000, high=9999)),
    # shares
    (
        "Russia sent home nearly two-thirds of the workers.",
        value(P, "nearly", "percent", amount=66.7),
    ),
    ("It sent home over half of the workers.", value(LB, "more_than", "percent", low=50)),
    ("A third of the workers left.", value(P, "exact", "percent", amount=33.3)),
    ("Three-quarters of the workers left.", value(P, "exact", "percent", amount=75)),
    ("15 percent of the workers left.", value(P, "exact", "percent", amount=15)),
    ("12.5% of workers left.", value(P, "exact", "percent", amount=12.5)),
    # scales and currencies
    ("earning about US$500 million", value(P, "about", "USD", amount=500 * M)),
    ("earning $1.5 billion", value(P, "exact", "USD", amount=1500 * M)),
    ("earning €3 million", value(P, "exact", "EUR", amount=3 * M)),
    ("earning 2 million yuan", value(P, "exact", "CNY", amount=2 * M)),
    ("earning 500,000 dollars", value(P, "exact", "USD", amount=500000)),
    ("earning $2.3bn", value(P, "exact", "USD", amount=2300 * M)),
    ("earning $40m", value(P, "exact", "USD", amount=40 * M)),
    # written-out numbers
    ("They work in three different companies.", value(P, "exact", "companies", amount=3)),
    ("Most work in two countries.", value(P, "exact", "countries", amount=2)),
    ("twenty-five workers were sent", value(P, "exact", "persons", amount=25)),
    ("a dozen workers were sent", value(P, "exact", "persons", amount=12)),
]


@pytest.mark.parametrize(("text", "expected"), VALUES, ids=[v[0][:40] for v in VALUES])
def test_a_phrasing_is_read_as_seed_data_encodes_it(text: str, expected: dict[str, Any]):
    got = only(text).value
    assert {k: got.get(k) for k in expected} == expected
    assert text[text.index(got["text"]) :].startswith(got["text"])  # its wording, verbatim


@pytest.mark.parametrize(
    ("text", "per"),
    [
        ("earning more than $500 million a year", "year"),
        ("generating an estimated $500 million annually", "year"),
        ("paid $300 per month", "month"),
        ("earning $500 million", None),
    ],
)
def test_a_rate_says_its_unit_of_time(text: str, per: str | None):
    assert only(text).value["per"] == per


PERIODS = [
    # (text, the document's date, start, end, precision, resolved)
    ("500 workers were sent at the end of August.", date(2024, 12, 31),
     "2024-08-01", "2024-08-31", "month", True),
    ("there were more than 100,000 workers in December", date(2024, 3, 10),
     "2023-12-01", "2023-12-31", "month", True),
    ("It exported only $27 million in the first half of the year.", date(2020, 8, 13),
     "2020-01-01", "2020-06-30", "half", True),
    ("300 workers returned last year.", date(2024, 3, 21), "2023-01-01", "2023-12-31", Y, True),
    ("3,000 workers returned since 2022.", date(2024, 6, 1), "2022-01-01", "2024-12-31", Y, True),
    ("800 workers were requested in October 2019.", date(2020, 8, 13),
     "2019-10-01", "2019-10-31", "month", False),
    ("On Aug 28 and 29, 150 workers arrived.", date(2024, 12, 31),
     "2024-08-28", "2024-08-29", "day", True),
    ("It imported $383 million of goods in the first half of 2020.", date(2020, 8, 13),
     "2020-01-01", "2020-06-30", "half", False),
    ("200 workers were sent in the second quarter of 2023.", None,
     "2023-04-01", "2023-06-30", "quarter", False),
    ("It covers July 2023 to January 2024: 400,000 workers.", None,
     "2023-07-01", "2024-01-31", "month", False),
    ("Around 100,000 workers were abroad in 2023.", None, "2023-01-01", "2023-12-31", Y, False),
    ("30,000 North Koreans worked there during 2018.", None, "2018-01-01", "2018-12-31", Y, False),
    ("About 200 workers were dispatched on August 29.", date(2024, 12, 31),
     "2024-08-29", "2024-08-29", "day", True),
    ("Permits rose from 2,300 in 2022 to 5,800 workers last year.", date(2024, 6, 12),
     "2022-01-01", "2023-12-31", Y, True),
    ("Workers arrived between February and May: 1,200 workers.", date(2024, 6, 12),
     "2024-02-01", "2024-05-31", "month", True),
    ("Up to 3,000 workers could follow by the end of the year.", date(2024, 6, 12),
     "2024-01-01", "2024-12-31", Y, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "published", "start", "end", "precision", "resolved"),
    PERIODS,
    ids=[p[0][:40] for p in PERIODS],
)
def test_a_time_wording_is_read_as_a_period(text, published, start, end, precision, resolved):
    c = only(text, published)
    assert (str(c.period["start"]), str(c.period["end"]), c.period["precision"]) == (
        start,
        end,
        precision,
    )
    assert c.period_resolved is resolved
    # the wording as written (a change between two times gives both, joined by "…")
    assert c.period["text"] and all(part in text for part in c.period["text"].split(" … "))
    assert any("resolved" in w for w in c.warnings) is resolved


def test_a_figure_without_time_wording_has_an_unknown_period_and_says_so():
    c = only("The company hired 500 workers.")
    assert c.period == {"start": None, "end": None, "precision": "unknown", "text": ""}
    assert any("period is unknown" in w for w in c.warnings)


def test_a_relative_date_without_the_document_date_is_not_resolved():
    c = only("there were more than 100,000 workers in December", None)
    assert c.period["precision"] == "unknown" and c.period_resolved is False


def test_a_publication_date_does_not_date_a_figure():
    c = only("According to a report published earlier this year, 100,000 workers remain.")
    assert c.period["precision"] == "unknown"


SKIPPED = [
    "Under U.N. Security Council Resolution 2397, all workers were to return home by 2019.",
    "The report was dated March 7, 2024, and seen by the workers.",
    "Others who have not seen their homes in more than four years remain abroad.",
    "The 25-year-old worker was sent home.",
    "Workers aged 30 were sent home.",
    "See page 12 of the report on workers.",
    "Article 5 of the contract binds the workers.",
    "The workers stayed for 18 months.",
    "In 2015, the investigator said workers were abroad.",
    "The COVID-19 pandemic stranded the workers.",
    "Paragraph 3 says the workers left.",
    "One source said the workers left.",
    "The first half of the year was hard for the workers.",
    " date 2024-03-21 Workers were sent abroad.",
    "Read more at https://example.org/2019/03/26/workers-a64949 about workers.",
    "Under the law, the workers, aged 25 to 40, must return after three years.",
]


@pytest.mark.parametrize("text", SKIPPED, ids=[s[:40] for s in SKIPPED])
def test_dates_labels_durations_and_ages_are_not_figures(text: str):
    assert extract(text, date(2024, 12, 31), VOCAB) == []


def test_a_count_of_companies_is_not_a_part_of_the_workers():
    c = only("At least 40 seafood processing factories in Donggang employ them.")
    assert c.value["unit"] == "companies" and c.population == "all"
    assert c.scope["countries"] == ["CN"] and c.scope["place"] == "Donggang"


def test_countries_come_from_names_adjectives_and_places():
    c = only("About 200 North Korean workers were dispatched to Hunchun on August 29.")
    assert c.scope == {"worldwide": False, "countries": ["CN"], "place": "Hunchun"}
    assert only("Russian firms hired 2,000 North Korean workers.").scope["countries"] == ["RU"]
    assert only("some 30,000 North Koreans work in Russia").scope["countries"] == ["RU"]


def test_countries_given_as_examples_leave_a_figure_worldwide():
    found = extract(
        "approximately 100,000 workers earn money in some 40 countries, including China and "
        "Russia.",
        None,
        VOCAB,
    )
    assert [c.scope["worldwide"] for c in found] == [True, True]
    assert all(any("worldwide" in w for w in c.warnings) for c in found)


def test_a_shared_hedge_covers_the_second_number_and_at_home_is_north_korea():
    first, second = extract(
        "about 3,000 IT workers abroad and 1,000 at home generate what the panel estimated "
        "amounted to between $250-600 million per year.",
        None,
        VOCAB,
    )[:2]
    assert first.value["qualifier"] == second.value["qualifier"] == "about"
    assert (first.population, second.population) == ("part", "part")
    assert first.scope["worldwide"] and second.scope["countries"] == ["KP"]
    assert (first.metric, second.metric) == ("workers_abroad", "workers_at_home")
    assert first.sectors == ["information_technology"]
    assert first.claimant == "un-panel-of-experts"
    assert any("hedge" in w for w in second.warnings)


def test_an_attribution_names_its_source():
    c = only("A firm requested at least 800 workers, according to the Sankei.")
    assert (c.claimant, c.claimant_text) == ("sankei-shimbun", "according to the Sankei")
    c = only("Reuters reported that 2,000 workers left.")
    assert c.claimant == "reuters"
    c = only("The company hired 500 workers.")
    assert c.claimant is None and any("attributes the figure to no one" in w for w in c.warnings)


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("North Korea exported only $27 million of goods to China.", "trade_exports_usd"),
        ("while importing $383 million of goods", "trade_imports_usd"),
        ("earning about US$500 million for North Korea", "revenue_usd"),
        (
            "the number of North Koreans with valid work permits fell from 30,023 to 11,490",
            "work_permits_held",
        ),
        ("Russia sent home nearly two-thirds of the workers.", "workers_repatriated_share"),
        ("the 3,000 or so workers who returned from China", "workers_repatriated"),
        ("North Korea has dispatched 500 workers to China.", "workers_dispatched"),
        ("contracts to send around 400,000 more workers abroad", "workers_planned"),
        ("they work in roughly 40 countries", "host_countries"),
    ],
)
def test_the_metric_guess_follows_the_words(text: str, metric: str):
    c = only(text)
    assert c.metric == metric and 0 < c.metric_confidence <= 1
    assert any(metric in w for w in c.warnings)


def test_quotes_are_the_text_at_their_offsets_and_intervals_read_the_hedge():
    text = (
        "Russia Tells UN It Sent Home Over Half of Workers\n\n"
        "Russia sent home nearly two-thirds of some 30,000 North Koreans working there "
        "during 2018. The United States said it believed 100,000 workers were abroad."
    )
    found = extract(text, date(2019, 3, 26), VOCAB)
    assert [c.value["text"] for c in found] == [
        "Over Half",
        "nearly two-thirds",
        "some 30,000 North Koreans",
        "100,000 workers",
    ]
    assert all(text[c.start : c.end] == c.quote for c in found)
    assert found[2].interval == {"low": 25000.0, "high": 35000.0, "rule": "about"}
    assert found[0].interval == {"low": 50, "high": 100.0, "rule": "lower-bound"}
    assert json.loads(json.dumps(found[2].to_json()))["period"]["start"] == "2018-01-01"


def test_vocabulary_from_the_database_is_the_seed_vocabulary(session: Session):
    db = vocabulary(session)
    assert db.metric_ids == VOCAB.metric_ids and db.sector_ids == VOCAB.sector_ids
    assert {s.id for s in db.sources} == {s.id for s in VOCAB.sources}


def echoes(session: Session, text: str, published: date | None = None) -> list[str | None]:
    return [c.echo_of for c in match_echoes(session, extract(text, published, VOCAB))]


def test_a_repeat_of_a_panel_figure_is_proposed_as_its_citation(session: Session):
    assert echoes(
        session,
        "According to a report by the U.N. Panel of Experts published earlier this year, "
        "approximately 100,000 North Korean workers are still earning foreign currency in "
        "some 40 countries, including China and Russia.",
    ) == ["panel-2024-workers-abroad-2023", "panel-2024-host-countries-2023"]
    assert echoes(session, "roughly 100,000 North Korean workers remained abroad in 2023.") == [
        "panel-2024-workers-abroad-2023"
    ]


def test_a_different_value_or_period_is_no_echo(session: Session):
    assert echoes(session, "around 300,000 North Korean workers remained abroad in 2023.") == [None]
    assert echoes(session, "around 100,000 North Korean workers remained abroad in 2015.") == [None]


def test_an_echo_needs_the_same_population(session: Session):
    assert echoes(session, "about 3,000 IT workers abroad in 2023.") == [
        "panel-2024-it-workers-abroad"
    ]
    assert echoes(session, "about 3,000 workers were abroad in 2023.") == [None]


def test_an_echo_says_which_estimate_and_interval_it_matched(session: Session):
    (c,) = match_echoes(
        session,
        extract("roughly 100,000 North Korean workers remained abroad in 2023.", None, VOCAB),
    )
    assert any("panel-2024-workers-abroad-2023" in w and "75,000" in w for w in c.warnings)


CLI = [sys.executable, "-m", "app.cli", "extract"]
ARTICLE = (
    "Around 100,000 North Koreans worked overseas in 2023, earning about US$500 million, "
    "a report by the U.N. Security Council's Panel of Experts said.\n"
    "Under Resolution 2397, workers were to return home by the end of 2019.\n"
)


def run(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": database_url}
    return subprocess.run(CLI + args, env=env, capture_output=True, text=True, timeout=120)


def test_cli_prints_json_without_a_database_and_creates_none(tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    missing = tmp_path / "none.sqlite3"
    r = run(
        [str(tmp_path / "a.txt"), "--published", "2024-03-21", "--json"], f"sqlite:///{missing}"
    )
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    assert [c["value"]["text"] for c in found] == [
        "Around 100,000 North Koreans",
        "about US$500 million",
    ]
    assert found[0]["period"]["start"] == "2023-01-01" and found[0]["echo_of"] is None
    assert "no database" in r.stderr and not missing.exists()


def test_cli_matches_echoes_in_the_database(tmp_path: Path, backend: str, new_database):
    url = new_database(backend)
    seed_database(url)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    r = run([str(tmp_path / "a.txt"), "--published", "2024-03-21", "--json"], url)
    assert r.returncode == 0, r.stderr
    assert [c["echo_of"] for c in json.loads(r.stdout)] == [
        "panel-2024-workers-abroad-2023",
        "panel-2024-revenue-2023",
    ]


def test_cli_table_shows_value_period_and_quote(tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    r = run([str(tmp_path / "a.txt"), "--published", "2024-03-21"], f"sqlite:///{tmp_path}/x.db")
    assert r.returncode == 0, r.stderr
    assert "Around 100,000" in r.stdout and "2023-01-01" in r.stdout and "worldwide" in r.stdout
    assert "2 candidate(s)" in r.stderr


def test_cli_refuses_a_bad_date_and_a_missing_file(tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    r = run([str(tmp_path / "a.txt"), "--published", "21/03/2024"], f"sqlite:///{tmp_path}/x.db")
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr
    r = run([str(tmp_path / "nowhere.txt")], f"sqlite:///{tmp_path}/x.db")
    assert r.returncode == 1 and "cannot read" in r.stderr


def test_a_figure_without_time_wording_takes_the_time_of_the_sentence_before():
    first, second = extract(
        "around 100,000 North Korean workers remained employed overseas in 2023. This labor "
        "export is generating an estimated $500 million annually.",
        None,
        VOCAB,
    )
    assert second.period == first.period and second.period["text"] == "in 2023"
    assert any("sentence before" in w for w in second.warnings)


def test_a_new_paragraph_does_not_take_the_time_of_the_one_before():
    first, second = extract(
        "Dozens of workers were employed in the first half of 2023.\n\n"
        "The ministry estimates that around 60% of the workers' earnings goes to the state.",
        None,
        VOCAB,
    )
    assert first.period["precision"] == "half" and second.period["precision"] == "unknown"


def test_of_them_counts_the_workers_the_text_is_about():
    c = extract(
        "The workers earned $600 million in 2022. Fewer than 500 of them were in Laos.",
        None,
        VOCAB,
    )[1]
    assert c.value["unit"] == "persons" and c.value["high"] == 500
    assert c.scope["countries"] == ["LA"] and c.period["text"] == "in 2022"


def test_a_figure_attributed_to_a_report_takes_the_period_it_covers():
    found = extract(
        "According to the report, which covers July 2023 to January 2024, it was dated "
        "March 7.\nThe report said that North Korea has contracts to send around 400,000 "
        "more workers abroad.",
        date(2024, 12, 31),
        VOCAB,
    )
    assert [(str(c.period["start"]), str(c.period["end"])) for c in found] == [
        ("2023-07-01", "2024-01-31")
    ]
    assert any("coverage" in w for w in found[0].warnings)


def test_a_figure_referred_back_to_shares_period_and_countries():
    first, again = extract(
        "North Korea has dispatched 500 workers to China, residents said.\n"
        "The 500 workers were sent at the end of August.",
        date(2024, 12, 31),
        VOCAB,
    )
    assert first.period == again.period and first.period["text"] == "at the end of August"
    assert again.scope["countries"] == ["CN"]
    # the same number stated afresh is not a restatement
    _, b = extract(
        "Some 30,000 North Koreans worked in Russia during 2018.\nThe report is short.\n"
        "Officials said some 30,000 workers were elsewhere.",
        None,
        VOCAB,
    )
    assert b.period["precision"] == "unknown"


def test_an_undated_repeat_takes_the_period_of_the_estimate_it_echoes(session: Session):
    (c,) = match_echoes(
        session,
        extract("approximately 100,000 North Korean workers are still earning money.", None,
                VOCAB),
    )  # fmt: skip
    assert c.echo_of == "panel-2024-workers-abroad-2023"
    assert (str(c.period["start"]), c.period["precision"]) == ("2023-01-01", "year")


def test_an_undated_figure_echoes_only_an_estimate_hedged_alike(session: Session):
    # the Panel's "around 100,000" of 2023 holds 100,000 too, but is `about`: with no period
    # to compare, "nearly 100,000" repeats the US Government's undated "nearly 100,000"
    assert echoes(session, "Pyongyang earns money from nearly 100,000 workers abroad.") == [
        "us-government-workers-abroad"
    ]
    assert echoes(session, "Pyongyang earns money from fewer than 100,000 workers abroad.") == [
        None
    ]


@pytest.mark.parametrize(
    "path", sorted((SEED_DIR / "texts").glob("*.txt")), ids=lambda p: p.stem[:30]
)
def test_every_candidate_of_a_seed_text_validates_as_the_write_path_takes_it(path: Path):
    from app.schemas.seed import PeriodIn, ScopeIn, ValueIn

    text = path.read_text(encoding="utf-8")
    found = extract(text, date(2024, 12, 31), VOCAB)
    assert found
    for c in found:
        assert text[c.start : c.end] == c.quote
        ValueIn.model_validate(c.value)
        PeriodIn.model_validate(c.period)
        ScopeIn.model_validate(c.scope)
        assert c.metric in VOCAB.metric_ids and set(c.sectors) <= VOCAB.sector_ids
        assert c.warnings  # every candidate is a guess somewhere


def test_an_empty_text_has_no_candidates():
    assert extract("", None, VOCAB) == [] and extract(" \n\n ", None, VOCAB) == []


def test_the_benchmark_reports_each_target_met_or_not():
    from bench import extraction as bench

    result = bench.run(SEED_DIR)
    rows = result["rows"]
    assert len(rows) == len({(r["estimate"], r["document"]) for r in rows}) > 30
    text = bench.report(result)
    panel = [r for r in rows if r["panel_echo"]]
    assert panel and all(r["echo"] for r in panel)
    assert "| the Panel's figures in the three articles found as echoes |" in text
    for line in text.splitlines()[8:17]:
        if "≥" in line or "≤" in line or "| all |" in line or "| 0 |" in line:
            assert line.rstrip().endswith(("| met |", "| **not met** |")), line


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Last year, 5,000 North Korean workers were in Russia.", date(1, 1, 1)),
        ("At the end of August, 5,000 North Korean workers were in Russia.", date(1, 3, 1)),
    ],
)
def test_a_relative_date_outside_the_calendar_leaves_the_period_unknown(text, published):
    (found,) = extract(text, published, VOCAB)
    assert found.value["amount"] == 5000 and found.period["precision"] == "unknown"


def test_a_number_too_long_for_a_float_is_no_figure():
    assert extract(f"There were {'9' * 400} workers in Russia.", date(2024, 1, 1), VOCAB) == []
