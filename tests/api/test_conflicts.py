"""Disagreements with reasons: independent claimants whose figures cannot both hold, or a
part that rivals its whole; hedged near-equal figures and a subset against a total are not
conflicts; a part never against a total, nor a rate against a count; undated figures are
never compared, and counted (both databases)."""

from datetime import date

from tests.api.seed_figures import ids
from tests.conftest import add_estimate

CONFLICTS = "/v1/conflicts?metric=workers_abroad&limit=500"


def pairs(client, url: str = CONFLICTS) -> dict[tuple[str, str], dict]:
    r = client.get(url)
    assert r.status_code == 200, r.text
    return {(c["a"]["id"], c["b"]["id"]): c for c in r.json()["data"]}


def figure(session, id: str, amount: float, qualifier: str, text: str, claimant: str, **kw):
    """A 2023 point figure (unless `kw` says otherwise) of workers abroad in Russia."""
    year = {"period_start": date(2023, 1, 1), "period_end": date(2023, 12, 31)}
    add_estimate(
        session,
        id,
        qualifier=qualifier,
        low=amount,
        high=amount,
        value_text=text,
        claimant_id=claimant,
        **(year | kw),
    )


def test_on_the_seed_the_china_alone_figure_rivals_the_worldwide_one(client):
    found = pairs(client)
    assert list(found) == [
        ("rfa-source-2023-12-workers-in-china", "panel-2024-workers-abroad-2023")
    ]
    (conflict,) = found.values()
    assert (conflict["kind"], conflict["strength"], conflict["rule"]) == (
        "part_exceeds_whole",
        "tension",
        "part-rivals-whole",
    )
    reason = conflict["reason"]
    assert '"more than 100,000" for China' in reason and '"Around 100,000" worldwide' in reason
    assert "75,000 to 125,000" in reason
    assert conflict["a"]["citations"][0]["quote"] and conflict["b"]["citations"][0]["quote"]


def test_hedged_near_equal_figures_are_not_a_conflict(client, session):
    figure(session, "zz-some-30000", 30000, "about", "some 30,000", "us-government")
    figure(session, "zz-about-30100", 30100, "about", "about 30,100", "reuters")
    assert not any("zz-" in a or "zz-" in b for a, b in pairs(client))


def test_a_subset_against_a_total_is_not_a_conflict(client, session):
    figure(
        session,
        "zz-it-3000",
        3000,
        "about",
        "about 3,000 IT workers",
        "reuters",
        countries=(),
        population="part",
        population_note="IT workers only",
    )
    figure(session, "zz-all-110000", 110000, "about", "about 110,000", "upi", countries=())
    assert not any("zz-" in a or "zz-" in b for a, b in pairs(client))


def test_figures_whose_intervals_are_apart_contradict(client, session):
    figure(session, "zz-one-thousand", 1000, "exact", "1,000", "reuters")
    figure(session, "zz-fifty-thousand", 50000, "exact", "50,000", "us-government")
    conflict = pairs(client)[("zz-fifty-thousand", "zz-one-thousand")]
    assert (conflict["kind"], conflict["strength"], conflict["rule"]) == (
        "disagreement",
        "contradiction",
        "intervals-apart",
    )
    assert "both cannot be true" in conflict["reason"]


def test_hedged_figures_each_outside_the_others_reading_are_in_tension(client, session):
    figure(session, "zz-about-30000", 30000, "about", "about 30,000", "reuters")
    figure(session, "zz-about-36000", 36000, "about", "about 36,000", "us-government")
    conflict = pairs(client)[("zz-about-30000", "zz-about-36000")]
    assert (conflict["strength"], conflict["rule"]) == ("tension", "figures-apart")


def test_a_part_above_its_whole_under_any_reading_contradicts(client, session):
    figure(session, "zz-china-200000", 200000, "exact", "200,000", "reuters", countries=("CN",))
    conflict = pairs(client)[("zz-china-200000", "panel-2024-workers-abroad-2023")]
    assert (conflict["kind"], conflict["strength"], conflict["rule"]) == (
        "part_exceeds_whole",
        "contradiction",
        "part-above-whole",
    )
    # asked about China, the worldwide whole it exceeds is still shown
    assert ("zz-china-200000", "panel-2024-workers-abroad-2023") in pairs(
        client, CONFLICTS + "&country=CN"
    )


def test_the_same_claimant_and_retracted_figures_never_conflict(client, session):
    figure(session, "zz-reuters-a", 1000, "exact", "1,000", "reuters")
    figure(session, "zz-reuters-b", 50000, "exact", "50,000", "reuters")
    figure(session, "zz-retracted", 90000, "exact", "90,000", "upi", status="retracted")
    assert not any("zz-" in a or "zz-" in b for a, b in pairs(client))


def test_conflicts_page_with_their_cursor(client, session):
    for n, claimant in enumerate(["reuters", "us-government", "upi"]):
        figure(session, f"zz-page-{n}", 1000 * 10**n, "exact", f"{1000 * 10**n:,}", claimant)
    everything = set(pairs(client))
    seen, url = [], CONFLICTS.replace("limit=500", "limit=1")
    while url:
        page = client.get(url).json()
        assert page["meta"]["count"] <= 1
        seen += [(c["a"]["id"], c["b"]["id"]) for c in page["data"]]
        url = page["meta"]["next"]
    assert len(seen) == len(set(seen)) and set(seen) == everything


def test_paging_and_count_hold_across_more_candidates_than_one_read(client, session):
    # 30 exact figures of three claimants: ~300 candidate pairs, judged 200 at a time
    claimants = ["reuters", "us-government", "upi"]
    for n in range(30):
        figure(session, f"zz-many-{n:02d}", 1000 * (n + 1), "exact", f"{n}", claimants[n % 3])
    url = "/v1/conflicts?metric=workers_abroad&country=RU&limit=40&count=true"
    first = client.get(url).json()
    seen, page = [], first
    while True:
        seen += [(c["a"]["id"], c["b"]["id"]) for c in page["data"]]
        if not page["meta"]["next"]:
            break
        page = client.get(page["meta"]["next"]).json()
    assert len(seen) == len(set(seen)) == first["meta"]["total"] > 200


def test_conflicts_refuse_undated_with_400(client):
    r = client.get("/v1/conflicts?undated=only")
    assert r.status_code == 400 and r.json()["parameter"] == "undated"


def _estimate(session, id, low, high, claimant, start="2018-01-01", end="2018-12-31"):
    add_estimate(
        session,
        id,
        value_kind="range",
        qualifier="range",
        low=low,
        high=high,
        claimant_id=claimant,
        period_start=date.fromisoformat(start),
        period_end=date.fromisoformat(end),
    )


def test_conflicts_pair_disagreeing_independent_estimates(client, session):
    _estimate(session, "zz-low", 1000, 2000, "reuters")
    _estimate(session, "zz-high", 50000, 60000, "us-government")
    _estimate(session, "zz-agrees", 1500, 55000, "upi")  # meets both
    _estimate(session, "zz-same-claimant", 5000, 6000, "reuters")
    _estimate(session, "zz-other-year", 90000, 95000, "upi", "2010-01-01", "2010-12-31")
    pairs = client.get("/v1/conflicts?country=RU&metric=workers_abroad&limit=500").json()["data"]
    found = {tuple(sorted((p["a"]["id"], p["b"]["id"]))) for p in pairs}
    assert ("zz-high", "zz-low") in found
    assert not any("zz-agrees" in pair or "zz-other-year" in pair for pair in found)
    assert ("zz-low", "zz-same-claimant") not in found
    pair = next(p for p in pairs if {p["a"]["id"], p["b"]["id"]} == {"zz-high", "zz-low"})
    assert pair["a"]["citations"][0]["quote"] and pair["b"]["citations"][0]["quote"]
    assert pair["scope"]["countries"][0]["code"] == "RU"


def _worldwide(session, id, low, high, claimant, **values):
    add_estimate(
        session,
        id,
        countries=(),
        value_kind="range",
        qualifier="range",
        low=low,
        high=high,
        claimant_id=claimant,
        period_start=date(2010, 1, 1),
        period_end=date(2010, 12, 31),
        **values,
    )


def test_a_part_never_conflicts_with_a_total(client, session):
    _worldwide(session, "zz-total", 90000, 100000, "reuters")
    _worldwide(session, "zz-it", 2000, 3000, "upi", population="part", population_note="IT only")
    _worldwide(session, "zz-other-total", 10000, 20000, "us-government")
    _worldwide(session, "zz-rate", 1, 2, "upi", per="year")
    r = client.get("/v1/conflicts?worldwide=true&metric=workers_abroad&limit=500")
    found = {frozenset((p["a"]["id"], p["b"]["id"])) for p in r.json()["data"]}
    assert frozenset(("zz-total", "zz-other-total")) in found
    assert not any("zz-it" in pair or "zz-rate" in pair for pair in found)


def test_conflicts_count_the_figures_they_never_compare(client):
    meta = client.get("/v1/conflicts?metric=workers_abroad").json()["meta"]
    assert meta["undated"] == 2  # the US government's figures for Russia and worldwide
    listed = ids(client.get(meta["undated_url"]))
    assert listed == {"us-government-workers-in-russia", "us-government-workers-abroad"}
