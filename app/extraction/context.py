"""What a figure's sentence says around it: countries (through the `country=` filter's
resolver and a small gazetteer of places), sectors, the claimant, and the metric it
probably counts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app import country_names
from app.extraction.candidate import Named, Vocabulary

# Well-known places in reports on North Korean labour, by country: the resolver knows
# countries and their adjectives, not cities or provinces.
GAZETTEER: dict[str, str] = {
    **dict.fromkeys(
        ["Hunchun", "Dandong", "Jilin", "Liaoning", "Heilongjiang", "Yanbian", "Shenyang",
         "Beijing", "Shanghai", "Tumen", "Yanji", "Donggang", "Harbin", "Qingdao", "Zhuhai"],
        "CN",
    ),
    **dict.fromkeys(
        ["Vladivostok", "Moscow", "Khabarovsk", "Primorye", "Primorsky", "Siberia", "Amur",
         "Sakhalin", "Nakhodka", "Ussuriysk", "St Petersburg", "Saint Petersburg"],
        "RU",
    ),
    "Ulaanbaatar": "MN", "Doha": "QA", "Dubai": "AE", "Abu Dhabi": "AE", "Hanoi": "VN",
    "Warsaw": "PL", "Damascus": "SY", "Phnom Penh": "KH", "Vientiane": "LA",
    "Luanda": "AO", "Kuwait City": "KW", "Muscat": "OM", "Tripoli": "LY",
}  # fmt: skip
# The workers' own country: named in nearly every sentence, it is a scope only when a
# figure counts workers at home.
HOME = "KP"
AT_HOME = re.compile(r"\b(?:at home|inside North Korea|in North Korea|domestically)\b", re.I)
# Countries in a list of examples ("some 40 countries, including China and Russia") stand
# for a wider scope, not for the figure's.
EXAMPLES = re.compile(r"\b(?:including|such as|like|e\.g\.)\s+$", re.I)
# A country named as a border ("once the border with China opens") is not where workers are.
NOT_SCOPE = re.compile(r"\b(?:borders? with|borders? of|bordering)\s+$", re.I)
_PROPER = re.compile(r"(?:the\s+)?[A-Z][\w’'.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'.-]*)*")


# Words of a name; words glued by a scrape ("RussiaOpens in new window") are read apart.
_WORD = re.compile(r"[A-Z]?[a-z’'-]+\.?|[A-Z0-9][A-Z0-9.]*(?![a-z])|[\w’'.-]+")


@dataclass(frozen=True)
class Place:
    """A country the sentence names, where, and (for a gazetteer place) the place."""

    start: int
    end: int
    code: str
    place: str | None
    example: bool


def _lookup(phrase: str) -> str | None:
    """The country code of a name or adjective, through the filter's resolver; codes as
    such are not read from prose ("IT", "US$" are not Italy and the United States)."""
    bare = re.sub(r"[’']s$", "", phrase).strip()
    if bare in GAZETTEER:
        return GAZETTEER[bare]
    if len(bare.replace(".", "")) <= 3 and bare not in ("U.S.", "UK", "UAE", "PRC"):
        return None
    try:
        return country_names.resolve(bare)
    except (country_names.UnknownCountry, country_names.AmbiguousCountry):
        return None


def places(sentence: str) -> list[Place]:
    """Every country the sentence names (by name, adjective or gazetteer place), in order;
    the longest name wins ("Russian Federation" over "Russian")."""
    found: list[Place] = []
    for run in _PROPER.finditer(sentence):
        words = list(_WORD.finditer(run.group(0)))
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                phrase = run.group(0)[words[i].start() : words[j - 1].end()].rstrip(".")
                if code := _lookup(phrase):
                    start = run.start() + words[i].start()
                    if NOT_SCOPE.search(sentence[max(0, start - 20) : start]):
                        i = j
                        break
                    example = bool(EXAMPLES.search(sentence[max(0, start - 40) : start])) or (
                        bool(found) and found[-1].example and
                        re.fullmatch(r",?\s*(?:and|or)?\s*", sentence[found[-1].end : start]) is
                        not None
                    )  # fmt: skip
                    place = phrase if phrase in GAZETTEER else None
                    found.append(Place(start, start + len(phrase), code, place, example))
                    i = j
                    break
            else:
                i += 1
    return found


# Sectors by the words that name them; a sector id is proposed only if the vocabulary has it.
SECTOR_WORDS: dict[str, str] = {
    "construction": r"construction|building sites?|builders?",
    "information_technology": r"information technology|\bIT\b|software|programmers?|"
                              r"developers?|cyber",
    "medicine": r"medicine|medical|doctors?|nurses?|clinics?|hospitals?",
    "hospitality": r"hospitality|hotels?|tourism",
    "food_services": r"food services?|restaurants?|cooks?|waitress(?:es)?|catering",
    "textiles": r"textiles?|garments?|clothing|sewing|apparel",
    "mining": r"mining|mines?|miners?",
    "logging": r"logging|loggers?|timber|lumber",
    "manufacturing": r"manufacturing|factory|factories",
    "fishing": r"fishing|fisheries|seafood|fishermen",
    "agriculture": r"agricultur\w*|farms?|farming",
    "shipbuilding": r"shipbuilding|shipyards?",
}  # fmt: skip


def sectors(clause: str, vocab: Vocabulary) -> list[str]:
    """Sector ids whose keywords the clause uses, in the vocabulary's order."""
    return [
        s.id
        for s in vocab.sectors
        if s.id in SECTOR_WORDS and re.search(rf"\b(?:{SECTOR_WORDS[s.id]})", clause, re.I)
    ]


# Attributions: "according to X", "X said/told/reported/estimated", "told X".
_ATTRIBUTION = re.compile(
    r"(?P<acc>\baccording to\s+(?P<a>[^,.;“”\"]{2,80}))"
    r"|(?P<say>(?P<s>(?:[A-Z“\"]|the\b|a\b|one\b|sources?\b|residents?\b|officials?\b)"
    r"[^,;“”\"]{0,80}?)\s+(?:has |have |had )?(?:said|says|told|tells|reported|reports|"
    r"estimated|estimates|believed|stated|claimed|wrote|noted|found)\b)",
)
_GENERIC = frozenset(
    {"the", "a", "an", "of", "on", "and", "for", "in", "to", "by", "with", "its", "their",
     "his", "her", "this", "that", "report", "reports", "north", "korea", "korean",
     "sanctions", "said", "told", "government"}
)  # fmt: skip


@dataclass(frozen=True)
class Attribution:
    """Who the sentence says states the figure: as written, and the source id if known."""

    text: str
    source: str | None
    start: int
    end: int


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower().replace(".", "")) if w not in _GENERIC}


def _source(phrase: str, vocab: Vocabulary) -> str | None:
    """The source whose name the phrase uses most distinctively; none on a tie."""
    said = _words(phrase)
    acronyms = set(re.findall(r"\b[A-Z]{2,6}\b", phrase))
    best: list[tuple[int, Named]] = []
    for s in vocab.sources:
        own = _words(re.sub(r"\(.*?\)", "", s.name))
        short = set(re.findall(r"\(([A-Z]{2,6})\)", s.name))
        score = len(said & own) + (3 if short & acronyms else 0)
        if "anonymous" in s.name.lower():
            score -= 1  # an anonymous source is named by the words around it, not by name
        if score > 0:
            best.append((score, s))
    if not best:
        return None
    best.sort(key=lambda b: -b[0])
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1].id


def attribution(sentence: str, vocab: Vocabulary) -> Attribution | None:
    """The sentence's attribution, if it has one."""
    m = _ATTRIBUTION.search(sentence)
    if not m:
        return None
    if m.group("acc"):
        who = m.group("a")
        return Attribution(m.group("acc").strip(), _source(who, vocab), m.start(), m.end())
    text = m.group("say").strip()
    told = re.search(r"\btold\s+(.+)$", text)
    who = m.group("s")
    if told and not who:
        who = told.group(1)
    return Attribution(text, _source(who, vocab), m.start("say"), m.end("say"))


# Marks a metric rule read only in the words right after the figure.
NEAR = "(?#near)"
# Metric guesses: (metric id, unit it needs or None, words that point at it, confidence).
METRIC_RULES: list[tuple[str, str | None, str, float]] = [
    ("trade_exports_usd", "money", r"\bexport(?:ed|ing)\b|\bexports? (?:of|to)\b", 0.7),
    ("trade_imports_usd", "money", r"\bimport(?:ed|ing)\b|\bimports? (?:of|from)\b", 0.7),
    ("revenue_usd", "money", r"earn|revenue|income|generat|bring in|brought in|made|make|"
                             r"funds|currency|profit|paid|wages", 0.7),
    ("work_permits_held", "persons", r"permits?", 0.7),
    ("workers_at_home", "persons", r"(?#near)\b(?:at home|inside North Korea)\b", 0.6),
    ("workers_repatriated_share", "percent", r"sent home|repatriat|returned|recalled|"
                                             r"brought home|brings home|withdr", 0.6),
    ("workers_repatriated", "persons", r"sent home|repatriat|returned|recalled|brought home|"
                                       r"brings home|withdr|deport", 0.6),
    ("workers_planned", "persons", r"contracts? to send|plans? to send|planned|to be sent|"
                                   r"will send|more workers", 0.5),
    ("workers_requested", "persons", r"request", 0.6),
    ("workers_to_be_replaced", "persons", r"replac", 0.6),
    ("workers_dispatched", "persons", r"dispatch|sent|sends|deploy|arrived|hired", 0.5),
    ("workers_planned", "persons", r"(?#near)\bmore (?:workers|labou?rers)\b", 0.5),
    ("workers_abroad", "persons", r"(?#near)\b(?:abroad|overseas|working|employed|remain|"
                                  r"remained|active|earning|are in|were in|there are)\b", 0.6),
    ("reporting_states_share", "percent", r"member states|\bstates\b", 0.5),
    ("main_host_countries", "countries", r"majority|most of|mainly|\bmain\b", 0.5),
    ("reporting_states", "countries", r"\bsubmitted\b|\breported\b|\breports\b|"
                                      r"\breporting\b", 0.5),
    ("host_countries", "countries", r"", 0.5),
    ("employer_count", "companies", r"", 0.5),
    ("workers_abroad", "persons", r"", 0.4),
    ("revenue_usd", "money", r"", 0.3),
]  # fmt: skip


def _unit_class(unit: str | None) -> str | None:
    if unit and len(unit) == 3 and unit.isupper():
        return "money"
    return unit


def metric(
    near: str, texts: list[str], unit: str | None, vocab: Vocabulary
) -> tuple[str | None, float]:
    """The metric the figure most probably counts, with a confidence, among the
    vocabulary's metrics of its unit: first what the words right after the figure say
    ("3,000 IT workers abroad"; rules marked NEAR), then the first rule whose words its
    clause, then its sentence, uses; else the unit's usual metric, with less confidence."""
    cls = _unit_class(unit)
    rules = [r for r in METRIC_RULES if r[0] in vocab.metric_ids and r[1] == cls]
    for metric_id, _, words, confidence in rules:
        if words.startswith(NEAR) and re.search(words, near, re.I):
            return metric_id, confidence
    for text in texts:
        for metric_id, _, words, confidence in rules:
            if words and not words.startswith(NEAR) and re.search(words, text, re.I):
                return metric_id, confidence
    for metric_id, _, words, confidence in rules:
        if not words:
            return metric_id, confidence
    return None, 0.0
