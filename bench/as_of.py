"""How fast a read as of a past version is: the first one (which builds the snapshot) and
the ones after it, on a copy of a generated database with K audited edits.

    python -m bench.as_of --url sqlite:///bench/out/est_100000.sqlite3 --changes 10000

The database is copied (it is not changed), K estimates are edited through the write
path (each edit one audit-log entry), then R estimates by id (half of them edited) are
read through the app (in process, the answer cache off) as of the version before the
edits: each first read builds that estimate's focused snapshot, then each is read again
from the one kept, then as it is now. `--whole` also times a list read as of that
version, which builds a snapshot of the whole data. Prints the figures; `--json` writes
them too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", required=True, help="a generated SQLite database (copied first)")
    p.add_argument("--changes", type=int, default=10_000, help="audited edits to make (10,000)")
    p.add_argument("--reads", type=int, default=500, help="estimates to read (500)")
    p.add_argument(
        "--whole", action="store_true", help="also time a list read, which builds a whole snapshot"
    )
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-as-of-"))
    try:
        source = Path(args.url.removeprefix("sqlite:///"))
        db = work / "db.sqlite3"
        shutil.copy(source, db)
        os.environ |= {
            "DATABASE_URL": f"sqlite:///{db}",
            "SNAPSHOT_DIR": str(work / "snapshots"),
            "RESPONSE_CACHE_MB": "0",
        }
        from fastapi.testclient import TestClient

        from app import read_model, records
        from app.db import bulk_engine
        from app.main import create_app
        from app.models import Estimate
        from app.queries.changes import data_version

        rng = random.Random(15)
        with Session(bulk_engine()) as session:
            ids = list(session.scalars(select(Estimate.id)))
            before = data_version(session)
            started = time.perf_counter()
            edited_ids = rng.sample(ids, min(args.changes, len(ids)))
            for n, eid in enumerate(edited_ids, 1):
                est = session.get_one(Estimate, eid)
                record = records.estimate_record(est).model_copy(update={"notes": f"edit {n}"})
                records.save_estimate(session, record, "bench")
                if n % 1000 == 0:
                    read_model.refill(session)
                    session.commit()
            read_model.refill(session)
            session.commit()
            edits = time.perf_counter() - started
            after = data_version(session)

        edited = set(edited_ids)
        unedited = [i for i in ids if i not in edited]
        # half of them edited since (one change to undo each), half not
        sample = rng.sample(edited_ids, args.reads // 2) + rng.sample(unedited, args.reads // 2)
        rng.shuffle(sample)
        with TestClient(create_app()) as client:
            first = _timed(client, [f"/v1/estimates/{e}?as_of={before}" for e in sample])
            again = _timed(client, [f"/v1/estimates/{e}?as_of={before}" for e in sample])
            now = _timed(client, [f"/v1/estimates/{e}" for e in sample])
            whole = None
            if args.whole:
                whole = _timed(client, [f"/v1/estimates?limit=1&as_of={before}"])[0] / 1000
        result = {
            "estimates": len(ids),
            "changes_undone": after - before,
            "audit_log_entries": after,
            "edits_s": round(edits, 1),
            "reads": len(sample),
            "first_as_of_read_ms_median": _ms(first, 0.5),
            "first_as_of_read_ms_p99": _ms(first, 0.99),
            "first_read_of_an_edited_one_ms_median": _ms(
                [t for t, e in zip(first, sample, strict=True) if e in edited], 0.5
            ),
            "first_read_of_an_unedited_one_ms_median": _ms(
                [t for t, e in zip(first, sample, strict=True) if e not in edited], 0.5
            ),
            "again_as_of_read_ms_median": _ms(again, 0.5),
            "again_as_of_read_ms_p99": _ms(again, 0.99),
            "current_read_ms_median": _ms(now, 0.5),
            "whole_snapshot_first_read_s": None if whole is None else round(whole, 1),
        }
        print(json.dumps(result, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _timed(client: Any, urls: list[str]) -> list[float]:
    """Each URL read once, in order: the milliseconds each took (every answer a 200)."""
    out = []
    for url in urls:
        started = time.perf_counter()
        r = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, (url, r.text)
    return out


def _ms(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 2)


if __name__ == "__main__":
    raise SystemExit(main())
