"""The read model (app.read_model): each estimate's list item and detail kept as JSON. It
must always say what the tables say: after the loader, after every write through the API,
and at once after a change made behind the application's back (a SQL shell), on both
databases."""

import orjson
from sqlalchemy import select, text, update

from app import read_model
from app.models import Source, estimate_item
from app.queries import estimates as eq
from app.rendering import etag_of_bytes, render

LIST = "/v1/estimates?metric=workers_abroad&period_from=2019&period_to=2024"
PANEL = "panel-2024-workers-abroad-2023"


def stored(session) -> dict[str, tuple]:
    rows = session.execute(select(estimate_item)).all()
    return {r.estimate_id: r for r in rows}


def stale_ids(session) -> list[str]:
    return list(
        session.scalars(select(estimate_item.c.estimate_id).where(estimate_item.c.item.is_(None)))
    )


def test_the_loader_leaves_every_item_ready_and_equal_to_the_tables(session):
    rows = stored(session)
    live = eq.details(session, list(rows))
    assert set(rows) == set(live) and len(rows) == 30
    for eid, row in rows.items():
        detail = render(live[eid])
        item = render({k: v for k, v in live[eid].items() if k not in read_model.DETAIL_ONLY})
        assert row.shape == read_model.SHAPE
        assert row.item.encode() == item and row.item_etag == etag_of_bytes(item)
        assert row.detail.encode() == detail and row.detail_etag == etag_of_bytes(detail)


def test_a_change_behind_the_apps_back_is_seen_at_once_then_rebuilt(client, session):
    before = client.get(LIST).json()["data"]
    claimants = {i["claimant"]["id"] for i in before}
    assert "un-panel-of-experts" in claimants
    session.execute(
        update(Source).where(Source.id == "un-panel-of-experts").values(name="The Panel (renamed)")
    )
    session.flush()
    stale = stale_ids(session)
    assert PANEL in stale  # the trigger marked every estimate that shows the name
    after = client.get(LIST).json()["data"]
    names = {i["claimant"]["name"] for i in after if i["claimant"]["id"] == "un-panel-of-experts"}
    assert names == {"The Panel (renamed)"}
    detail = client.get(f"/v1/estimates/{PANEL}")
    assert detail.json()["claimant"]["name"] == "The Panel (renamed)"
    assert read_model.refill(session) == len(stale)
    assert stale_ids(session) == []
    assert client.get(LIST).json()["data"] == after
    again = client.get(f"/v1/estimates/{PANEL}")
    assert again.content == detail.content and again.headers["etag"] == detail.headers["etag"]


def test_a_document_title_and_a_citation_change_reach_the_detail(client, session):
    quote = session.scalar(text("SELECT quote FROM citation WHERE estimate_id = :e"), {"e": PANEL})
    session.execute(
        text("UPDATE citation SET quote = :q WHERE estimate_id = :e"), {"q": quote, "e": PANEL}
    )
    session.execute(
        text(
            "UPDATE document SET title = 'A new title' WHERE id IN "
            "(SELECT origin_document_id FROM estimate WHERE id = :e)"
        ),
        {"e": PANEL},
    )
    session.flush()
    assert PANEL in stale_ids(session)
    body = client.get(f"/v1/estimates/{PANEL}").json()
    assert body["origin_document"]["title"] == "A new title"


def test_an_api_write_commits_with_nothing_stale(client, session):
    from app import auth
    from app.enums import Role

    key = auth.create_key(session, "rm-editor", Role.editor)
    current = client.get(f"/v1/estimates/{PANEL}")
    r = client.patch(
        f"/v1/estimates/{PANEL}",
        json={"notes": "edited through the API"},
        headers={"Authorization": f"Bearer {key}", "If-Match": current.headers["etag"]},
    )
    assert r.status_code == 200, r.text
    assert stale_ids(session) == []
    row = stored(session)[PANEL]
    assert orjson.loads(row.detail)["notes"] == "edited through the API"
    got = client.get(f"/v1/estimates/{PANEL}")
    assert got.headers["etag"] == r.headers["etag"] == row.detail_etag
    assert got.json() == r.json()


def test_rows_of_an_older_shape_are_not_served(client, session):
    session.execute(
        update(estimate_item)
        .where(estimate_item.c.estimate_id == PANEL)
        .values(shape=read_model.SHAPE - 1, detail='{"stale": true}', item='{"stale": true}')
    )
    session.flush()
    assert "stale" not in client.get(f"/v1/estimates/{PANEL}").json()
    assert all("stale" not in i for i in client.get(LIST).json()["data"])
    assert read_model.reshape(session) == 1
    assert orjson.loads(stored(session)[PANEL].detail)["id"] == PANEL
