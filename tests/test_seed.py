"""seed_data/: check reports problems by file and record; load is idempotent and atomic."""

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import docs, migrate, seed
from app.cli import main
from app.db import make_engine
from app.models import Base, Citation, Country, Estimate, MetricRelation
from tests.conftest import SEED_DIR


def table_counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.scalar(select(func.count()).select_from(t)) or 0
        for t in Base.metadata.sorted_tables
    }


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SEED_DIR, tmp_path / "seed"))


def edit_estimates(seed_dir: Path, change) -> None:
    path = seed_dir / "estimates.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), "utf-8")


def test_shipped_seed_data_has_no_problems():
    _, problems = seed.check(SEED_DIR)
    assert problems == []


INTERNAL_WORDS = re.compile(r"\bseeds? ?\d|seed_data", re.IGNORECASE)
SEED_FILES = ("metrics", "sectors", "sources", "documents", "estimates")


def strings(value, path: str) -> Iterator[tuple[str, str]]:
    """Every string in `value` (nested dicts and lists), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, f"{path}[{i}]")


def test_public_text_names_publications_not_seed_numbers():
    # Readers see notes, descriptions, titles, quotes...: "seed 003" means nothing to them.
    found = []
    for name in SEED_FILES:
        records = yaml.safe_load((SEED_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        for record in records:
            for where, text in strings(record, f"{name}.yaml {record['id']}"):
                if INTERNAL_WORDS.search(text):
                    found.append(f"{where}: {text}")
    for key, example in docs.RESPONSE_EXAMPLES.items():
        for where, text in strings(example, f"app/docs.py RESPONSE_EXAMPLES{key}"):
            if INTERNAL_WORDS.search(text):
                found.append(f"{where}: {text}")
    assert found == []


def test_stored_texts_have_no_markdown_escapes_or_links():
    for path in sorted((SEED_DIR / "texts").iterdir()):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\\[\\`*_{}\[\]()#+\-.!$<>]", text), path.name
        assert not re.search(r"\]\([^)]*\)|<https?://", text), path.name


def test_check_reports_a_quote_not_in_the_document(seed_copy):
    def tamper(records):
        records[0]["citations"][0]["quote"] = "a sentence that the article never printed"

    edit_estimates(seed_copy, tamper)
    _, problems = seed.check(seed_copy)
    assert len(problems) == 1
    assert problems[0].file == "estimates.yaml"
    assert (
        problems[0].record
        == f"id {yaml.safe_load((seed_copy / 'estimates.yaml').read_text())[0]['id']}"
    )
    assert "not verbatim" in problems[0].message


def test_check_reports_schema_and_reference_problems_with_their_record(seed_copy):
    def tamper(records):
        records[1]["value"]["qualifier"] = "roughly"
        records[2]["claimant"] = "nobody-at-all"
        records[3]["period"]["start"] = "2030-01-01"

    edit_estimates(seed_copy, tamper)
    _, problems = seed.check(seed_copy)
    text = "\n".join(str(p) for p in problems)
    assert "record 2" in text and "qualifier" in text
    assert "nobody-at-all" in text
    assert "start is after end" in text


def test_check_command_exits_non_zero_on_problems(seed_copy, capsys):
    assert main(["check", str(SEED_DIR)]) == 0
    (seed_copy / "metrics.yaml").write_text("- id: Bad Id\n", encoding="utf-8")
    assert main(["check", str(seed_copy)]) == 1
    assert "metrics.yaml" in capsys.readouterr().err


def migrated(backend, new_database):
    url = new_database(backend)
    migrate.upgrade(url)
    return make_engine(url)


def test_loading_twice_changes_nothing(backend, new_database):
    engine = migrated(backend, new_database)
    with Session(engine) as s:
        first = seed.load(s, SEED_DIR)
        s.commit()
        before = table_counts(s)
    with Session(engine) as s:
        second = seed.load(s, SEED_DIR)
        assert not s.dirty and not s.new
        s.commit()
        assert table_counts(s) == before
    assert first.created["estimate"] == before["estimate"] > 0
    assert second.created == {} and second.updated == {}
    engine.dispose()


def test_a_bad_file_loads_nothing(backend, new_database, seed_copy):
    engine = migrated(backend, new_database)

    def tamper(records):
        records[-1]["metric"] = "no_such_metric"

    edit_estimates(seed_copy, tamper)
    with Session(engine) as s, pytest.raises(seed.SeedError):
        seed.load(s, seed_copy)
    with Session(engine) as s:
        assert all(n == 0 for n in table_counts(s).values())
    engine.dispose()


def test_editing_a_seed_record_updates_it_in_place(backend, new_database, seed_copy):
    engine = migrated(backend, new_database)
    with Session(engine) as s:
        seed.load(s, SEED_DIR)
        s.commit()
    target = yaml.safe_load((SEED_DIR / "estimates.yaml").read_text())[0]["id"]

    def tamper(records):
        records[0]["notes"] = "edited note"
        records[0]["citations"] = records[0]["citations"][:1]

    edit_estimates(seed_copy, tamper)
    with Session(engine) as s:
        report = seed.load(s, seed_copy)
        s.commit()
        assert report.updated.get("estimate") == 1
        assert s.get(Estimate, target).notes == "edited note"
        n = s.scalar(select(func.count()).where(Citation.estimate_id == target))
        assert n == 1
        assert s.scalar(select(func.count()).select_from(Country)) > 240
    engine.dispose()


def edit_metrics(seed_dir: Path, change) -> None:
    path = seed_dir / "metrics.yaml"
    records = {r["id"]: r for r in yaml.safe_load(path.read_text(encoding="utf-8"))}
    change(records)
    text = yaml.safe_dump(list(records.values()), allow_unicode=True, sort_keys=False)
    path.write_text(text, "utf-8")


def test_check_reports_a_metric_relation_that_names_nothing_itself_or_twice(seed_copy):
    def tamper(metrics):
        rel = {"metric": "workers_abroad", "relation": "proxy_of", "note": "n"}
        metrics["workers_planned"]["related"] = [rel | {"metric": "no_such_metric"}]
        metrics["workers_requested"]["related"] = [rel | {"metric": "workers_requested"}]
        metrics["employer_count"]["related"] = [rel, rel | {"relation": "part_of"}]
        metrics["host_countries"]["related"] = [rel | {"relation": "resembles"}]

    edit_metrics(seed_copy, tamper)
    _, problems = seed.check(seed_copy)
    said = {p.record.split("(id ")[-1].rstrip(")").removeprefix("id "): p.message for p in problems}
    assert "metric 'no_such_metric' does not exist" in said["workers_planned"]
    assert "cannot relate to itself" in said["workers_requested"]
    assert "names a metric twice" in said["employer_count"]
    assert "related.0.relation" in said["host_countries"]


def test_loading_makes_a_metrics_relations_what_its_record_lists(backend, new_database, seed_copy):
    engine = migrated(backend, new_database)
    with Session(engine) as s:
        seed.load(s, SEED_DIR)
        s.commit()

    def tamper(metrics):
        del metrics["workers_dispatched"]["related"]
        metrics["work_permits_held"]["related"][0]["note"] = "edited note"

    edit_metrics(seed_copy, tamper)
    with Session(engine) as s:
        report = seed.load(s, seed_copy)
        s.commit()
        assert report.updated.get("metric_relation") == 2
        rows = {
            r.metric_id: r.note
            for r in s.scalars(
                select(MetricRelation).where(MetricRelation.related_id == "workers_abroad")
            )
        }
        assert "workers_dispatched" not in rows
        assert rows["work_permits_held"] == "edited note"
    engine.dispose()
