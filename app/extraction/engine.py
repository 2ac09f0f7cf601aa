"""The extraction: a text and its date in, the candidate figures it states out, each with
its quote (verbatim by construction), value, hedge interval, period, scope, claimant and
metric guess, and a warning for every guess. Pure: no database."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
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
OF_THEM = re.compile(r"\s+of\s+(?:them|those|these)\b", re.I)
NOUN_UNITS = frozenset({"persons", "countries", "companies"})
MAX_WORDS_FOR_SHARED_HEDGE = 6
NO_COUNTRY = "no country named for the figure: proposed as worldwide"
NO_PERIOD = "no time wording for the figure: the period is unknown"
# "According to the report, which covers July 2023 to January 2024": the report's coverage,
# the period of figures attributed to the report that have no time wording of their own.
COVERAGE = re.compile(r"\b(?:covers|covering|covered|spans|spanning)\s+$", re.I)
REPORTED = re.compile(r"\b(?:report|panel)\b", re.I)


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
    near_end: int = 0  # where the words about this figure end: the next figure or clause end
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


def _resolved_note(p: dict[str, Any]) -> str:
    return f"'{p['text']}' resolved against the document's date as {p['start']} to {p['end']}"


_PRECISION_ORDER = ["day", "month", "quarter", "half", "year", "unknown"]


def _period(
    d: Draft, times: list[Time], others: list[tuple[int, int]]
) -> tuple[dict[str, Any], bool, list[str]]:
    """The time wording nearest the figure, preferring one in its own clause; one in
    another figure's clause (`others`) is that figure's."""
    if not times:
        return unknown(), False, ["the sentence has no time wording: the period is unknown"]
    v = d.value
    lo, hi = d.clause
    times = [
        t for t in times
        if lo <= t.start < hi + 1 or not any(a <= t.start < b + 1 for a, b in others)
    ]  # fmt: skip
    if not times:
        return unknown(), False, []

    def distance(t: Time) -> tuple[int, int]:
        in_clause = 0 if lo <= t.start and t.end <= hi + 1 else 1
        gap = t.start - v.end if t.start >= v.end else v.start - t.end
        return in_clause, max(gap, 0)

    inside = [t for t in times if v.start <= t.start <= v.end + 1]
    if v.fields["kind"] == "change" and len(inside) >= 2:
        # "rose from 2,300 in 2022 to 5,800 last year": the change runs from one to the other
        a, b = inside[0].period, inside[-1].period
        coarse = max((a, b), key=lambda p: _PRECISION_ORDER.index(p["precision"]))
        period = {"start": a["start"], "end": b["end"], "precision": coarse["precision"],
                  "text": f"{a['text']} … {b['text']}"}  # fmt: skip
        notes = ["the change's period runs from its first time to its second"]
        notes += [_resolved_note(t.period) for t in (inside[0], inside[-1]) if t.resolved]
        return period, any(t.resolved for t in inside), notes
    t = min(times, key=distance)
    warns = list(t.warnings)
    if t.resolved:
        warns.append(_resolved_note(t.period))
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
        if context.AT_HOME.search(sentence[d.value.start : d.near_end]):
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
            d.warnings.append(NO_COUNTRY)


def _money_of_part(drafts: list[Draft]) -> None:
    """Money in the clause of a count of only some workers ("3,000 IT workers ... generate
    $250-600 million") is what those workers earn: a part too."""
    for d in drafts:
        unit = d.value.fields["unit"] or ""
        if not (len(unit) == 3 and unit.isupper()) or d.population is Population.part:
            continue
        if any(o.clause == d.clause and o.population is Population.part for o in drafts):
            d.population = Population.part
            d.warnings.append("money earned by the part of the workers its clause counts: part")


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
    for i, v in enumerate(values):
        d = Draft(v, _clause_of(spans, v.start))
        following = values[i + 1].start if i + 1 < len(values) else len(sentence)
        d.near_end = min(following, d.clause[1])
        if v.fields["unit"] in (None, "persons") and context.sectors(v.fields["text"], vocab):
            d.population = Population.part
            d.warnings.append(f"'{v.fields['text']}' counts only some of the workers: part")
        if drafts:
            _share_with_previous(sentence, drafts[-1], d)
        if v.fields["unit"] is None and OF_THEM.match(sentence[v.number_end :]):
            v.fields["unit"] = "persons"
            d.warnings.append("'of them' read as counting the workers the text is about")
        if v.fields["unit"] is None:
            if not WORKER_WORDS.search(sentence):
                continue  # a number that counts nothing the sentence names
            v.fields["unit"] = "persons"
            d.warnings.append("unit 'persons' guessed: the sentence is about workers")
        drafts.append(d)
    _money_of_part(drafts)
    said = context.attribution(sentence, vocab)
    _scope(sentence, drafts, context.places(sentence), said)
    sector_ids = context.sectors(sentence, vocab)
    out: list[Candidate] = []
    for d in drafts:
        others = [o.clause for o in drafts if o.clause != d.clause]
        c = _candidate(offset, sentence, d, times, others, said, sector_ids, vocab)
        if c.period["precision"] == "unknown":
            c = _period_from_previous(c, out[-1] if out else None, sentence, d)
        out.append(c)
    return out


def _period_from_previous(
    c: Candidate, prev: Candidate | None, sentence: str, d: Draft
) -> Candidate:
    """A figure in a participle clause ("..., earning about US$500 million") shares the
    time of the figure before it; otherwise its period is unknown, and says so."""
    clause = sentence[d.clause[0] : d.clause[1]]
    if (
        prev is not None
        and prev.period["precision"] != "unknown"
        and re.match(r"\s*\w+ing\b", clause)
    ):
        warns = [*c.warnings, f"period '{prev.period['text']}' taken from the figure before it"]
        return replace(
            c, period=dict(prev.period), period_resolved=prev.period_resolved, warnings=warns
        )
    return replace(
        c, warnings=[*c.warnings, "no time wording for the figure: the period is unknown"]
    )


def _candidate(
    offset: int,
    sentence: str,
    d: Draft,
    times: list[Time],
    others: list[tuple[int, int]],
    said: context.Attribution | None,
    sector_ids: list[str],
    vocab: Vocabulary,
) -> Candidate:
    v = d.value
    period, resolved, period_warnings = _period(d, times, others)
    clause = sentence[d.clause[0] : d.clause[1]]
    near = sentence[v.start : d.near_end]
    metric_id, confidence = context.metric(near, [clause, sentence], v.fields["unit"], vocab)
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


def _is_heading(sentence: str) -> bool:
    """A line such as "More planned" or "IT workers": short, with no closing punctuation."""
    return len(sentence.split()) <= 8 and not re.search(r"[.!?”\"’']$", sentence)


def _coverage(sentence: str, published: date | None) -> dict[str, Any] | None:
    for t in find_times(sentence, published):
        if COVERAGE.search(sentence[max(0, t.start - 20) : t.start]):
            return dict(t.period)
    return None


def _without(warnings: list[str], drop: str, add: str) -> list[str]:
    return [w for w in warnings if w != drop] + [add]


def _period_from_context(
    c: Candidate, before: list[Candidate], coverage: dict[str, Any] | None
) -> Candidate:
    """A figure without time wording takes the time of the figure in the sentence just
    before it in its paragraph ("... in 2023. This labor export is generating $500 million
    annually"; a paragraph under a heading continues the one before the heading), or,
    attributed to a report, the period the text says the report covers."""
    if NO_PERIOD not in c.warnings:
        return c
    dated = [b for b in before if b.period["start"] is not None]
    if dated:
        p = dated[-1].period
        note = f"period '{p['text']}' taken from the figure in the sentence before"
        return replace(c, period=dict(p), period_resolved=dated[-1].period_resolved,
                       warnings=_without(c.warnings, NO_PERIOD, note))  # fmt: skip
    if coverage and c.claimant_text and REPORTED.search(c.claimant_text):
        note = f"period is the report's coverage, '{coverage['text']}', as the text gives it"
        return replace(c, period=dict(coverage), warnings=_without(c.warnings, NO_PERIOD, note))
    return c


def _value_key(c: Candidate) -> tuple[Any, ...]:
    v = c.value
    return tuple(v.get(k) for k in ("kind", "qualifier", "unit", "amount", "low", "high",
                                    "from", "to"))  # fmt: skip


def _refers_back(c: Candidate) -> bool:
    """Whether the figure is worded as one already stated: "the 500 workers"."""
    at = c.quote.find(c.value["text"])
    return at > 0 and re.search(r"\bthe\s+$", c.quote[:at], re.I) is not None


def _restatements(found: list[Candidate]) -> list[Candidate]:
    """A figure the text restates ("dispatched 500 workers to China" ... "The 500 workers
    were sent at the end of August") lends each statement what the other says: the
    period to one without time wording, the countries to one that names none. A figure
    restates another only when one of the two refers back ("the 500 workers"): the same
    number stated afresh may count something else."""
    out = []
    for c in found:
        same = [
            o
            for o in found
            if o is not c
            and _value_key(o) == _value_key(c)
            and (_refers_back(o) or _refers_back(c))
        ]
        if NO_PERIOD in c.warnings and (dated := [o for o in same if NO_PERIOD not in o.warnings
                                                  and o.period["start"] is not None]):  # fmt: skip
            p = dated[0].period
            note = f"period '{p['text']}' taken from the same figure restated in the text"
            c = replace(c, period=dict(p), period_resolved=dated[0].period_resolved,
                        warnings=_without(c.warnings, NO_PERIOD, note))  # fmt: skip
        placed = [o for o in same if NO_COUNTRY not in o.warnings and not o.scope["worldwide"]]
        if NO_COUNTRY in c.warnings and placed:
            note = "countries taken from the same figure restated in the text"
            c = replace(c, scope=dict(placed[0].scope),
                        warnings=_without(c.warnings, NO_COUNTRY, note))  # fmt: skip
        out.append(c)
    return out


def _finite(c: Candidate) -> bool:
    """A number too long to be a float (hundreds of digits) is no figure."""
    numbers = [c.value.get(k) for k in ("amount", "low", "high", "from", "to")]
    return all(math.isfinite(x) for x in numbers if isinstance(x, float | int))


def extract(text: str, published: date | None, vocabulary: Vocabulary) -> list[Candidate]:
    """The candidate figures the text states, in the order it states them."""
    found: list[Candidate] = []
    before: list[Candidate] = []
    coverage: dict[str, Any] | None = None
    line_end = -1
    for offset, sentence in sentences(text):
        heading = _is_heading(sentence)
        if offset > line_end:  # a new line: a new paragraph, unless one under a heading
            if not after_heading(text, offset):
                before = []
            line_end = text.find("\n", offset)
            line_end = len(text) if line_end < 0 else line_end
        coverage = _coverage(sentence, published) or coverage
        cands = [
            _period_from_context(c, before, coverage)
            for c in _candidates_in(offset, sentence, published, vocabulary)
            if _finite(c)
        ]
        found += cands
        if not heading:
            before = cands
    return _restatements(found)


def after_heading(text: str, offset: int) -> bool:
    """Whether the paragraph at `offset` follows a heading line ("Global Presence"), so
    that it continues the text before the heading."""
    lines = [ln for ln in text[:offset].split("\n") if ln.strip()]
    return bool(lines) and _is_heading(lines[-1].strip())
