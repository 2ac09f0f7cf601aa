"""/docs and /redoc in a real browser: headless Chromium, a live server, no other host
reachable (the browser and server fixtures are tests/browser.py's)."""

import json
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

# the live server and browser fixtures, a plugin module (imported, so rewritten first)
pytest.register_assert_rewrite("tests.browser")
pytest_plugins = ["tests.browser"]

from tests.browser import OfflinePage  # noqa: E402

CARD_QUERY = "metric=workers_abroad&country=CN&period_from=2019&period_to=2024"


def operations(base: str) -> list[tuple[str, str]]:
    """(first tag, operationId) of every operation the live server documents."""
    spec = httpx.get(f"{base}/openapi.json").json()
    return [
        (op.get("tags", ["default"])[0], op["operationId"])
        for ops in spec["paths"].values()
        for op in ops.values()
    ]


def test_swagger_ui_renders_offline_and_runs_the_card_query(
    offline: OfflinePage, seeded_server: str, tmp_path: Path
):
    page = offline.page
    page.goto(f"{seeded_server}/docs")
    ops = operations(seeded_server)
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
    offline: OfflinePage, seeded_server: str, tmp_path: Path
):
    page = offline.page
    page.goto(f"{seeded_server}/redoc")
    expect(page.locator('[data-section-id="section/How-to-cite"]')).to_be_visible()
    for _tag, op_id in operations(seeded_server):
        expect(page.locator(f'[data-section-id="operation/{op_id}"]').first).to_be_attached()
    expect(page.get_by_role("heading", name="Search estimates")).to_be_visible()
    page.screenshot(path=tmp_path / "redoc.png")

    assert offline.outside == [], "the page tried to reach other hosts"
    assert offline.failed == [], "the page asked this server for something it lacks"
    assert offline.errors == []
