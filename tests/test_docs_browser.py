"""/docs and /redoc in a real browser: headless Chromium, a live server, no other host reachable.

Chromium is Debian's (`make test` installs it); Playwright drives it and never downloads a
browser of its own. These tests run once, on SQLite, whatever TEST_POSTGRES says.
"""

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from tests.conftest import SEED_DIR

CLI = [sys.executable, "-m", "app.cli"]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)
CARD_QUERY = "metric=workers_abroad&country=CN&period_from=2019&period_to=2024"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dprk-labor serve` on a free port of 127.0.0.1, on a fresh SQLite database."""
    db = tmp_path_factory.mktemp("live") / "docs.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{db}"}
    for args in (["migrate"], ["load", str(SEED_DIR)]):
        done = subprocess.run(CLI + args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    listening = threading.Event()

    def read_log() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            log.append(line)
            if "Uvicorn running on" in line:
                listening.set()
        listening.set()  # the process ended: stop waiting

    threading.Thread(target=read_log, daemon=True).start()
    try:
        assert listening.wait(60) and server.poll() is None, "server did not start:\n" + "".join(
            log
        )
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `make test`, which installs it "
            "(apt-get install chromium)",
            pytrace=False,
        )
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class OfflinePage:
    """A page whose requests to any host but 127.0.0.1 are aborted and remembered."""

    page: Page
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def offline(browser: Browser) -> Iterator[OfflinePage]:
    context: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    offline = OfflinePage(page)

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            offline.outside.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", guard)
    page.on("pageerror", lambda exc: offline.errors.append(str(exc)))
    page.on(
        "response",
        lambda r: offline.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    yield offline
    context.close()


def operations(base: str) -> list[tuple[str, str]]:
    """(first tag, operationId) of every operation the live server documents."""
    spec = httpx.get(f"{base}/openapi.json").json()
    return [
        (op.get("tags", ["default"])[0], op["operationId"])
        for ops in spec["paths"].values()
        for op in ops.values()
    ]


def test_swagger_ui_renders_offline_and_runs_the_card_query(
    offline: OfflinePage, live_server: str, tmp_path: Path
):
    page = offline.page
    page.goto(f"{live_server}/docs")
    ops = operations(live_server)
    assert ("estimates", "list_estimates") in ops
    for tag, op_id in ops:
        expect(page.locator(f"#operations-{tag}-{op_id}")).to_be_visible()

    op = page.locator("#operations-estimates-list_estimates")
    op.locator(".opblock-summary-control").click()
    op.get_by_role("button", name="Try it out").click()
    op.locator('tr[data-param-name="metric"] select').select_option("workers_abroad")
    country = op.locator('tr[data-param-name="country"]')
    if country.locator("input").count() == 0:
        country.get_by_role("button", name="Add string item").click()
    country.locator("input").first.fill("CN")
    op.locator('tr[data-param-name="period_from"] input').fill("2019")
    op.locator('tr[data-param-name="period_to"] input').fill("2024")
    op.get_by_role("button", name="Execute").click()

    response = op.locator(".live-responses-table .response")
    expect(response.locator(".response-col_status")).to_have_text("200")
    expect(op.locator(".request-url")).to_contain_text(CARD_QUERY)
    body = json.loads(response.locator(".highlight-code pre").inner_text())
    assert body["data"], "the card's query found no estimates"
    assert {e["metric"]["id"] for e in body["data"]} == {"workers_abroad"}
    assert all("CN" in [c["code"] for c in e["scope"]["countries"]] for e in body["data"])
    page.screenshot(path=tmp_path / "swagger-ui.png")

    assert offline.outside == [], "the page tried to reach other hosts"
    assert offline.failed == [], "the page asked this server for something it lacks"
    assert offline.errors == []


def test_redoc_renders_every_operation_offline(
    offline: OfflinePage, live_server: str, tmp_path: Path
):
    page = offline.page
    page.goto(f"{live_server}/redoc")
    expect(page.locator('[data-section-id="section/How-to-cite"]')).to_be_visible()
    for _tag, op_id in operations(live_server):
        expect(page.locator(f'[data-section-id="operation/{op_id}"]').first).to_be_attached()
    expect(page.get_by_role("heading", name="Search estimates")).to_be_visible()
    page.screenshot(path=tmp_path / "redoc.png")

    assert offline.outside == [], "the page tried to reach other hosts"
    assert offline.failed == [], "the page asked this server for something it lacks"
    assert offline.errors == []
