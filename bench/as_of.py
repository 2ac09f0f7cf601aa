"""How fast a read as of a past version is: the first one (which builds the snapshot) and
the ones after it, on a copy of a generated database with K audited edits.

    python -m bench.as_of --url sqlite:///bench/out/est_100000.sqlite3 --changes 10000

The database is copied (it is not changed), K estimates are edited through the write
path (each edit one audit-log entry), then one estimate by id is read through the app
(in process, the answer cache off) as of the version before the edits: once cold, then
R times warm, each a random estimate. Prints the figures; `--json` writes them too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", required=True, help="a generated SQLite database (copied first)")
    p.add_argument("--changes", type=int, default=10_000, help="audited edits to make (10,000)")
    p.add_argument("--reads", type=int, default=500, help="warm reads to time (500)")
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
            for n, eid in enumerate(rng.sample(ids, min(args.changes, len(ids))), 1):
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

        with TestClient(create_app()) as client:
            started = time.perf_counter()
            r = client.get(f"/v1/estimates/{ids[0]}?as_of={before}")
            cold = time.perf_counter() - started
            assert r.status_code == 200, r.text
            times = []
            for eid in rng.choices(ids, k=args.reads):
                started = time.perf_counter()
                r = client.get(f"/v1/estimates/{eid}?as_of={before}")
                times.append(time.perf_counter() - started)
                assert r.status_code == 200, r.text
            now = []
            for eid in rng.choices(ids, k=args.reads):
                started = time.perf_counter()
                client.get(f"/v1/estimates/{eid}")
                now.append(time.perf_counter() - started)
        times.sort()
        now.sort()
        result = {
            "estimates": len(ids),
            "changes_undone": after - before,
            "audit_log_entries": after,
            "edits_s": round(edits, 1),
            "first_as_of_read_s": round(cold, 2),
            "warm_as_of_read_ms_median": round(statistics.median(times) * 1000, 2),
            "warm_as_of_read_ms_p99": round(times[int(len(times) * 0.99) - 1] * 1000, 2),
            "current_read_ms_median": round(statistics.median(now) * 1000, 2),
        }
        print(json.dumps(result, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
