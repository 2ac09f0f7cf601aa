"""`make bench` writes bench/RESULTS.md through bench.report: each target said met or not
from the run's figures, the hand-written notes kept."""

import json
from pathlib import Path

import pytest

from bench import report


def _wrk(rps: float, p99: float) -> dict[str, object]:
    return {"available": True, "rps": rps, "p50_ms": p99 / 2, "p99_ms": p99, "rss_peak_mb": 90}


def _dbtime(card_ms: float) -> dict[str, object]:
    row = {"total_ms": card_ms, "rows": 51}
    by_id = {"total_ms": 5.0, "rows": 1}
    return {"scenarios": {report.CARD: row, report.BY_ID: by_id}, "filters": {}}


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(report, "OUT", tmp_path)
    export = {
        "available": True,
        "rows": 400_000,
        "rows_per_s": 13_000.0,
        "seconds": 30.0,
        "rss_before_mb": 100,
        "rss_peak_mb": 140,
        "rss_at_lines_mb": {"50000": 101, "400000": 140},  # grows 39 MB: not flat
    }
    load = {
        "duration_s": 10,
        "machine": {"date": "2026-11-30 23:00 UTC", "commit": "abc1234", "cpu": "Test CPU"},
        "http_limit": {"rps": 10_000.0, "p50_ms": 1.0, "p99_ms": 2.0},
        "sqlite": {
            "db": {"scenarios": {}},
            "http": {
                report.CARD: _wrk(100, 230),
                report.BY_ID: _wrk(2_000, 9),
                report.EXPORT: export,
            },
            "http_cached": {report.CARD: _wrk(7_000, 4), report.BY_ID: _wrk(1_400, 5)},
        },
        "postgresql": {
            "db": {"scenarios": {}},
            "http": {report.CARD: _wrk(100, 250)},
            "http_cached": {report.CARD: _wrk(4_000, 7)},
        },
    }
    (tmp_path / "load_1000000.json").write_text(json.dumps(load))
    (tmp_path / "dbtime_sqlite_10000.json").write_text(json.dumps(_dbtime(0.7)))
    (tmp_path / "dbtime_sqlite_1000000.json").write_text(json.dumps(_dbtime(0.9)))
    (tmp_path / "dbtime_pg_10000.json").write_text(json.dumps(_dbtime(1.0)))
    (tmp_path / "dbtime_pg_1000000.json").write_text(json.dumps(_dbtime(1.9)))
    return tmp_path


def _target(text: str, name: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {name}"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_each_target_is_said_met_or_not_from_the_figures(out: Path) -> None:
    results = out / "RESULTS.md"
    assert report.main(["--write", str(results)]) == 0
    text = results.read_text()
    assert "commit abc1234" in text and "Test CPU" in text

    card = _target(text, "card query, SQLite: ≥ 8 %")
    assert "7,000 req/s = 70.00 %" in card[1] and "100 req/s = 1.00 %" in card[1]
    assert card[2] == "cache on: **yes**; cache off: **no**"
    assert _target(text, "card query, SQLite: p99")[2] == "cache on: **yes**; cache off: **no**"
    # 14 % cached, 20 % cold: the order of the verdicts is the table's, not the figures'
    assert _target(text, "one estimate by id")[2] == "cache on: **no**; cache off: **yes**"
    assert _target(text, "card query, PostgreSQL")[2] == "cache on: **yes**; cache off: **no**"
    under = _target(text, "database time of every list scenario")
    assert "card query (CN, 2019-2024) 0.90" in under[1]  # by id is not a list
    assert under[2] == "SQLite: **yes**; PostgreSQL: **no**"
    flat = _target(text, "database time flat")
    assert "0.70 -> 0.90" in flat[1] and "1.00 -> 1.90 (grows)" in flat[1]
    assert flat[2] == "SQLite: **yes**; PostgreSQL: **no**"
    export = _target(text, "export memory flat")
    assert "101 MB at 50,000, 140 MB at 400,000" in export[1]
    assert export[2] == "**no**"


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
    for name in ("card query, SQLite: ≥ 8 %", "export memory flat", "database time flat"):
        assert "**" not in _target(text, name)[2], name
        assert "not measured" in _target(text, name)[2]
