"""All tables; importing this module registers them on `Base.metadata`."""

from app.models.audit import ApiKey, Change, Release
from app.models.base import Base
from app.models.candidates import Candidate
from app.models.estimates import (
    Citation,
    Estimate,
    estimate_country,
    estimate_item,
    estimate_sector,
)
from app.models.reference import Country, Metric, MetricRelation, Sector
from app.models.sources import Document, Source, document_cite

__all__ = [
    "ApiKey",
    "Base",
    "Candidate",
    "Change",
    "Citation",
    "Country",
    "Document",
    "Estimate",
    "Metric",
    "MetricRelation",
    "Release",
    "Sector",
    "Source",
    "document_cite",
    "estimate_country",
    "estimate_item",
    "estimate_sector",
]
