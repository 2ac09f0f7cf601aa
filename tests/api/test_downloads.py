"""Provenance in every download (app.exports): the CSV and NDJSON of estimates say where
each figure comes from and when, in words; `bom=true` for spreadsheet programs; and a
`.zip` bundle of any list: the CSV, metadata.json and a README."""

import csv
import io
import json
import os
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from starlette.requests import Request

from app.config import get_settings
from app.exports import Column, _About, _Counted, bundle
from app.queries.changes import data_version
from tests.api.seed_figures import PERMITS
from tests.conftest import ORIGIN_DOC, add_estimate

CARD = "metric=workers_abroad&country=CN&period_from=2019&period_to=2024"
RFA_CHINA = "rfa-source-2023-12-workers-in-china"
RFA_TENS = "rfa-sources-2024-workers-in-russia-and-china"
MOSCOW_TIMES = (
    "https://www.themoscowtimes.com/2019/03/26/"
    "russia-tells-un-it-sent-home-over-half-nkorean-workers-in-2018-a64949"
)
BOM = b"\xef\xbb\xbf"


def rows_of(text: str) -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in csv.DictReader(io.StringIO(text))}


def opened(r) -> zipfile.ZipFile:
    assert r.status_code == 200, r.text[:300]
    return zipfile.ZipFile(io.BytesIO(r.content))


def csv_in(bundle: zipfile.ZipFile) -> bytes:
    (name,) = [n for n in bundle.namelist() if n.endswith(".csv")]
    return bundle.read(name)


# --- what the CSV and NDJSON say of each figure ------------------------------------------


def test_card_csv_names_the_origin_publisher_and_dates_in_words(client):
    rows = rows_of(client.get(f"/v1/estimates.csv?{CARD}").text)
    china = rows[RFA_CHINA]
    assert (china["period_start"], china["period_end"]) == ("2023-12-01", "2023-12-31")
    assert china["period_label"] == "Dec 2023"
    assert china["origin_document_publisher_id"] == "radio-free-asia"
    assert china["origin_document_publisher_name"] == "Radio Free Asia"
    # An RFA article dated only "2024": stored as 2024-01-01, said as 2024.
    assert china["origin_document_published_on"] == "2024-01-01"
    assert china["origin_document_published_label"] == "2024"
    assert china["origin_document_url"] == ""  # no public URL is known
    assert rows[RFA_TENS]["period_label"] == "2024"


def test_csv_lists_the_urls_of_the_documents_quoting_a_figure(client):
    rows = rows_of(client.get("/v1/estimates.csv?metric=work_permits_held&country=RU").text)
    permits = rows[PERMITS]
    assert MOSCOW_TIMES in permits["citing_document_urls"].split("\n")
    assert permits["origin_document_published_label"] == "Mar 2019"
    assert permits["period_label"] == "2018"
    # One citation per line, in the order of the URLs' citations.
    assert permits["citations"].startswith("[")


def test_an_origin_document_url_is_in_the_csv(client):
    rows = rows_of(client.get("/v1/estimates.csv?q=Russia&country=RU").text)
    by_origin = [r for r in rows.values() if r["origin_document_id"] == ORIGIN_DOC]
    assert by_origin and {r["origin_document_url"] for r in by_origin} == {MOSCOW_TIMES}
    assert {r["origin_document_published_label"] for r in by_origin} == {"26 Mar 2019"}


def test_an_undated_figure_has_an_empty_period_label(client):
    rows = rows_of(client.get("/v1/estimates.csv?undated=only").text)
    assert rows and {r["period_label"] for r in rows.values()} == {""}
    page = client.get("/v1/estimates?undated=only").json()["data"]
    assert {e["period"]["label"] for e in page} == {None}


def test_json_items_carry_the_period_label_the_csv_has(client):
    page = {e["id"]: e for e in client.get(f"/v1/estimates?{CARD}").json()["data"]}
    rows = rows_of(client.get(f"/v1/estimates.csv?{CARD}").text)
    assert {i: e["period"]["label"] for i, e in page.items()} == {
        i: r["period_label"] for i, r in rows.items()
    }
    detail = client.get(f"/v1/estimates/{RFA_CHINA}").json()
    assert detail["period"]["label"] == "Dec 2023"


def test_ndjson_lines_carry_the_same_provenance(client):
    lines = client.get(f"/v1/estimates.ndjson?{CARD}").text.splitlines()
    items = {i["id"]: i for i in map(json.loads, lines)}
    china = items[RFA_CHINA]
    assert china["period"]["label"] == "Dec 2023"
    assert china["origin_document"]["publisher"] == {
        "id": "radio-free-asia",
        "name": "Radio Free Asia",
    }
    assert china["origin_document"]["published_label"] == "2024"
    assert china["origin_document"]["url"] is None
    assert china["citing_document_urls"] == []
    permits = json.loads(
        client.get("/v1/estimates.ndjson?metric=work_permits_held&country=RU").text.splitlines()[0]
    )
    assert MOSCOW_TIMES in permits["citing_document_urls"]


def test_an_export_reads_its_provenance_in_one_statement_a_page(client, session, count_statements):
    for i in range(620):  # two export pages (500 rows each)
        add_estimate(session, f"prov-{i:03d}", quote=f"Quartzite {i}")
    session.flush()
    # Last: an export closes the session, which the test's rows are not committed past.
    with count_statements() as counter:
        r = client.get("/v1/estimates.csv?q=Quartzite")
    assert len(rows_of(r.text)) == 620
    provenance = [s for s in counter.statements if "UNION ALL" in s and "publisher_id" in s]
    assert len(provenance) == 2  # one a page, however many rows it holds


# --- bom=true -----------------------------------------------------------------------------


def test_bom_starts_the_csv_only_when_asked(client):
    plain = client.get(f"/v1/estimates.csv?{CARD}").content
    with_bom = client.get(f"/v1/estimates.csv?{CARD}&bom=true").content
    off = client.get(f"/v1/estimates.csv?{CARD}&bom=false").content
    assert not plain.startswith(BOM) and not off.startswith(BOM)
    assert with_bom.startswith(BOM) and with_bom.count(BOM) == 1
    assert with_bom[len(BOM) :] == plain == off


@pytest.mark.parametrize(
    "query",
    [
        f"/v1/estimates.csv?{CARD}&bom=maybe",
        f"/v1/estimates.ndjson?{CARD}&bom=true",
        f"/v1/estimates?{CARD}&bom=true",
        f"/v1/estimates.csv?{CARD}&bom=true&bom=false",
    ],
    ids=["not-a-boolean", "ndjson", "json", "repeated"],
)
def test_a_bad_bom_is_a_problem_naming_it(client, query):
    r = client.get(query)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["parameter"] == "bom"


# --- the bundle ---------------------------------------------------------------------------


def test_the_bundle_holds_the_csv_metadata_and_a_readme(client, session):
    r = client.get(f"/v1/estimates.zip?{CARD}")
    assert r.headers["content-type"] == "application/zip"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="estimates_metric-workers_abroad_country-CN' in disposition
    assert disposition.endswith('.zip"')
    bundle = opened(r)
    assert bundle.testzip() is None
    plain = client.get(f"/v1/estimates.csv?{CARD}")
    assert csv_in(bundle) == plain.content
    names = bundle.namelist()
    assert {"metadata.json", "README.txt"} <= set(names)
    assert plain.headers["content-disposition"].split('"')[1] in names


def test_the_bundle_metadata_says_what_when_under_which_licence_and_how_to_cite(client, session):
    version = data_version(session)
    bundle = opened(client.get(f"/v1/estimates.zip?{CARD}"))
    meta = json.loads(bundle.read("metadata.json"))
    assert meta["query"] == {
        "path": "/v1/estimates",
        "parameters": {
            "metric": ["workers_abroad"],
            "country": ["CN"],
            "period_from": ["2019"],
            "period_to": ["2024"],
        },
    }
    assert meta["data_version"] == version > 0
    at = datetime.fromisoformat(meta["downloaded_at"])
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=5)
    assert meta["licence"] == get_settings().licence
    assert meta["url"] == f"{get_settings().base_url}/v1/estimates.zip?{CARD}"
    assert meta["citation"].startswith(get_settings().dataset_title)
    assert f"data version {version}" in meta["citation"] and meta["url"] in meta["citation"]
    assert meta["rows"] == 2


def test_the_bundle_defines_every_csv_column(client):
    bundle = opened(client.get(f"/v1/estimates.zip?{CARD}"))
    header = next(csv.reader(io.StringIO(csv_in(bundle).decode())))
    columns = json.loads(bundle.read("metadata.json"))["columns"]
    assert [c["name"] for c in columns] == header
    assert all(c["meaning"] and c["type"] for c in columns)
    by_name = {c["name"]: c for c in columns}
    assert by_name["period_start"]["type"] == "date (YYYY-MM-DD), or empty"
    assert "Aug 2024" in by_name["period_label"]["meaning"]
    assert by_name["related_to_metric"]["type"] == "text, or empty"
    readme = bundle.read("README.txt").decode()
    assert json.loads(bundle.read("metadata.json"))["citation"] in readme
    assert all(f"  {name} (" in readme for name in header)


def test_a_bundle_by_format_or_accept_is_the_same_bundle(client):
    by_suffix = csv_in(opened(client.get(f"/v1/estimates.zip?{CARD}")))
    by_format = csv_in(opened(client.get(f"/v1/estimates?{CARD}&format=zip")))
    by_accept = opened(client.get(f"/v1/estimates?{CARD}", headers={"Accept": "application/zip"}))
    assert by_suffix == by_format == csv_in(by_accept)


def test_a_bundle_csv_has_a_bom_when_asked(client):
    assert csv_in(opened(client.get(f"/v1/estimates.zip?{CARD}&bom=true"))).startswith(BOM)
    assert not csv_in(opened(client.get(f"/v1/estimates.zip?{CARD}"))).startswith(BOM)


def test_a_bundle_says_what_its_date_range_left_out(client):
    bundle = opened(client.get("/v1/estimates.zip?country=RU&period_from=2018&period_to=2018"))
    meta = json.loads(bundle.read("metadata.json"))
    assert meta["undated_left_out"] == 2 and "undated=only" in meta["undated_url"]
    assert "undated=only" in bundle.read("README.txt").decode()


@pytest.mark.parametrize(
    "path",
    [
        "/v1/countries",
        "/v1/sources",
        "/v1/documents",
        "/v1/metrics",
        "/v1/sectors",
        "/v1/changes",
        "/v1/series?metric=workers_abroad&worldwide=true",
        "/v1/conflicts",
    ],
)
def test_every_list_downloads_as_a_bundle(client, path):
    base, _, query = path.partition("?")
    bundle = opened(client.get(f"{base}.zip" + (f"?{query}" if query else "")))
    plain = client.get(path + ("&" if query else "?") + "format=csv").content
    assert csv_in(bundle) == plain
    header = next(csv.reader(io.StringIO(plain.decode())))
    assert [c["name"] for c in json.loads(bundle.read("metadata.json"))["columns"]] == header


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("period_from=2019-13", "period_from"),
        ("metric=no_such_metric", "metric"),
        ("limit=5", "limit"),
        ("colour=red", "colour"),
        ("bom=sometimes", "bom"),
    ],
)
def test_a_bundle_refuses_what_the_list_refuses(client, query, parameter):
    r = client.get(f"/v1/estimates.zip?{query}")
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["parameter"] == parameter


def test_a_bundle_is_sent_as_it_is_made():
    """The archive goes out piece by piece while the CSV is still being read: a large
    export is never held whole."""
    read = []

    def csv_pages():
        yield b"id\r\n"
        for page in range(3):
            read.append(page)
            yield os.urandom(300_000).hex().encode()  # does not compress away

    request = Request(
        {"type": "http", "method": "GET", "path": "/v1/x", "query_string": b"", "headers": []}
    )
    about = _About(request, "x", [Column("id", "stable id", "text")], {}, 7)
    sent_after = [len(read) for _ in bundle(csv_pages(), _Counted(), about)]
    assert {1, 2} <= set(sent_after)  # pieces sent before the last page was read
    assert sent_after[-1] == 3


def test_a_large_bundle_holds_every_row(client, session):
    for i in range(1200):  # three export pages
        add_estimate(session, f"bulk-{i:04d}", quote=f"Bulk {i}")
    session.flush()
    # Last: an export closes the session, which the test's rows are not committed past.
    bundle_ = opened(client.get("/v1/estimates.zip?q=Bulk"))
    assert len(rows_of(csv_in(bundle_).decode())) == 1200
    assert json.loads(bundle_.read("metadata.json"))["rows"] == 1200
