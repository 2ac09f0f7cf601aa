"""The tables (app.models): what the database itself refuses, and `derive`, the one
derivation of an estimate's derived columns and country rows."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import records
from app.models import Estimate, estimate_country
from app.models.estimates import derive
from app.schemas.seed import EstimateIn
from tests.conftest import ORIGIN_DOC, add_estimate


def test_the_database_refuses_a_part_without_a_note(session):
    with pytest.raises(IntegrityError), session.begin_nested():
        add_estimate(session, "zz-part", population="part")


def test_derive_computes_the_columns_and_country_rows_of_an_estimate():
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    d = derive("e", "workers_abroad", start, end, False, ["RU", "CN", "RU"], "superseded")
    assert d.columns == {"period_days": 364, "scope_key": "CN,RU"}
    copies = {
        "metric_id": "workers_abroad",
        "period_start": start,
        "period_end": end,
        "status": "superseded",
    }
    assert d.copies == copies
    assert d.country_rows == [
        {"estimate_id": "e", "country_code": "CN"} | copies,
        {"estimate_id": "e", "country_code": "RU"} | copies,
    ]


def test_derive_of_a_worldwide_undated_estimate():
    d = derive("e", "revenue_usd", None, None, True, [], "active")
    assert d.columns == {"period_days": None, "scope_key": "*"}
    assert d.country_rows == []


def stored(session, estimate_id: str) -> tuple[dict, list[dict]]:
    """An estimate's derived columns and its country rows (without its id), as stored."""
    est = session.scalars(select(Estimate).where(Estimate.id == estimate_id)).one()
    columns = {"period_days": est.period_days, "scope_key": est.scope_key}
    rows = session.execute(
        select(estimate_country)
        .where(estimate_country.c.estimate_id == estimate_id)
        .order_by(estimate_country.c.country_code)
    ).mappings()
    return columns, [{k: v for k, v in r.items() if k != "estimate_id"} for r in rows]


@pytest.mark.parametrize(
    ("countries", "period"),
    [
        (["RU", "CN"], {"start": "2018-01-01", "end": "2018-12-31", "precision": "year"}),
        ([], {"start": "2023-03-01", "end": "2023-03-31", "precision": "month"}),
        (["KP"], {"precision": "unknown"}),
    ],
    ids=["two-countries", "worldwide", "undated"],
)
def test_the_test_factory_stores_what_the_write_path_stores(session, countries, period):
    record = EstimateIn.model_validate(
        {
            "id": "zz-written",
            "metric": "workers_abroad",
            "value": {
                "kind": "point",
                "qualifier": "exact",
                "unit": "persons",
                "text": "1",
                "amount": 1,
            },
            "period": period | {"text": "then"},
            "scope": {"worldwide": not countries, "countries": countries},
            "claimant": "reuters",
            "origin_document": ORIGIN_DOC,
            "citations": [{"document": ORIGIN_DOC, "quote": "Russia"}],
        }
    )
    records.save_estimate(session, record, "test")
    add_estimate(
        session,
        "zz-factory",
        countries=tuple(countries),
        period_start=record.period.start,
        period_end=record.period.end,
        period_precision=record.period.precision,
    )
    session.flush()
    assert stored(session, "zz-factory") == stored(session, "zz-written")
