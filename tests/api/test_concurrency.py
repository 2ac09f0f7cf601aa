"""No lost updates: concurrent PATCHes with one ETag against a live server, on both databases."""

import threading

import httpx

from tests.conftest import live_server, seed_database

WRITERS = 12
TARGET = "panel-2024-workers-abroad-2023"


def test_concurrent_patches_with_one_etag_let_exactly_one_win(backend, new_database):
    url = new_database(backend)
    key = seed_database(url, editor="racer")

    with live_server(url) as base:
        etag = httpx.get(f"{base}/v1/estimates/{TARGET}").headers["etag"]
        barrier = threading.Barrier(WRITERS)
        results: dict[int, httpx.Response] = {}

        def write(i: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                barrier.wait()
                results[i] = c.patch(
                    f"/v1/estimates/{TARGET}",
                    json={"notes": f"writer {i}"},
                    headers={"Authorization": f"Bearer {key}", "If-Match": etag},
                )

        threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        statuses = sorted(r.status_code for r in results.values())
        assert statuses == [200] + [412] * (WRITERS - 1), statuses
        winner = next(i for i, r in results.items() if r.status_code == 200)
        stored = httpx.get(f"{base}/v1/estimates/{TARGET}").json()
        assert stored["notes"] == f"writer {winner}"
        history = httpx.get(f"{base}/v1/estimates/{TARGET}/history").json()["data"]
        updates = [h for h in history if h["action"] == "update"]
        assert len(updates) == 1 and updates[0]["after"]["notes"] == f"writer {winner}"
