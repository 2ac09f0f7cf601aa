"""The read model: each estimate's list item and detail kept as the JSON the API sends.

A page of estimates is then one indexed scan that reads each row's item ready to emit,
joined by commas: no per-page queries for metrics, documents, countries and sectors, no
rendering, and no hashing of the body for its ETag (each item's is kept beside it).

Kept right by two things (migration 7b3e9d1c4a50):
- triggers make a row stale (`item` NULL) whenever anything it shows changes, whoever
  changes it: the API, `dprk-labor load`, a restore, a SQL shell;
- whoever writes through the application calls `refill` before committing, which builds
  the stale rows from the tables, so after a commit the model is whole again.
Readers never trust a stale row: they build its item from the tables instead
(`queries.estimates`), so a row a SQL shell changed is right at once, only slower.

`SHAPE` says which version of the item's shape a row holds: raise it whenever the JSON of
a list item or detail changes, and `dprk-labor migrate` rebuilds every row (`reshape`);
until then readers treat the old rows as stale.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from app.models import estimate_item
from app.rendering import etag_of_bytes, render

SHAPE = 5  # 2: the detail's `cite`; 3: period.label; 4: links; 5: links.html
# What the detail shows and a list item does not.
DETAIL_ONLY = ("citations", "cite")
BATCH = 500

_I = estimate_item.c
_STALE = select(_I.estimate_id).where(_I.item.is_(None)).order_by(_I.estimate_id).limit(BATCH)
_FILL = (
    update(estimate_item)
    .where(_I.estimate_id == bindparam("b_id"))
    .values(
        shape=SHAPE,
        item=bindparam("b_item"),
        item_etag=bindparam("b_item_etag"),
        detail=bindparam("b_detail"),
        detail_etag=bindparam("b_detail_etag"),
    )
)


def rows_of(session: Session, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The read-model rows (as `_FILL`'s parameters) of the estimates `ids` that exist."""
    from app.queries.estimates import details

    out = []
    for eid, detail in details(session, list(ids)).items():
        item = render({k: v for k, v in detail.items() if k not in DETAIL_ONLY})
        whole = render(detail)
        out.append(
            {
                "b_id": eid,
                "b_item": item.decode(),
                "b_item_etag": etag_of_bytes(item),
                "b_detail": whole.decode(),
                "b_detail_etag": etag_of_bytes(whole),
            }
        )
    return out


def refill(session: Session) -> int:
    """Build every stale row, in batches; the number built. Call it after the last change
    of a transaction that writes estimates or anything they show, before the commit.

    On PostgreSQL a row another transaction has locked (it is changing that estimate, and
    will refill it itself) is skipped, not waited for."""
    session.flush()
    stale = _STALE
    if session.get_bind().dialect.name == "postgresql":
        stale = stale.with_for_update(skip_locked=True)
    built = 0
    last = ""  # one pass in id order: no row is visited twice, even one that stays stale
    while True:
        ids = list(session.scalars(stale.where(_I.estimate_id > last)))
        if not ids:
            return built
        last = ids[-1]
        rows = rows_of(session, ids)
        if rows:
            session.execute(_FILL, rows)
        found = {r["b_id"] for r in rows}
        gone = [i for i in ids if i not in found]
        if gone:  # a row whose estimate is gone (written outside the application)
            session.execute(delete(estimate_item).where(_I.estimate_id.in_(gone)))
        built += len(rows)


def reshape(session: Session) -> int:
    """Make the rows of an older shape stale, then refill; the number rebuilt."""
    session.execute(
        update(estimate_item).where(_I.shape != SHAPE, _I.item.is_not(None)).values(item=None)
    )
    return refill(session)
