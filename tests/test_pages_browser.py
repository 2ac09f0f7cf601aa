"""The pages for journalists in a real browser, offline: each page type renders, reaches no
other host, copies its citation, can be walked with the keyboard, passes axe-core, and is
photographed at desktop and phone width.

A page type is one line of PAGES. Screenshots go to $PAGES_SCREENSHOTS (default: a temporary
folder, printed when the first is taken) as <page>-<width>.png.
"""

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

# the live server and browser fixtures, a plugin module (imported, so rewritten first)
pytest.register_assert_rewrite("tests.browser")
pytest_plugins = ["tests.browser"]

from tests.browser import OfflinePage, offline_page  # noqa: E402

AXE = Path(__file__).parent / "client" / "node_modules" / "axe-core" / "axe.min.js"
PANEL = "/figures/panel-2024-workers-abroad-2023"


@dataclass(frozen=True)
class PageType:
    """One kind of page: where to find an example (`{version}` is the server's data
    version), the status it answers with, its title and <h1>, what must be visible on it,
    and whether it has citations to copy."""

    name: str
    path: str
    title: str
    heading: str
    shows: tuple[str, ...] = ()
    status: int = 200
    copies: bool = False


FIGURE = "North Korean workers abroad: Around 100,000"
FIGURE_TITLE = f"{FIGURE} (worldwide, 2023)"
PERMITS = "Valid work permits held by North Koreans: decreased from 30,023 to 11,490 persons"
DISPATCHED = "Workers dispatched: 500 workers"
RUSSIA_2018 = "metric=workers_abroad&country=RU&period_from=2018&period_to=2018"
WORLDWIDE = "metric=workers_abroad&worldwide=true"
CHART = "North Korean workers abroad, worldwide"
BAD = "Invalid parameter"
HOME = "Figures on North Korea's overseas workers, and who said so"
MOSCOW_TIMES = "moscow-times-2019-03-26-russia-sent-home-over-half-of-north-korean-workers"
ARTICLE = "Russia Tells UN It Sent Home Over Half of North Korean Workers in 2018"
NO_DOCUMENT, NO_SOURCE = "Document not found", "Source not found"
FIGURE_SHOWS = ("p.big", "blockquote mark", "#cite-text")
PAGES = [
    PageType("figure", PANEL, FIGURE_TITLE, FIGURE, FIGURE_SHOWS, copies=True),
    PageType(
        "figure-as-of",
        f"{PANEL}?as_of={{version}}",
        FIGURE_TITLE,
        FIGURE,
        ("#as-of", *FIGURE_SHOWS),
        copies=True,
    ),
    PageType(
        "figure-change",
        "/figures/russia-2019-work-permits-2018",
        f"{PERMITS} (Russian Federation, 2018)",
        PERMITS,
        FIGURE_SHOWS,
        copies=True,
    ),
    PageType(
        "figure-disputed",
        "/figures/residents-in-china-2024-08-workers-dispatched-to-china",
        f"{DISPATCHED} (Hunchun, Jilin, China, Aug 2024)",
        DISPATCHED,
        ("#disagreements", "#consensus", *FIGURE_SHOWS),
        copies=True,
    ),
    PageType("search", "/figures", "Find figures", "Find figures", ("form.search",)),
    PageType(
        "search-results",
        f"/figures?{RUSSIA_2018}",
        "Find figures",
        "Find figures",
        ("form.search", "table.rows a[href^='/figures/']"),
    ),
    PageType("chart", f"/figures/chart?{WORLDWIDE}", CHART, CHART, ("main svg a", "table.rows")),
    PageType(
        "home",
        "/",
        "Figures on North Korea's overseas workers",
        HOME,
        ("main a[href^='/figures']",),
    ),
    PageType(
        "document", f"/documents/{MOSCOW_TIMES}", ARTICLE, ARTICLE, (".text mark", ".text sup a")
    ),
    PageType("source", "/sources/reuters", "Reuters", "Reuters", ("#figures", "#documents")),
    PageType(
        "not-found", "/figures/no-such-figure", "Figure not found", "Figure not found", status=404
    ),
    PageType("document-not-found", "/documents/no-such", NO_DOCUMENT, NO_DOCUMENT, status=404),
    PageType("source-not-found", "/sources/no-such", NO_SOURCE, NO_SOURCE, status=404),
    PageType("bad-input", "/figures?period_from=2018-13", BAD, BAD, ("#problem",), status=400),
]
WIDTHS = {"desktop": 1280, "phone": 390}
CITE_STYLES = ("text", "bibtex", "ris")


def by_name(pages: list[PageType]) -> Any:
    return pytest.mark.parametrize("kind", pages, ids=[p.name for p in pages])


def open_page(offline: OfflinePage, kind: PageType) -> Page:
    """The page of `kind` loaded, after checking the status it answered with."""
    version = httpx.get(f"{offline.base}/v1/estimates?limit=1").json()["meta"]["data_version"]
    response = offline.page.goto(offline.base + kind.path.format(version=version))
    assert response is not None and response.status == kind.status
    return offline.page


def assert_offline_and_clean(offline: OfflinePage, kind: PageType) -> None:
    """Only the live server was asked, for nothing it lacks, and no script failed."""
    assert offline.requests, "no request was recorded"
    assert offline.outside == [], "the page tried to reach other hosts"
    expected = [] if kind.status < 400 else [f"{kind.status} {offline.page.url}"]
    assert offline.failed == expected, "the page asked this server for something it lacks"
    assert offline.errors == []


@by_name(PAGES)
def test_each_page_renders_offline(offline: OfflinePage, kind: PageType):
    page = open_page(offline, kind)
    expect(page).to_have_title(f"{kind.title} · dprk-labor-api")
    expect(page.locator("main h1")).to_have_text(kind.heading)
    for selector in kind.shows:
        expect(page.locator(selector).first).to_be_visible()
    assert_offline_and_clean(offline, kind)


def test_a_request_to_another_host_is_recorded_and_blocked(offline: OfflinePage):
    page = open_page(offline, PAGES[0])
    fetched = "fetch('https://cdn.example.org/x.js').then(() => 'reached', () => 'blocked')"
    assert page.evaluate(fetched) == "blocked"
    assert offline.outside == ["https://cdn.example.org/x.js"]


def api_citation(offline: OfflinePage, style: str) -> str:
    """The citation in `style` as the API gives it, from the page's link to its citation."""
    href = offline.page.get_by_role("link", name=re.compile(r"cite(\?|$)")).get_attribute("href")
    assert href is not None
    r = httpx.get(f"{offline.base}{href}{'&' if '?' in href else '?'}style={style}")
    assert r.status_code == 200, r.text
    return r.text


@by_name([p for p in PAGES if p.copies])
def test_the_copy_buttons_put_each_citation_on_the_clipboard(offline: OfflinePage, kind: PageType):
    offline.page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=offline.base
    )
    page = open_page(offline, kind)
    for style in CITE_STYLES:
        button = page.locator(f"button:has(+ #cite-{style})")
        expect(button).to_have_text("Copy")
        button.click()
        expect(button).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == api_citation(offline, style).strip(), style
    assert_offline_and_clean(offline, kind)


@by_name(PAGES)
def test_each_page_reads_with_javascript_off(browser: Browser, seeded_server: str, kind: PageType):
    with offline_page(browser, seeded_server, java_script_enabled=False) as offline:
        page = open_page(offline, kind)
        expect(page.locator("main h1")).to_have_text(kind.heading)
        for selector in kind.shows:
            expect(page.locator(selector).first).to_be_visible()
        # the citations are there to select; only the buttons that copy need JavaScript
        expect(page.get_by_role("button", name="Copy")).to_have_count(0)
        assert_offline_and_clean(offline, kind)


# Where focus is after a Tab (None: nowhere): the element's place in the document, its index
# among the page's a[href] (-1 if not a link), and whether it shows a focus ring.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    at: [...document.querySelectorAll("*")].indexOf(el),
    link: [...document.querySelectorAll("a[href]")].indexOf(el),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    text: (el.textContent || "").trim().slice(0, 80),
  };
}"""
VISIBLE_LINKS = """() => [...document.querySelectorAll("a[href]")]
  .map((a, i) => [i, a.checkVisibility()]).filter(([, v]) => v).map(([i]) => i)"""


def tab_through(page: Page) -> list[dict[str, Any]]:
    """The elements Tab focuses, in order, once round the page."""
    limit = page.locator("a[href], button, input, select, textarea, [tabindex]").count() + 3
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused in seen:
            if seen:
                break
            continue
        seen.append(focused)
    return seen


@by_name(PAGES)
def test_the_keyboard_reaches_every_link_with_a_visible_focus(offline: OfflinePage, kind: PageType):
    page = open_page(offline, kind)
    focused = tab_through(page)
    reached = [f["link"] for f in focused if f["link"] >= 0]
    assert reached == page.evaluate(VISIBLE_LINKS), "Tab missed links or took them out of order"
    assert [f["text"] for f in focused if not f["ring"]] == [], "focused without a focus ring"


def test_the_keyboard_check_notices_a_skipped_link_and_a_hidden_focus(offline: OfflinePage):
    page = open_page(offline, PAGES[0])
    docs_link = page.locator("footer a[href='/docs']")
    docs_link.evaluate("a => a.setAttribute('tabindex', '-1')")
    page.add_style_tag(content="header a:focus { outline: none }")
    focused = tab_through(page)
    skipped = docs_link.evaluate("a => [...document.querySelectorAll('a[href]')].indexOf(a)")
    reached = [f["link"] for f in focused if f["link"] >= 0]
    assert [i for i in page.evaluate(VISIBLE_LINKS) if i not in reached] == [skipped]
    assert [f["text"] for f in focused if not f["ring"]] == ["dprk-labor-api"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core (tests/client's pinned copy, injected into the page) finds wrong."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test` (npm ci in tests/client)", pytrace=False)
    page.add_script_tag(path=AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["name"] == "axe-core"
    return list(result["violations"])


def serious(violations: list[dict[str, Any]]) -> list[str]:
    """The serious and critical violations, each with the elements it was found on."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@by_name(PAGES)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_axe_core_finds_no_serious_accessibility_violation(
    offline: OfflinePage, kind: PageType, width: int
):
    offline.page.set_viewport_size({"width": width, "height": 900})
    assert serious(axe_violations(open_page(offline, kind))) == []


def test_the_accessibility_check_catches_a_page_without_its_language(offline: OfflinePage):
    page = open_page(offline, PAGES[0])
    page.evaluate("document.documentElement.removeAttribute('lang')")
    assert [v.split(" ")[0] for v in serious(axe_violations(page))] == ["html-has-lang"]


@pytest.fixture(scope="module")
def screenshots(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the screenshots go to: $PAGES_SCREENSHOTS or a temporary one (printed)."""
    chosen = os.environ.get("PAGES_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("pages-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\npage screenshots: {folder}")
    return folder


@by_name(PAGES)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_full_page_screenshot_at_each_width_fits_the_width(
    offline: OfflinePage, kind: PageType, width: int, screenshots: Path
):
    offline.page.set_viewport_size({"width": width, "height": 900})
    page = open_page(offline, kind)
    shot = screenshots / f"{kind.name}-{width}.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 0
    overflowing = page.evaluate(
        """(width) => [...document.querySelectorAll("body *")]
          .filter(el => el.getBoundingClientRect().right > width + 1)
          .map(el => el.tagName + (el.id ? "#" + el.id : "") + ": "
                     + (el.textContent || "").trim().slice(0, 60))""",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, overflowing


def test_a_reader_finds_workers_in_russia_in_2018_cites_it_and_reaches_its_quote(
    offline: OfflinePage,
):
    """The issue's own check, by hand in the browser: search without typing an id, open the
    figure, copy its citation, follow its quote to its place in the document."""
    offline.page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=offline.base
    )
    page = offline.page
    page.goto(f"{offline.base}/")
    page.get_by_role("link", name="Search the figures").click()
    page.get_by_label("What is counted").select_option(label="North Korean workers abroad")
    page.get_by_label("Country", exact=True).select_option(label="Russian Federation")
    page.get_by_label("From (year, or YYYY-MM)").fill("2018")
    page.get_by_label("To (year, or YYYY-MM)").fill("2018")
    page.get_by_role("button", name="Find figures").click()
    expect(page).to_have_url(re.compile(re.escape(f"/figures?{RUSSIA_2018}")))

    page.locator("table.rows").get_by_role("link", name="some 30,000").click()
    expect(page.locator("main h1")).to_have_text("North Korean workers abroad: some 30,000")
    page.locator("button:has(+ #cite-text)").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("North Korean workers abroad: some 30,000 (Russian Federation, 2018)")
    assert copied.strip() == api_citation(offline, "text").strip()

    page.locator("figcaption a[href*='#q-']").first.click()
    quote = page.locator("mark:target")
    expect(quote).to_be_visible()
    expect(quote).to_contain_text("some 30,000 North Koreans")
    assert_offline_and_clean(offline, PAGES[0])
