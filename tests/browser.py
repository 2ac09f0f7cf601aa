"""A real browser for the tests: Debian's headless Chromium driven by Playwright, against a
live server on a seeded SQLite database, with every other host unreachable.

Chromium is Debian's (`make test` installs it); Playwright never downloads a browser of its
own. Test modules import the fixtures they use from here (tests/test_docs_browser.py,
tests/test_pages_browser.py); they run once, on SQLite, whatever TEST_POSTGRES says.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect, sync_playwright

from tests.conftest import live_server, seed_database

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
# Every wait (navigation, expect, click) gives up after this: a test cannot hang.
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dprk-labor serve` on a free port of 127.0.0.1, on a fresh seeded SQLite database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'seeded.sqlite3'}"
    seed_database(url)
    with live_server(url) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium; a failure (never a skip) when it is not installed."""
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
    """A page that may reach only the live server: every request it makes is recorded,
    those to anywhere else are aborted."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        """The requests that were not to the live server (data: and blob: URLs are the
        page's own)."""
        return [
            url
            for url in self.requests
            if not url.startswith(f"{self.base}/") and urlsplit(url).scheme not in ("data", "blob")
        ]


@contextmanager
def offline_page(browser: Browser, base: str, **options: Any) -> Iterator[OfflinePage]:
    """A fresh browser context (desktop width unless `options` say otherwise) whose one page
    is an OfflinePage that may reach only the server at `base`."""
    context = browser.new_context(**({"viewport": DESKTOP} | options))
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    offline = OfflinePage(page, base)

    def guard(route: Route) -> None:
        if route.request.url.startswith(f"{base}/"):
            route.continue_()
        else:
            route.abort("internetdisconnected")

    def record(request: Request) -> None:
        offline.requests.append(request.url)

    context.on("request", record)
    context.route("**/*", guard)
    page.on("pageerror", lambda exc: offline.errors.append(str(exc)))
    page.on(
        "response",
        lambda r: offline.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    try:
        yield offline
    finally:
        context.close()


@pytest.fixture
def offline(browser: Browser, seeded_server: str) -> Iterator[OfflinePage]:
    """An OfflinePage on the seeded live server, at desktop width."""
    with offline_page(browser, seeded_server) as page:
        yield page
