"""Benchmark of the extraction (issue 18): run it over the five seed texts with seed_data/
as the answer key, and write bench/EXTRACTION.md.

    python -m bench.extraction [--seed seed_data] [--out bench/EXTRACTION.md]

Each *statement* is a seed estimate cited in one of the five texts (an estimate echoed by
three articles is three statements). A candidate answers a statement when its quote holds
the citation's quote (or lies inside it) and, for the levels below, when:

- value: kind, qualifier, unit and numbers are those of seed_data;
- period: also start, end and precision;
- countries: also the scope (worldwide, or the same set of countries);
- metric: the metric guess, among statements whose value is right.

Echoes are read against a SQLite database migrated and loaded with seed_data/, keeping
only the estimates of the Panel's 2024 report (as if it had been entered before the
articles; the other estimates were read out of the five texts and would give the answers
away): a candidate answering a statement of a Panel figure should be proposed as a
citation of it, and no candidate should be proposed as a citation of another estimate.
Echoes are matched before scoring, as an editor would see the candidates: a candidate with
no time wording that repeats a Panel figure takes that figure's period.

A candidate is *false* when its value is that of no statement of its document. A document
dated only by its year is read as of the end of that year (its months named without a year
are then that year's).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.config import get_settings
from app.extraction import Candidate, extract, match_echoes, seed_vocabulary

# The Panel's figures that three articles repeat (the echoes the issue asks for).
PANEL_DOCUMENT = "un-panel-of-experts-2024-report"
TARGETS = {"value": 0.90, "full": 0.80, "false_per_1000_words": 3.0}


@dataclass
class Statement:
    """A seed estimate as one seed text states it."""

    estimate: dict[str, Any]
    document: str
    quote: str
    start: int
    end: int


def _num(x: Any) -> float | None:
    return None if x is None else float(x)


def value_key(v: dict[str, Any]) -> tuple[Any, ...]:
    """What must agree for a value to be right."""
    return (
        str(v["kind"]),
        str(v["qualifier"]),
        v.get("unit"),
        *(
            _num(v.get(k)) if v.get(k) is None else round(float(v[k]), 1)
            for k in ("amount", "low", "high", "from", "to")
        ),
    )


def period_key(p: dict[str, Any]) -> tuple[Any, ...]:
    return (
        str(p.get("start") or ""),
        str(p.get("end") or ""),
        str(p.get("precision")),
    )


def scope_key(s: dict[str, Any]) -> tuple[Any, ...]:
    return (bool(s.get("worldwide")), tuple(sorted(s.get("countries") or [])))


def published(doc: Any) -> date | None:
    """The date extraction reads a document as of: its day, or the end of its month or
    year when only those are known."""
    d = doc.published_on
    if d is None:
        return None
    if str(doc.published_precision) == "year":
        return date(d.year, 12, 31)
    if str(doc.published_precision) == "month":
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    return d


def statements(seed: Any, texts: dict[str, str]) -> list[Statement]:
    out = []
    for e in seed.estimates:
        raw = e.model_dump(mode="json", by_alias=True)
        for c in e.citations:
            text = texts.get(c.document)
            if text is None:
                continue
            # quotes may elide words ("…"); the first verbatim part places the statement
            part = max(re.split(r"\s*…\s*", c.quote), key=len)
            at = text.find(part)
            if at < 0:
                continue
            start = text.find(c.quote.split("…")[0].strip()) if "…" in c.quote else at
            out.append(Statement(raw, c.document, c.quote, min(start, at), at + len(part)))
    return out


def _overlaps(c: Candidate, s: Statement) -> bool:
    return c.start < s.end and s.start < c.end


def answer(cands: list[Candidate], s: Statement) -> Candidate | None:
    """The candidate that answers the statement: the one at its quote with its value, or
    else any at its quote (for the levels that need more than the value)."""
    here = [c for c in cands if _overlaps(c, s)]
    want = value_key(s.estimate["value"])
    right = [c for c in here if value_key(c.value) == want]
    return right[0] if right else None


def _db_session(seed_dir: Path, workdir: Path) -> Any:
    from sqlalchemy import delete

    from app import migrate, seed
    from app.db import make_engine, session_factory
    from app.models import Estimate

    url = f"sqlite:///{workdir / 'bench_extraction.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    session = session_factory(engine)()
    seed.load(session, seed_dir)
    # only the Panel report's estimates stay, as if the report had been entered before the
    # articles: the others were read out of the five texts, and would hand the answers back
    session.execute(delete(Estimate).where(Estimate.origin_document_id != PANEL_DOCUMENT))
    session.commit()
    return session


def run(seed_dir: Path) -> dict[str, Any]:
    from app import seed as seed_module

    data, problems = seed_module.read(seed_dir)
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    docs = {d.id: d for d in data.documents}
    vocab = seed_vocabulary(seed_dir)
    stmts = statements(data, data.texts)
    rows: list[dict[str, Any]] = []
    false_found: list[tuple[str, Candidate]] = []
    words = 0
    with tempfile.TemporaryDirectory() as tmp:
        session = _db_session(seed_dir, Path(tmp))
        for doc_id, text in sorted(data.texts.items()):
            words += len(text.split())
            cands = match_echoes(session, extract(text, published(docs[doc_id]), vocab))
            mine = [s for s in stmts if s.document == doc_id]
            keys = {value_key(s.estimate["value"]) for s in mine}
            false_found += [(doc_id, c) for c in cands if value_key(c.value) not in keys]
            for s in mine:
                c = answer(cands, s)
                e = s.estimate
                rows.append(
                    {
                        "estimate": e["id"],
                        "document": doc_id,
                        "value": c is not None,
                        "period": c is not None and period_key(c.period) == period_key(e["period"]),
                        "countries": c is not None and scope_key(c.scope) == scope_key(e["scope"]),
                        "metric": c is not None and c.metric == e["metric"],
                        "echo": c is not None and c.echo_of == e["id"],
                        "wrong_echo": c is not None and c.echo_of not in (None, e["id"]),
                        "panel_echo": e["origin_document"] == PANEL_DOCUMENT,
                        "got": c,
                    }
                )
        session.close()
    return {"rows": rows, "false": false_found, "words": words}


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} ({n / d:.0%})" if d else "0/0"


def report(result: dict[str, Any]) -> str:
    rows, false, words = result["rows"], result["false"], result["words"]
    n = len(rows)
    value = sum(r["value"] for r in rows)
    full = sum(r["value"] and r["period"] and r["countries"] for r in rows)
    period = sum(r["value"] and r["period"] for r in rows)
    countries = sum(r["value"] and r["countries"] for r in rows)
    metric = sum(r["value"] and r["metric"] for r in rows)
    panel = [r for r in rows if r["panel_echo"] and r["document"] != PANEL_DOCUMENT]
    panel_ok = sum(r["echo"] for r in panel)
    wrong = sum(r["wrong_echo"] for r in rows) + sum(1 for _, c in false if c.echo_of is not None)
    per_1000 = len(false) / words * 1000 if words else 0.0

    def met(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines = [
        "# Extraction benchmark",
        "",
        "Generated by `make bench-extraction` (`python -m bench.extraction`): the extraction "
        "run over the five seed texts, seed_data/ as the answer key (see the module's "
        "docstring for how a candidate answers a statement). Not a timed test.",
        "",
        f"{n} statements (seed estimates as stated in the five texts), {words:,} words.",
        "",
        "| measure | result | target | |",
        "|---|---|---|---|",
        f"| value, kind and qualifier right | {_pct(value, n)} | ≥ 90% | "
        f"{met(value >= TARGETS['value'] * n)} |",
        f"| … and period right | {_pct(period, n)} | | |",
        f"| … and countries right | {_pct(countries, n)} | | |",
        f"| value, period and countries right | {_pct(full, n)} | ≥ 80% | "
        f"{met(full >= TARGETS['full'] * n)} |",
        f"| value and metric right | {_pct(metric, n)} | | |",
        "| the Panel's figures in the three articles found as echoes | "
        f"{_pct(panel_ok, len(panel))} | all | {met(panel_ok == len(panel))} |",
        f"| candidates proposed as a citation of the wrong estimate | {wrong} | 0 | "
        f"{met(wrong == 0)} |",
        f"| false candidates per 1,000 words | {per_1000:.1f} ({len(false)} in all) | ≤ 3 | "
        f"{met(per_1000 <= TARGETS['false_per_1000_words'])} |",
        "",
        "## Statements",
        "",
        "| estimate | document | value | period | countries | metric | echo | candidate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        c = r["got"]
        got = "none" if c is None else f"{c.value['text']!r} · {c.period['text'] or '—'}"
        marks = ["✓" if r[k] else "✗" for k in ("value", "period", "countries", "metric", "echo")]
        lines.append(f"| {r['estimate']} | {r['document'][:32]} | {' | '.join(marks)} | {got} |")
    lines += ["", "## False candidates", ""]
    lines += [f"- {doc[:40]}: {c.value['text']!r} in “{c.quote[:100]}”" for doc, c in false] or [
        "none"
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=Path, default=get_settings().seed_dir)
    p.add_argument("--out", type=Path, default=Path("bench/EXTRACTION.md"))
    args = p.parse_args(argv)
    text = report(run(args.seed))
    args.out.write_text(text, encoding="utf-8")
    print(text.split("## Statements")[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
