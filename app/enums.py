"""Controlled vocabularies shared by the models, the API schemas and the seed loader."""

from enum import StrEnum


class ValueKind(StrEnum):
    """What shape a figure has."""

    point = "point"
    range = "range"
    lower_bound = "lower_bound"
    upper_bound = "upper_bound"
    change = "change"


class Qualifier(StrEnum):
    """How the text hedges a figure ("about", "at least", ...)."""

    exact = "exact"
    about = "about"
    nearly = "nearly"
    at_least = "at_least"
    more_than = "more_than"
    at_most = "at_most"
    fewer_than = "fewer_than"
    range = "range"


# Which qualifiers make sense for which kind of value; the loader and the API enforce it.
QUALIFIERS_BY_KIND: dict[ValueKind, frozenset[Qualifier]] = {
    ValueKind.point: frozenset({Qualifier.exact, Qualifier.about, Qualifier.nearly}),
    ValueKind.range: frozenset({Qualifier.range, Qualifier.about}),
    ValueKind.lower_bound: frozenset({Qualifier.at_least, Qualifier.more_than}),
    ValueKind.upper_bound: frozenset({Qualifier.at_most, Qualifier.fewer_than}),
    ValueKind.change: frozenset({Qualifier.exact, Qualifier.about, Qualifier.nearly}),
}


class Population(StrEnum):
    """Which workers a figure counts: all overseas workers of its scope, or only a part.

    Sectors a total merely mentions ("in construction, hospitality, medicine and IT") do not
    make it a part; a part is a figure that counts only some of them ("IT workers only")."""

    all = "all"
    part = "part"


# How the API documents these fields, in the record schema and the read schemas alike.
POPULATION_MEANS = (
    "which workers the figure counts: `all` of its scope (the default), or a `part` of them, "
    "said in population_note. Sectors a total merely mentions do not make it a part"
)
SECTORS_MEAN = "sectors the figure mentions; a mention does not restrict it (see population)"
POPULATION_NOTE_MEANS = "which part, in words; given exactly when population is `part`"


class Per(StrEnum):
    """The unit of time a rate is stated per ("$500 million a year"); a value without one
    is a total over its period or a count at a time."""

    year = "year"
    month = "month"
    day = "day"


PER_MEANS = (
    "the value is per this unit of time (e.g. $250–600 million per year), whatever its "
    "period, which says when it was observed; null: a total over the period, or a count at "
    "a time"
)


class Precision(StrEnum):
    """How precisely the text fixes a date or period."""

    day = "day"
    month = "month"
    quarter = "quarter"
    half = "half"
    year = "year"
    unknown = "unknown"


class MetricKind(StrEnum):
    """A stock is a level at a moment; a flow is an amount over a period."""

    stock = "stock"
    flow = "flow"


class Relation(StrEnum):
    """How one metric stands to another, as metrics.yaml records it (from the metric to the
    one it names)."""

    proxy_of = "proxy_of"  # stands for the other's quantity, measured another way
    part_of = "part_of"  # counts some of what the other counts
    flow_into = "flow_into"  # an amount over a period that adds to the other (a stock)
    flow_out_of = "flow_out_of"  # an amount over a period that takes from the other


class RelationRead(StrEnum):
    """A relation as read from either end: a metric's own (`proxy_of`, ...) or one another
    metric has to it, marked as such (`has_proxy`, ...)."""

    proxy_of = "proxy_of"
    part_of = "part_of"
    flow_into = "flow_into"
    flow_out_of = "flow_out_of"
    has_proxy = "has_proxy"
    has_part = "has_part"
    has_inflow = "has_inflow"
    has_outflow = "has_outflow"


# The relation read from the other end: work_permits_held is a proxy_of workers_abroad, so
# workers_abroad has_proxy work_permits_held.
INVERSE: dict[Relation, RelationRead] = {
    Relation.proxy_of: RelationRead.has_proxy,
    Relation.part_of: RelationRead.has_part,
    Relation.flow_into: RelationRead.has_inflow,
    Relation.flow_out_of: RelationRead.has_outflow,
}

# The relations `related=true` follows (both ways): a proxy or a part counts the same kind
# of quantity as what it relates to; a flow does not (dispatches over a year are not a
# number of workers present), so flows are listed in /v1/metrics only.
SAME_QUANTITY: frozenset[Relation] = frozenset({Relation.proxy_of, Relation.part_of})

RELATION_MEANS = (
    "how this metric stands to `metric`: `proxy_of` (stands for its quantity, measured "
    "another way), `part_of` (counts some of what it counts), `flow_into` / `flow_out_of` "
    "(an amount over a period that adds to / takes from it, a stock); read from the other "
    "end, `has_proxy`, `has_part`, `has_inflow`, `has_outflow`"
)


class DocumentKind(StrEnum):
    """What sort of publication a document is."""

    report = "report"
    interim_report = "interim_report"
    filing = "filing"
    resolution = "resolution"
    news_article = "news_article"
    statement = "statement"
    research = "research"


class SourceKind(StrEnum):
    """What sort of body or person a source is."""

    intergovernmental = "intergovernmental"
    government = "government"
    news_outlet = "news_outlet"
    ngo = "ngo"
    research_institute = "research_institute"
    person = "person"
    anonymous = "anonymous"


class EstimateStatus(StrEnum):
    """Corrections keep their history: a wrong figure is retracted or superseded, not erased."""

    active = "active"
    retracted = "retracted"
    superseded = "superseded"


class Role(StrEnum):
    """What an API key may do: editors write; admins may also delete sources and documents."""

    editor = "editor"
    admin = "admin"


class Action(StrEnum):
    """What a change in the audit log did."""

    create = "create"
    update = "update"
    delete = "delete"


class CandidateStatus(StrEnum):
    """Where a candidate figure is in the review queue: waiting, made a figure, or turned
    down (with the reason)."""

    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
