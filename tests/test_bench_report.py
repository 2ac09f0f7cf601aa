"""`make bench` writes bench/RESULTS.md through bench.report: each of issue 15's targets said
met or not from the run's figures (the project against Datasette and the HTTP limit, from
the same run), the hand-written notes kept. No load is run: a small JSON fixture."""

import json
from pathlib import Path

import pytest

from bench import report

RARE = "rare country (MX)"


def _wrk(rps: float, p99: float, **more: object) -> dict[str, object]:
    return {
        "available": True,
        "rps": rps,
        "ok_rps": rps,
        "p50_ms": p99 / 2,
        "p99_ms": p99,
        "rss_peak_mb": 90,
        "non_2xx": 0,
        "body_bytes": 1000,
    } | more


def _dbtime(card_ms: float, rare_rows: int = 51) -> dict[str, object]:
    row = {"total_ms": card_ms, "rows": 51}
    by_id = {"total_ms": 5.0, "rows": 1}
    # the rarest country at each size: a page at 1M, none at 10k (0.1 ms): not compared
    rare = {"total_ms": 0.1 if rare_rows == 0 else 9.0, "rows": rare_rows}
    scenarios = {report.CARD: row, report.BY_ID: by_id, "rare country (UG)": rare}
    return {"scenarios": scenarios, "filters": {}}


def _load() -> dict[str, object]:
    names = [report.CARD, RARE, report.BY_ID, report.VARIED_LISTS, report.VARIED_IDS]
    return {
        "duration_s": 10,
        "seconds": 420.0,
        "estimates": 1_000_030,
        "argv": ["python", "-m", "bench.load", "--sqlite", "x.sqlite3", "--duration", "10"],
        "machine": {"date": "2026-11-30 23:00 UTC", "commit": "abc1234", "cpu": "Test CPU"},
        "http_limit": {"rps": 10_000.0, "p50_ms": 1.0, "p99_ms": 2.0},
        "flat": {"path": "/data/est.flat/flat.db", "built": {"rows": 1_000_030, "seconds": 31}},
        "mixes": {
            "seed": 15,
            "lists": 400,
            "ids": 400,
            "metrics": ["a", "b"],
            "countries": 55,
            "years": [2010, 2025],
            "examples": {
                "project_lists": ["/v1/estimates?metric=a&country=RU"],
                "peer_lists": ["/flat/estimates.json?metric=a&country=RU"],
            },
        },
        "scenarios": [
            {"name": n, "about": "", "project": "/v1/x", "peer": f"/flat/{i}"}
            for i, n in enumerate(names)
        ],
        "peer": {
            "version": "Datasette 0.65.5",
            "argv": ["datasette", "serve", "-i", "flat.db", "--setting", "suggest_facets", "off"],
            "http": {
                report.CARD: _wrk(20, 900),
                RARE: _wrk(200, 100),
                report.BY_ID: _wrk(700, 80),
                # half its answers were errors: 2xx only count
                report.VARIED_LISTS: _wrk(100, 300, ok_rps=50.0, non_2xx=250),
                report.VARIED_IDS: _wrk(700, 90),
            },
        },
        "sqlite": {
            "db": {"scenarios": {report.CARD: {"total_ms": 0.8, "rows": 51}}},
            "http": {
                report.CARD: _wrk(100, 20),  # 5x, p99 20
                RARE: _wrk(500, 30),  # 2.5x, p99 30
                report.BY_ID: _wrk(2_100, 9),  # 3x exactly
                report.VARIED_LISTS: _wrk(160, 24),  # 3.2x against the 2xx rate
                report.VARIED_IDS: _wrk(2_000, 25),  # 2.86x; p99 25: at most 25 is met
            },
            "http_cached": {
                report.CARD: _wrk(7_000, 4),
                RARE: _wrk(4_000, 5),  # 40 %
                report.BY_ID: _wrk(5_000, 5),  # 50 % exactly
                report.VARIED_LISTS: _wrk(6_000, 5),
                report.VARIED_IDS: _wrk(6_500, 5),
            },
        },
        "postgresql": {
            "db": {"scenarios": {}},
            "http": {report.CARD: _wrk(50, 250), report.VARIED_LISTS: _wrk(80, 300)},
        },
    }


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(report, "OUT", tmp_path)
    (tmp_path / "load_1000000.json").write_text(json.dumps(_load()))
    (tmp_path / "dbtime_sqlite_10000.json").write_text(json.dumps(_dbtime(0.7, 0)))
    (tmp_path / "dbtime_sqlite_1000000.json").write_text(json.dumps(_dbtime(0.9)))
    (tmp_path / "dbtime_pg_10000.json").write_text(json.dumps(_dbtime(1.0)))
    (tmp_path / "dbtime_pg_1000000.json").write_text(json.dumps(_dbtime(1.9)))
    return tmp_path


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _target(text: str, target: str, scenario: str) -> list[str]:
    """The targets table's row of `target` (its start) on `scenario`: [measured, met?]."""
    for line in text.splitlines():
        if line.startswith(f"| {target}"):
            cells = _cells(line)
            if cells[1] == scenario:
                return cells[2:]
    raise AssertionError(f"no row {target!r} / {scenario!r}")


COLD = "cache off, SQLite: ≥ 3x Datasette"
P99 = "cache off, SQLite: p99 ≤ 25 ms"
HOT = "cache on, SQLite: ≥ 50 %"
PG = "PostgreSQL, cache off: ≥ 2x"
FLAT = "database time per list page flat"


def test_each_target_is_said_met_or_not_from_the_ratios_of_the_run(out: Path) -> None:
    results = out / "RESULTS.md"
    assert report.main(["--write", str(results)]) == 0
    text = results.read_text()
    assert text.startswith("# Benchmark results (issue 15)")
    assert "commit abc1234" in text and "Test CPU" in text and "(7 min)" in text
    assert "Datasette 0.65.5" in text and "`datasette serve -i flat.db" in text

    assert _target(text, COLD, report.CARD) == ["100 vs 20 req/s = **5.00x**", "**yes**"]
    assert _target(text, COLD, RARE)[1] == "**no**"
    assert _target(text, COLD, report.BY_ID)[1] == "**yes**"  # 3x is at least 3x
    # Datasette's 2xx answers only: 160 against 50, not against 100
    assert _target(text, COLD, report.VARIED_LISTS) == ["160 vs 50 req/s = **3.20x**", "**yes**"]
    assert _target(text, P99, report.CARD)[1] == "**yes**"
    assert _target(text, P99, RARE) == ["p50 15.0 ms, p99 **30.0 ms**", "**no**"]
    assert _target(text, P99, report.VARIED_IDS)[1] == "**yes**"
    assert _target(text, HOT, report.CARD) == ["7,000 of 10,000 req/s = **70.0 %**", "**yes**"]
    assert _target(text, HOT, RARE)[1] == "**no**"
    assert _target(text, HOT, report.BY_ID)[1] == "**yes**"
    assert _target(text, PG, report.CARD) == ["50 vs 20 req/s = **2.50x**", "**yes**"]
    assert _target(text, PG, report.VARIED_LISTS) == ["80 vs 50 req/s = **1.60x**", "**no**"]
    sqlite_flat = _target(text, FLAT, "SQLite")
    assert "0.70 -> 0.90" in sqlite_flat[0] and sqlite_flat[1] == "**yes**"
    assert "rare country 0.10 -> 9.00 (not compared: 0 vs 51 rows)" in sqlite_flat[0]
    pg_flat = _target(text, FLAT, "PostgreSQL")
    assert "1.00 -> 1.90 (grows)" in pg_flat[0] and pg_flat[1] == "**no**"

    summary = next(line for line in text.splitlines() if line.startswith("**Met:"))
    assert summary.startswith("**Met: 13 of 19.** Not met: ")
    assert f"p99 ≤ 25 ms ({RARE})" in summary and "Every target" not in summary


def test_the_side_by_side_table_gives_the_ratios(out: Path) -> None:
    text = "\n".join(report.generated())
    assert "### Side by side, 1,000,030 estimates" in text
    table = text.split("### Side by side")[1].split("###")[0]
    rows = {_cells(line)[0]: _cells(line) for line in table.splitlines() if line.startswith("| ")}
    card = rows[report.CARD]
    assert card[1] == "20 req/s, p99 900.0 ms"  # Datasette
    assert card[2:6] == ["100 req/s, p99 20.0 ms", "5.00x", "7,000 req/s, p99 4.0 ms", "70.0 %"]
    assert card[6:] == ["50 req/s, p99 250.0 ms", "2.50x"]
    assert rows[report.VARIED_IDS][6:] == ["", ""]  # PostgreSQL runs the card and lists only
    assert "| Datasette (SQLite, flat copy) | n/a | varied lists | 50.0 |" in text
    assert "| 250 |" in text  # its non-2xx answers are shown


def test_rewriting_keeps_the_notes_and_replaces_the_figures(out: Path) -> None:
    results = out / "RESULTS.md"
    results.write_text(f"# old title\n\nold figures 123\n\n{report.NOTES}\n\nA note by hand.\n")
    report.main(["--write", str(results)])
    text = results.read_text()
    assert "old figures 123" not in text
    assert text.startswith("# Benchmark results")
    assert text.endswith(f"{report.NOTES}\n\nA note by hand.\n")
    assert text.count(report.NOTES) == 1
    report.main(["--write", str(results)])
    assert results.read_text() == text


def test_a_run_without_figures_says_not_measured(out: Path) -> None:
    for f in out.iterdir():
        f.unlink()
    text = "\n".join(report.generated())
    for target, scenario in ((COLD, report.CARD), (HOT, report.VARIED_IDS), (FLAT, "SQLite")):
        assert _target(text, target, scenario)[1] == "not measured", target
    assert "**Met: 0 of 19.** Not measured in this run: 19." in text
