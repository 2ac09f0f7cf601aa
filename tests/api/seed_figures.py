"""Seed figures that tests of several routes name, and readers of list answers."""

# Russia's own "decreased from 30,023 to 11,490" work permits in 2018, Reuters' "some
# 30,000" of them, and the US government's "some 30,000", which has no date
PERMITS = "russia-2019-work-permits-2018"
REUTERS = "reuters-2019-workers-in-russia-2018"
US_UNDATED = "us-government-workers-in-russia"
# The US government's "some 30,000 were in Russia" and RFA's 700 returned from China and
# Russia: about Russia, with no date in their texts.
UNDATED_RU = {US_UNDATED, "rfa-related-workers-repatriated-from-china-and-russia-700"}
# The Panel's IT workers (a part of all workers abroad) and their revenue (a part, per year)
IT_WORKERS = "panel-2024-it-workers-abroad"
IT_REVENUE = "panel-2024-it-revenue-per-year"


def ids(r) -> set[str]:
    """The estimates a list answer holds (series points by their estimate_id)."""
    assert r.status_code == 200, r.text
    return {p.get("estimate_id") or p["id"] for p in r.json()["data"]}


def by_id(r) -> dict[str, dict]:
    """A list answer's items by id."""
    assert r.status_code == 200, r.text
    return {e["id"]: e for e in r.json()["data"]}
