"""The extraction: a text and its date in, the candidate figures it states out, each with
its quote (verbatim by construction), value, hedge interval, period, scope, claimant and
metric guess, and a warning for every guess. Pure: no database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from app.enums import Population
from app.extraction import context
from app.extraction.candidate import Candidate, Vocabulary
from app.extraction.numbers import Value, find_values
from app.extraction.periods import Time, date_spans, find_times, unknown
from app.hedges import interval_of

# Nouns that say a sentence is about workers: a bare number in it is read as persons.
WORKER_WORDS = re.compile(r"\b(?:workers?|labou?rers?|North Koreans|nationals)\b", re.I)
# Where a sentence's clauses part: commas, semicolons, dashes, "while", "but".
CLAUSE_BREAK = re.compile(r"[,;:]\s|\s[–—-]\s|\s(?:while|but|whereas)\s")
NOUN_UNITS = frozenset({"persons", "countries", "companies"})
MAX_WORDS_FOR_SHARED_HEDGE = 6


@cache
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for every sentence, by pysbd within each line: headlines and
    list items stand on lines of their own, and a sentence never runs across lines."""
    for line in re.finditer(r"[^\n]+", text):
        body = line.group(0)
        if not body.strip():
            continue
        pos = 0
        for span in _segmenter().segment(body):
            sent = span.sent.strip()
            if not sent:
                continue
            at = body.find(sent, pos)
            if at < 0:
                continue
            pos = at + len(sent)
            yield line.start() + at, sent


def _clauses(sentence: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in CLAUSE_BREAK.finditer(sentence):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(sentence)))
    return spans


def _clause_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next((s for s in spans if s[0] <= pos < s[1] + 1), spans[-1])


@dataclass
class Draft:
    """A figure on its way to becoming a candidate: what the sentence gives it so far."""

    value: Value
    clause: tuple[int, int]
    countries: list[str] = field(default_factory=list)
    own_countries: bool = False
    place: str | None = None
    population: Population = Population.all
    warnings: list[str] = field(default_factory=list)


def _share_with_previous(sentence: str, prev: Draft, d: Draft) -> None:
    """A bare number joined to the figure before it ("about 3,000 IT workers abroad and
    1,000 at home") takes its unit, and its hedge when it has none of its own."""
    v, p = d.value, prev.value
    between = sentence[p.number_end : v.start]
    joined = " and " in f" {between} " and "," not in between
    if v.fields["unit"] is None and p.fields["unit"] in NOUN_UNITS:
        v.fields["unit"] = p.fields["unit"]
        d.warnings.append(f"unit '{p.fields['unit']}' taken from the figure before it")
        if prev.population is Population.part and joined:
            d.population = Population.part
            d.warnings.append("counted as the same part of the workers as the figure before it")
    if (
        joined
        and not v.hedged
        and p.hedged
        and v.fields["kind"] == p.fields["kind"] == "point"
        and len(between.split()) <= MAX_WORDS_FOR_SHARED_HEDGE
    ):
        v.fields["qualifier"] = p.fields["qualifier"]
        d.warnings.append(f"the hedge of '{p.fields['text']}' is read as covering this figure too")


def _period(sentence: str, d: Draft, times: list[Time]) -> tuple[dict[str, Any], bool, list[str]]:
    """The time wording nearest the figure, preferring one in its own clause."""
    if not times:
        return unknown(), False, ["the sentence has no time wording: the period is unknown"]
    v = d.value
    lo, hi = d.clause

    def distance(t: Time) -> tuple[int, int]:
        in_clause = 0 if lo <= t.start and t.end <= hi + 1 else 1
        gap = t.start - v.end if t.start >= v.end else v.start - t.end
        return in_clause, max(gap, 0)

    t = min(times, key=distance)
    warns = list(t.warnings)
    if t.resolved:
        p = t.period
        warns.append(
            f"'{p['text']}' resolved against the document's date as {p['start']} to {p['end']}"
        )
    if distance(t)[0]:
        warns.append(f"period taken from '{t.period['text']}', outside the figure's clause")
    return dict(t.period), t.resolved, warns


def _scope(sentence: str, drafts: list[Draft], where: list[context.Place],
           said: context.Attribution | None) -> None:  # fmt: skip
    """Countries for each figure: those its own clause names; else those the sentence
    names outside other figures' clauses; else the figure before it's, when it had own."""
    usable = [
        p for p in where
        if not p.example and not (said and said.start <= p.start < said.end)
    ]  # fmt: skip
    for i, d in enumerate(drafts):
        lo, hi = d.clause
        clause = sentence[lo:hi]
        if context.AT_HOME.search(clause):
            d.countries, d.own_countries = [context.HOME], True
            continue
        own = [p for p in usable if lo <= p.start < hi and p.code != context.HOME]
        if own:
            d.countries = sorted({p.code for p in own})
            d.own_countries = True
            d.place = ", ".join(dict.fromkeys(p.place for p in own if p.place)) or None
            continue
        others = [o.clause for o in drafts if o is not d]
        free = [
            p for p in usable
            if p.code != context.HOME and not any(a <= p.start < b for a, b in others)
        ]  # fmt: skip
        if free:
            d.countries = sorted({p.code for p in free})
            d.place = ", ".join(dict.fromkeys(p.place for p in free if p.place)) or None
            d.warnings.append("countries taken from the sentence, outside the figure's clause")
        elif i and drafts[i - 1].own_countries and drafts[i - 1].countries != [context.HOME]:
            d.countries, d.place = drafts[i - 1].countries, drafts[i - 1].place
            d.warnings.append("countries taken from the figure before it in the sentence")
        else:
            d.warnings.append("no country named for the figure: proposed as worldwide")


def _interval(fields: dict[str, Any]) -> dict[str, Any]:
    kind = fields["kind"]
    low = fields.get("amount", fields.get("low"))
    high = fields.get("amount", fields.get("high"))
    if kind == "change":
        low, high = sorted((fields["from"], fields["to"]))
    return interval_of({**fields, "low": low, "high": high, "to_value": fields.get("to")})


def _candidates_in(
    offset: int, sentence: str, published: date | None, vocab: Vocabulary
) -> list[Candidate]:
    times = find_times(sentence, published)
    masked = [(t.start, t.end) for t in times] + date_spans(sentence)
    values = find_values(sentence, masked)
    if not values:
        return []
    spans = _clauses(sentence)
    drafts: list[Draft] = []
    for v in values:
        d = Draft(v, _clause_of(spans, v.start))
        if context.sectors(v.fields["text"], vocab):
            d.population = Population.part
            d.warnings.append(f"'{v.fields['text']}' counts only some of the workers: part")
        if drafts:
            _share_with_previous(sentence, drafts[-1], d)
        if v.fields["unit"] is None:
            if not WORKER_WORDS.search(sentence):
                continue  # a number that counts nothing the sentence names
            v.fields["unit"] = "persons"
            d.warnings.append("unit 'persons' guessed: the sentence is about workers")
        drafts.append(d)
    said = context.attribution(sentence, vocab)
    _scope(sentence, drafts, context.places(sentence), said)
    sector_ids = context.sectors(sentence, vocab)
    out = []
    for d in drafts:
        out.append(_candidate(offset, sentence, d, times, said, sector_ids, vocab))
    return out


def _candidate(
    offset: int,
    sentence: str,
    d: Draft,
    times: list[Time],
    said: context.Attribution | None,
    sector_ids: list[str],
    vocab: Vocabulary,
) -> Candidate:
    v = d.value
    period, resolved, period_warnings = _period(sentence, d, times)
    clause = sentence[d.clause[0] : d.clause[1]]
    metric_id, confidence = context.metric([clause, sentence], v.fields["unit"], vocab)
    warns = v.warnings + d.warnings + period_warnings
    if metric_id:
        warns.append(f"metric guessed as {metric_id} ({confidence:.0%} confident)")
    else:
        warns.append("no metric in the vocabulary fits the figure's unit")
    if said is None:
        warns.append("the sentence attributes the figure to no one")
    elif said.source is None:
        warns.append(f"'{said.text}' names no known source")
    fields = {k: v.fields[k] for k in v.fields}
    return Candidate(
        start=offset,
        end=offset + len(sentence),
        quote=sentence,
        value=fields,
        interval=_interval(fields),
        period=period,
        period_resolved=resolved,
        scope={"worldwide": not d.countries, "countries": d.countries, "place": d.place},
        sectors=sector_ids,
        population=d.population.value,
        claimant=said.source if said else None,
        claimant_text=said.text if said else None,
        metric=metric_id,
        metric_confidence=confidence,
        warnings=warns,
    )


def extract(text: str, published: date | None, vocabulary: Vocabulary) -> list[Candidate]:
    """The candidate figures the text states, in the order it states them."""
    found: list[Candidate] = []
    for offset, sentence in sentences(text):
        found += _candidates_in(offset, sentence, published, vocabulary)
    return found
