"""The value grammar: hedges, ranges, changes, bounds, vague magnitudes, shares, scales,
currencies and written-out numbers, read into this API's value fields (kind, qualifier,
unit, amount | low, high | from, to, per), the way seed_data/estimates.yaml encodes them.

Our own grammar goes first because general quantity parsers misread the hedged and ranged
forms that figures about overseas labour take ("$250-600 million" is a range, not
850,000,000; "from 30,023 to 11,490" is a change). quantulum3 is asked only about a plain
number the grammar found no unit for, to tell a duration ("four years") or a physical
quantity ("20 km") from a count.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from app.enums import Per, Qualifier, ValueKind
from app.hedges import PERCENT

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "a hundred": 100,
    "a thousand": 1000,
}  # fmt: skip
SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "mn": 1e6, "m": 1e6, "bn": 1e9, "b": 1e9, "k": 1e3,
}  # fmt: skip
# Shares written as fractions; "two-thirds" is stored as 66.7 (percent), as seed_data does.
FRACTIONS = {
    "half": 50.0, "a half": 50.0, "one half": 50.0, "a third": 33.3, "one third": 33.3,
    "one-third": 33.3, "two thirds": 66.7, "two-thirds": 66.7, "a quarter": 25.0,
    "one quarter": 25.0, "one-quarter": 25.0, "three quarters": 75.0,
    "three-quarters": 75.0, "a fifth": 20.0, "one fifth": 20.0, "one-fifth": 20.0,
}  # fmt: skip
CURRENCY_BEFORE = {"us$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR",
                   "£": "GBP", "gbp": "GBP", "¥": "JPY"}  # fmt: skip
CURRENCY_AFTER = {
    "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD", "euros": "EUR",
    "yuan": "CNY", "renminbi": "CNY", "won": "KRW", "rubles": "RUB", "roubles": "RUB",
    "pounds": "GBP", "yen": "JPY",
}  # fmt: skip
# Hedge words before a number, by the qualifier seed_data gives them.
HEDGES: dict[str, Qualifier] = {
    **dict.fromkeys(
        ["about", "around", "approximately", "approx.", "roughly", "some", "an estimated",
         "estimated", "circa", "an average of", "on average"],
        Qualifier.about,
    ),
    **dict.fromkeys(["nearly", "almost", "close to", "just under", "just shy of"],
                    Qualifier.nearly),
    **dict.fromkeys(["at least", "no fewer than", "no less than", "not less than",
                     "a minimum of"], Qualifier.at_least),
    **dict.fromkeys(["more than", "over", "upwards of", "in excess of", "above", "exceeding",
                     "greater than", "well over", "just over"], Qualifier.more_than),
    **dict.fromkeys(["up to", "at most", "as many as", "as much as", "as high as",
                     "a maximum of", "no more than", "not more than"], Qualifier.at_most),
    **dict.fromkeys(["fewer than", "less than", "under", "below"], Qualifier.fewer_than),
    **dict.fromkeys(["only", "exactly", "a total of", "just"], Qualifier.exact),
}  # fmt: skip
KIND_OF = {
    Qualifier.exact: ValueKind.point,
    Qualifier.about: ValueKind.point,
    Qualifier.nearly: ValueKind.point,
    Qualifier.at_least: ValueKind.lower_bound,
    Qualifier.more_than: ValueKind.lower_bound,
    Qualifier.at_most: ValueKind.upper_bound,
    Qualifier.fewer_than: ValueKind.upper_bound,
}
# Hedges after a number: "3,000 or so", "500 or more", "10,000-plus".
AFTER_HEDGES = {"or so": Qualifier.about, "or more": Qualifier.at_least,
                "plus": Qualifier.more_than, "-plus": Qualifier.more_than,
                "or fewer": Qualifier.at_most, "or less": Qualifier.at_most}  # fmt: skip
# Vague magnitudes, stored as the honest range they can mean (seed_data's encoding: "tens
# of thousands" is 10,000-99,999; "hundreds of millions" 200,000,000-999,999,999, a plural
# hundred being at least two of them).
VAGUE_LOW = {"tens": 10, "dozens": 24, "hundreds": 200, "thousands": 2000, "millions": 2e6,
             "billions": 2e9, "several": 3}  # fmt: skip
VAGUE_HIGH = {"tens": 100, "dozens": 100, "hundreds": 1000, "thousands": 10000,
              "millions": 1e9, "billions": 1e12, "several": 10}  # fmt: skip
VAGUE_SCALE = {"hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9,
               "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}  # fmt: skip
# What a counted noun makes the unit; the seed data's units.
UNIT_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        ["workers", "worker", "labourers", "laborers", "labourer", "laborer", "koreans",
         "people", "persons", "person", "employees", "nationals", "citizens", "migrants",
         "individuals", "men", "women", "staff", "defectors", "students", "trainees",
         "cooks", "waitresses", "doctors", "nurses", "programmers", "developers",
         "engineers", "loggers", "miners", "builders", "seamen", "sailors", "fishermen"],
        "persons",
    ),
    **dict.fromkeys(["countries", "country", "nations", "states", "territories"], "countries"),
    **dict.fromkeys(["companies", "company", "firms", "firm", "employers", "businesses",
                     "enterprises", "factories", "restaurants"], "companies"),
}  # fmt: skip
PER = {"a year": Per.year, "per year": Per.year, "each year": Per.year, "annually": Per.year,
       "a-year": Per.year, "per annum": Per.year, "yearly": Per.year, "every year": Per.year,
       "a month": Per.month, "per month": Per.month, "monthly": Per.month,
       "each month": Per.month, "a day": Per.day, "per day": Per.day, "daily": Per.day}  # fmt: skip
# Words before a number that make it a label, not a figure.
LABELS = re.compile(
    r"\b(?:resolutions?|articles?|paragraphs?|para\.?|pages?|pp?\.|chapters?|sections?|"
    r"no\.|number|annex|clause|rule|item|room|flight|route|highway|covid|vol\.?|volume|"
    r"aged?|ages|tier|level|phase|grade|class|case|file|decision|law|order|act|"
    r"s/res/|s/)\s*[-–]?\s*$",
    re.IGNORECASE,
)
AGE_RANGE = re.compile(r"\b(?:aged?|ages)\s+\d+\s*(?:to|-|–|and)\s*$", re.IGNORECASE)
AFTER_LABELS = re.compile(
    r"^(?:\s*-?\s*(?:year|month|week|day)s?[- ]old|\s+years?\s+old|-page|-year|-month|-day|"
    r"-week|-hour|st\b|nd\b|rd\b|th\b|[:/])",
    re.IGNORECASE,
)
TIME_UNITS = re.compile(
    r"^\s+(?:more\s+|full\s+|long\s+|straight\s+)?(?:years?|months?|weeks?|days?|hours?|"
    r"decades?|minutes?|centuries)\b",
    re.IGNORECASE,
)


def _alt(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = (
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|"
    r"five|six|seven|eight|nine))?|a dozen|a hundred|a thousand|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen"
)
_SCALE = r"(?:\s?(?:hundred|thousand|million|billion|trillion)|\s?(?:mn|bn|m|b|k)(?![\w]))"
_CUR = r"(?:US\$|USD\s?|EUR\s?|GBP\s?|[$€£¥])"
_PCT = r"(?:\s?%|\s(?:percent|per cent)\b)"


def _amount(name: str) -> str:
    return (
        rf"(?P<{name}_cur>{_CUR})?(?P<{name}_num>{_DIGITS}|\b(?:{_WORDNUM})\b)"
        rf"(?P<{name}_scale>{_SCALE}(?:\s(?:and\s)?(?:hundred|thousand|million))?)?"
        rf"(?P<{name}_pct>{_PCT})?"
    )


def _hedge_re(name: str) -> str:
    return rf"(?P<hedge_{name}>\b(?:{_alt(HEDGES)}))\s+"


_AFTER = r"(?P<after>\s(?:or so|or more|or fewer|or less)\b|-?plus\b)?"
FIGURE = re.compile(
    "|".join(
        [
            # vague magnitudes: "tens of thousands", "hundreds of millions of dollars"
            r"(?P<vague>\b(?:tens|dozens|hundreds|thousands|millions|billions)\s+of\s+"
            r"(?:(?P<vscale>thousands|millions|billions)\s+of\s+)?)"
            r"|(?P<several>\bseveral\s+(?P<sscale>hundred|thousand|million|billion)\b)",
            # changes: "(decreased) from 30,023 to 11,490"
            rf"(?:{_hedge_re('c')})?\bfrom\s+{_amount('f')}"
            r"(?:\s+(?:in|during|at the end of|by the end of)\s+(?:1[89]|20)\d\d)?"
            r"\s+(?:to|down to|up to)\s+"
            rf"{_amount('t')}",
            # ranges: "between $250-600 million", "250 to 300", "between 250 and 600"
            rf"(?:{_hedge_re('r')})?(?P<between>\bbetween\s+)?{_amount('a')}\s?(?:-|–|—|to|and)\s?"
            rf"{_amount('b')}",
            # shares as fractions: "nearly two-thirds of", "over half of"
            rf"(?:{_hedge_re('f')})?(?P<fraction>\b(?:{_alt(FRACTIONS)}))(?=\s+of\b)",
            # one number, perhaps hedged
            rf"(?:{_hedge_re('n')})?{_amount('n')}{_AFTER}",
        ]
    ),
    re.IGNORECASE,
)


@dataclass
class Value:
    """A figure the grammar read: the value fields, where they stand in the sentence, and
    the guesses it made on the way."""

    start: int
    end: int  # end of the value's wording (unit included)
    number_end: int  # end of the number itself, before any unit
    fields: dict[str, Any]
    hedged: bool
    unit_found: bool
    warnings: list[str] = field(default_factory=list)


def number_of(num: str, scale: str | None) -> float:
    """The number a numeral and its scale word mean ("1.5 million" → 1,500,000)."""
    key = num.lower().replace("-", " ")
    if key in WORD_NUMBERS:
        x = float(WORD_NUMBERS[key])
    elif " " in key and key.split()[0] in WORD_NUMBERS:
        tens, ones = key.split()
        x = float(WORD_NUMBERS[tens] + WORD_NUMBERS.get(ones, 0))
    else:
        x = float(num.replace(",", ""))
    for word in (scale or "").lower().split():
        if word in SCALES:
            x *= SCALES[word]
    return x


def _clean(x: float) -> float | int:
    """Integers as integers (100000, not 100000.0), as seed_data writes them."""
    r = round(x, 6)
    return int(r) if float(r).is_integer() else r


def _currency(m: re.Match[str], name: str) -> str | None:
    cur = m.group(f"{name}_cur")
    return CURRENCY_BEFORE.get(cur.strip().lower()) if cur else None


_UNIT_AFTER = re.compile(
    rf"^\s+(?:of\s+)?(?:(?:the|its|their|these|those|them|all)\s+)?(?P<filler>(?:[\w’'-]+\s+){{0,3}}?)"
    rf"(?P<noun>{_alt(UNIT_NOUNS)}|{_alt(CURRENCY_AFTER)})\b",
    re.IGNORECASE,
)
_CURRENCY_WORD = re.compile(rf"^\s+(?:of\s+)?(?P<cur>{_alt(CURRENCY_AFTER)})\b", re.IGNORECASE)
_PER_AFTER = re.compile(
    rf"^(?:\s+(?:[\w’'-]+\s+){{0,4}}?)?\s*(?P<per>{_alt(PER)})\b", re.IGNORECASE
)
_STOP_WORDS = re.compile(
    r"\b(?:and|or|but|were|was|are|is|be|been|in|to|from|at|by|with|who|that|which|for|the|a|"
    r"an|said|says|told|tells|has|have|had|will|would|could|can|may|did|do|does|left|went|"
    r"came|saw|made|got|took|gave)\b",
    re.IGNORECASE,
)


def _unit_after(sentence: str, pos: int) -> tuple[str, int] | None:
    """The unit a counted noun after the number gives ("3,000 IT workers" → persons), and
    where the wording ends; the words between may not be verbs or prepositions."""
    rest = sentence[pos : pos + 60]
    m = _UNIT_AFTER.match(rest)
    if not m:
        return None
    if _STOP_WORDS.search(m.group("filler")):
        return None
    noun = m.group("noun").lower()
    unit = UNIT_NOUNS.get(noun) or CURRENCY_AFTER.get(noun)
    assert unit is not None
    return unit, pos + m.end()


def _per_after(sentence: str, pos: int) -> Per | None:
    m = _PER_AFTER.match(sentence[pos : pos + 50])
    if not m or _STOP_WORDS.search(m.group(0)[: m.start("per")]):
        return None
    return PER[m.group("per").lower()]


@cache
def _quantity_parser() -> Any:
    """quantulum3's parser, loaded once; without its optional classifier it warns and
    falls back on its rules, which is all a plain number needs (nothing is downloaded)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser

    return parser


def _plain_quantity(sentence: str, start: int) -> tuple[str, str] | None:
    """(entity, unit) quantulum3 reads for the plain number at `start`, if it reads one."""
    window = sentence[start : start + 40]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = _quantity_parser().parse(window)
        except Exception:  # a third-party parser's odd failure must not lose the text
            return None
    for q in found:
        if q.span[0] == 0 and q.unit.entity.name in PLAIN_ENTITIES:
            return q.unit.entity.name, q.unit.name
    return None


# What quantulum3 may name a plain number's unit as; its rule-based fallback reads odd units
# into ordinary words ("1,000 at home" as ampere-turns), so only these are taken.
PLAIN_ENTITIES = frozenset(
    {"time", "length", "mass", "area", "volume", "currency", "speed", "energy", "power"}
)


def _is_label(sentence: str, m: re.Match[str], name: str) -> bool:
    """A number that is a year, a label (Resolution 2397, page 3), an age or an ordinal."""
    num = m.group(f"{name}_num")
    start, end = m.span(f"{name}_num")
    plain = not (m.group(f"{name}_cur") or m.group(f"{name}_scale") or m.group(f"{name}_pct"))
    if LABELS.search(sentence[max(0, start - 14) : start]):
        return True
    if AGE_RANGE.search(sentence[max(0, start - 24) : start]):
        return True  # the upper end of "aged 25 to 40"
    if AFTER_LABELS.match(sentence[end : end + 12]):
        return True
    if plain and re.fullmatch(r"(?:1[89]|20)\d\d", num):
        return not _unit_after(sentence, end)
    # "COVID-19", "S/2024/215", "F-16": a number glued to letters or slashes
    return start > 0 and sentence[start - 1] in "-/" and sentence[start - 2 : start - 1].isalpha()


def _unit(sentence: str, m: re.Match[str], name: str, end: int) -> tuple[str | None, int]:
    if m.group(f"{name}_pct"):
        return PERCENT, end
    if cur := _currency(m, name):
        return cur, end
    if w := _CURRENCY_WORD.match(sentence[end : end + 30]):
        return CURRENCY_AFTER[w.group("cur").lower()], end + w.end()
    if found := _unit_after(sentence, end):
        return found
    return None, end


def _fields(
    kind: ValueKind, qualifier: Qualifier, unit: str | None, text: str, **numbers: float
) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind.value, "qualifier": qualifier.value, "unit": unit,
                           "text": text}  # fmt: skip
    out |= {k.rstrip("_"): _clean(v) for k, v in numbers.items()}
    out["per"] = None
    return out


def _hedge(m: re.Match[str]) -> Qualifier | None:
    groups = m.groupdict()
    for name in ("hedge_c", "hedge_r", "hedge_f", "hedge_n"):
        if h := groups.get(name):
            return HEDGES[h.lower()]
    return None


def _read(sentence: str, m: re.Match[str]) -> Value | None:
    """One grammar match read as a value, or None when it is no figure (a year, a label,
    a duration, a number with nothing counted)."""
    start = m.start()
    if m.group("vague") or m.group("several"):
        return _vague(sentence, m)
    if m.group("f_num") is not None:
        return _change(sentence, m)
    if m.group("a_num") is not None:
        return _range(sentence, m)
    if m.group("fraction"):
        q = _hedge(m) or Qualifier.exact
        share = FRACTIONS[m.group("fraction").lower()]
        if re.search(r"\b(?:first|second|the)\s+$", sentence[max(0, start - 8) : start]):
            return None  # "the first half of the year" is a period
        kind = KIND_OF[q]
        key = {"point": "amount", "lower_bound": "low", "upper_bound": "high"}[kind.value]
        text = sentence[start : m.end()]
        return Value(start, m.end(), m.end(), _fields(kind, q, PERCENT, text, **{key: share}),
                     q is not Qualifier.exact, True)  # fmt: skip
    return _single(sentence, m)


def _single(sentence: str, m: re.Match[str]) -> Value | None:
    if _is_label(sentence, m, "n"):
        return None
    number_end = (
        m.end("n_pct")
        if m.group("n_pct")
        else m.end("n_scale")
        if m.group("n_scale")
        else m.end("n_num")
    )
    if TIME_UNITS.match(sentence[number_end : number_end + 30]):
        return None  # a duration: "more than four years"
    x = number_of(m.group("n_num"), m.group("n_scale"))
    q = _hedge(m) or Qualifier.exact
    if m.group("after"):
        q = AFTER_HEDGES[m.group("after").strip().lower()] if q is Qualifier.exact else q
        number_end = m.end()
    unit, end = _unit(sentence, m, "n", number_end)
    warns: list[str] = []
    if unit is None:
        plain = _plain_quantity(sentence, m.start("n_num"))
        if plain and plain[0] == "time":
            return None
        if plain:
            unit = plain[1]
    kind = KIND_OF[q]
    key = {"point": "amount", "lower_bound": "low", "upper_bound": "high"}[kind.value]
    text = sentence[m.start() : max(end, m.end())]
    if m.group("n_num").isalpha() and unit is None:
        return None  # "one source": a written-out number counts something named
    return Value(m.start(), max(end, m.end()), number_end,
                 _fields(kind, q, unit, text, **{key: x}), m.group("hedge_n") is not None,
                 unit is not None, warns)  # fmt: skip


def _change(sentence: str, m: re.Match[str]) -> Value | None:
    if _is_label(sentence, m, "f") or _is_label(sentence, m, "t"):
        return None
    a = number_of(m.group("f_num"), m.group("f_scale") or m.group("t_scale"))
    b = number_of(m.group("t_num"), m.group("t_scale"))
    unit, end = _unit(sentence, m, "t", m.end())
    unit = unit or _currency(m, "f") or (PERCENT if m.group("f_pct") else None)
    q = _hedge(m) or Qualifier.exact
    if KIND_OF[q] is not ValueKind.point:
        q = Qualifier.about if q is not Qualifier.exact else q
    start = _verb_start(sentence, m.start())
    return Value(start, end, m.end(),
                 _fields(ValueKind.change, q, unit, sentence[start:end], from_=a, to=b),
                 q is not Qualifier.exact, unit is not None)  # fmt: skip


_CHANGE_VERB = re.compile(
    r"\b(?:decreased|increased|fell|rose|dropped|grew|declined|jumped|climbed|went|shrank|"
    r"plunged|surged|soared|slumped|was cut|was reduced|has fallen|has risen)\s+$",
    re.IGNORECASE,
)


def _verb_start(sentence: str, start: int) -> int:
    """Where the wording of a change begins: its verb ("decreased from ..."), if any."""
    v = _CHANGE_VERB.search(sentence[max(0, start - 20) : start])
    return start - (len(sentence[max(0, start - 20) : start]) - v.start()) if v else start


def _range(sentence: str, m: re.Match[str]) -> Value | None:
    if _is_label(sentence, m, "a") or _is_label(sentence, m, "b"):
        return None
    joiner = sentence[m.end("a_pct") if m.group("a_pct") else m.end("a_scale") if m.group(
        "a_scale") else m.end("a_num") : m.start("b_cur") if m.group("b_cur") else m.start(
        "b_num")].strip().lower()  # fmt: skip
    if joiner == "and" and not m.group("between"):
        return None  # "1,000 and 2,000" without "between" is two figures
    scale = m.group("a_scale") or m.group("b_scale")
    lo = number_of(m.group("a_num"), scale)
    hi = number_of(m.group("b_num"), m.group("b_scale") or scale)
    if lo >= hi:
        return None  # "20-1": a score or a label, not a range
    end_num = m.end()
    if TIME_UNITS.match(sentence[end_num : end_num + 30]):
        return None
    unit, end = _unit(sentence, m, "b", end_num)
    unit = unit or _currency(m, "a") or (PERCENT if m.group("a_pct") else None)
    if unit is None:
        return None
    q = Qualifier.about if _hedge(m) is Qualifier.about else Qualifier.range
    return Value(m.start(), end, end_num,
                 _fields(ValueKind.range, q, unit, sentence[m.start():end], low=lo, high=hi),
                 q is Qualifier.about, True)  # fmt: skip


def _vague(sentence: str, m: re.Match[str]) -> Value:
    if m.group("several"):
        word, scale = "several", VAGUE_SCALE[m.group("sscale").lower()]
    else:
        word = m.group("vague").split()[0].lower()
        scale = VAGUE_SCALE.get((m.group("vscale") or "").lower(), 1.0)
    lo, hi = VAGUE_LOW[word] * scale, VAGUE_HIGH[word] * scale - 1
    unit, end = None, m.end()
    if w := _CURRENCY_WORD.match(" " + sentence[m.end() : m.end() + 30]):
        unit, end = CURRENCY_AFTER[w.group("cur").lower()], m.end() + w.end() - 1
    elif found := _unit_after(sentence, m.end() - 1):
        unit, end = found
    text = sentence[m.start() : end].rstrip()
    if text.endswith(" of"):
        text = text[:-3]
    return Value(m.start(), end, m.end(),
                 _fields(ValueKind.range, Qualifier.range, unit, text.strip(), low=lo, high=hi),
                 True, unit is not None)  # fmt: skip


SINGLE = re.compile(rf"(?:{_hedge_re('n')})?{_amount('n')}{_AFTER}", re.IGNORECASE)


def _first_number_end(m: re.Match[str]) -> int:
    for name in ("f_num", "a_num"):
        if m.group(name) is not None:
            return m.end(name)
    return m.end()


def find_values(sentence: str, masked: list[tuple[int, int]]) -> list[Value]:
    """Every figure the sentence states, in order; numbers inside `masked` spans (its dates
    and periods) are not figures. A range or change that is none ("twenty-five", "2015 to
    2,000 workers") is read again as single numbers."""
    found: list[Value] = []
    pos = 0
    while m := FIGURE.search(sentence, pos):
        multi = m.group("f_num") is not None or m.group("a_num") is not None
        inside = any(s <= m.start() < e or s < m.end() <= e for s, e in masked)
        v = None if inside else _read(sentence, m)
        if v is None and multi:
            single = SINGLE.match(sentence, m.start())
            if single and not any(s <= single.start() < e for s, e in masked):
                v = _single(sentence, single)
            if v is None:
                pos = _first_number_end(m)
                continue
        if v is None:
            pos = m.end()
            continue
        if per := _per_after(sentence, v.end):
            v.fields["per"] = per.value
        found.append(v)
        pos = max(v.end, m.end()) if not multi or v.number_end >= m.end() else v.number_end
    return found
