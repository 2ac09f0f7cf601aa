"""The review queue (issue 18 §2): extract candidate figures from a stored text, list them,
accept them (with corrections) through the one write path or reject them, each step in the
audit log; bad input and decided candidates are clear problems."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app import records
from app.enums import CandidateStatus
from app.models import Candidate, Change, Estimate
from app.models.candidates import CANDIDATE
from tests.api.test_writes import SOURCE, assert_problem, bearer, keys  # noqa: F401

PANEL = "panel-2024-workers-abroad-2023"
DOC_ID = "test-ministry-2024-briefing"
ECHO = "The Panel said around 100,000 North Korean workers were still abroad in 2023."
FIGURE = "The ministry said 3,000 North Korean workers arrived in Russia in 2023."
RELATIVE = "More than 400 workers were sent home from Vladivostok in December, residents said."
TEXT = f"{FIGURE} {ECHO} {RELATIVE} Resolution 2397 was adopted in December 2017."
DOCUMENT = {
    "id": DOC_ID,
    "title": "Briefing",
    "kind": "statement",
    "publisher": "test-ministry",
    "published_on": "2024-03-07",
    "published_precision": "day",
    "full_text": TEXT,
}
# A proposal as the extraction makes one, for the candidates a test queues directly.
PROPOSAL = {
    "value": {
        "kind": "point",
        "qualifier": "exact",
        "unit": "persons",
        "text": "3,000",
        "amount": 3000,
    },
    "interval": {"low": 3000, "high": 3000, "rule": "exact"},
    "period": {"start": "2023-01-01", "end": "2023-12-31", "precision": "year", "text": "in 2023"},
    "period_resolved": False,
    "scope": {"worldwide": False, "countries": ["RU"]},
    "sectors": [],
    "population": "all",
    "claimant": "test-ministry",
    "claimant_text": "The ministry said",
    "metric": "workers_dispatched",
    "metric_confidence": 0.6,
    "warnings": ["metric guessed from 'arrived'"],
    "echo_of": None,
}


@pytest.fixture
def editor(client, keys):  # noqa: F811
    """An editor's key, with the test source and its document (with TEXT) stored."""
    key = keys["editor"]
    for path, body in (("/v1/sources", SOURCE), ("/v1/documents", DOCUMENT)):
        r = client.post(path, json=body, headers=bearer(key))
        assert r.status_code == 201, r.text
    return key


def queue(session, quote: str = FIGURE, **fields: object) -> int:
    """Put a pending candidate of the test document in the queue (a test factory), as the
    extraction would propose it unless `fields` say otherwise; its id."""
    start = TEXT.index(quote)
    row = Candidate(
        document_id=DOC_ID,
        status=CandidateStatus.pending,
        quote_start=start,
        quote_end=start + len(quote),
        quote=quote,
        text_sha256=records.text_digest(TEXT)["sha256"],
        extracted_at=datetime.now(UTC),
        extracted_by="ed",
        **(PROPOSAL | fields),
    )
    session.add(row)
    session.flush()
    return row.id


def candidate_changes(session) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(Change.action, Change.resource_id, Change.actor)
        .where(Change.resource_type == CANDIDATE)
        .order_by(Change.id)
    )
    return [tuple(r) for r in rows]


# --- extraction ------------------------------------------------------------------------


def test_extract_queues_each_figure_as_pending_with_its_verbatim_quote(client, session, editor):
    r = client.post(f"/v1/documents/{DOC_ID}/extract", headers=bearer(editor))
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"/v1/candidates?document={DOC_ID}"
    found = r.json()["data"]
    assert found, "the extraction found nothing"
    for c in found:
        assert c["status"] == "pending" and c["document"] == DOC_ID
        assert TEXT[c["start"] : c["end"]] == c["quote"]
        assert c["links"]["self"].endswith(f"/v1/candidates/{c['id']}")
    figure = [c for c in found if "3,000" in c["quote"]]
    assert len(figure) == 1 and figure[0]["value"]["kind"] == "point"
    assert not [c for c in found if "2397" in c["value"]["text"]], "a resolution number"
    listed = client.get(f"/v1/candidates?document={DOC_ID}", headers=bearer(editor)).json()
    assert [c["id"] for c in listed["data"]] == [c["id"] for c in found]
    assert candidate_changes(session) == [("create", str(c["id"]), "ed") for c in found]


def test_the_panels_figure_repeated_is_proposed_as_an_echo(client, editor):
    found = client.post(f"/v1/documents/{DOC_ID}/extract", headers=bearer(editor)).json()["data"]
    (echo,) = [c for c in found if "100,000" in c["quote"]]
    assert echo["echo_of"] == PANEL


def test_a_document_dated_only_to_its_year_leaves_relative_periods_unknown(client, editor):
    body = DOCUMENT | {"id": "test-ministry-2024", "published_on": "2024-01-01"}
    body |= {"published_precision": "year"}
    assert client.post("/v1/documents", json=body, headers=bearer(editor)).status_code == 201
    r = client.post("/v1/documents/test-ministry-2024/extract", headers=bearer(editor))
    (relative,) = [c for c in r.json()["data"] if c["quote"] == RELATIVE]
    # not read against 1 January 2024 (as December 2023): the month is not known to follow
    assert not relative["period_resolved"] and relative["period"]["start"] != "2023-12-01"
    (figure,) = [c for c in r.json()["data"] if c["quote"] == FIGURE]
    assert figure["period"]["start"] == "2023-01-01"  # "in 2023" needs no date to be read


def test_extracting_again_queues_nothing_twice(client, session, editor):
    first = client.post(f"/v1/documents/{DOC_ID}/extract", headers=bearer(editor)).json()["data"]
    again = client.post(f"/v1/documents/{DOC_ID}/extract", headers=bearer(editor))
    assert again.status_code == 201
    assert [c["id"] for c in again.json()["data"]] == [c["id"] for c in first]
    assert session.scalar(select(func.count()).select_from(Candidate)) == len(first)


def test_a_document_without_a_stored_text_is_a_409_saying_so(client, editor):
    body = DOCUMENT | {"id": "test-ministry-no-text", "full_text": None}
    assert client.post("/v1/documents", json=body, headers=bearer(editor)).status_code == 201
    r = client.post("/v1/documents/test-ministry-no-text/extract", headers=bearer(editor))
    assert_problem(r, 409)
    assert "no stored text" in r.json()["detail"]


def test_extracting_an_unknown_document_is_a_404(client, editor):
    assert_problem(client.post("/v1/documents/no-such/extract", headers=bearer(editor)), 404)


def test_a_preview_extracts_a_given_text_and_stores_nothing(client, session, editor):
    r = client.post(
        "/v1/extract",
        json={"text": FIGURE, "published_on": "2024-03-07"},
        headers=bearer(editor),
    )
    assert r.status_code == 200, r.text
    (c,) = r.json()["data"]
    assert FIGURE[c["start"] : c["end"]] == c["quote"] and "id" not in c
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0
    assert candidate_changes(session) == []


def test_a_preview_text_over_the_body_limit_is_a_413(client, editor):
    r = client.post("/v1/extract", json={"text": "x" * 1_100_000}, headers=bearer(editor))
    assert_problem(r, 413)


def test_an_empty_preview_text_is_a_422_naming_it(client, editor):
    assert_problem(
        client.post("/v1/extract", json={"text": ""}, headers=bearer(editor)), 422, "text"
    )


def test_an_editor_accepts_two_rejects_one_and_finds_the_figures_with_their_quotes(client, editor):
    found = client.post(f"/v1/documents/{DOC_ID}/extract", headers=bearer(editor)).json()["data"]
    figure, echo, relative = (
        next(c for c in found if c["quote"] == quote) for quote in (FIGURE, ECHO, RELATIVE)
    )
    assert relative["period_resolved"] and relative["period"]["start"] == "2023-12-01"
    assert relative["value"]["kind"] == "lower_bound" and relative["scope"]["countries"] == ["RU"]
    accepted = client.post(
        f"/v1/candidates/{figure['id']}/accept",
        json={"id": "test-ministry-arrivals-2023", "claimant": "test-ministry"},
        headers=bearer(editor),
    )
    assert accepted.status_code == 201, accepted.text
    cited = client.post(f"/v1/candidates/{echo['id']}/accept", headers=bearer(editor))
    assert cited.status_code == 201, cited.text
    rejected = client.post(
        f"/v1/candidates/{relative['id']}/reject",
        json={"reason": "residents' hearsay"},
        headers=bearer(editor),
    )
    assert rejected.status_code == 200, rejected.text

    listed = client.get(f"/v1/estimates?document={DOC_ID}").json()["data"]
    assert {e["id"] for e in listed} == {"test-ministry-arrivals-2023", PANEL}
    quotes = {
        e["id"]: [c["quote"] for c in client.get(f"/v1/estimates/{e['id']}").json()["citations"]]
        for e in listed
    }
    assert quotes["test-ministry-arrivals-2023"] == [FIGURE] and ECHO in quotes[PANEL]
    decided = client.get(f"/v1/candidates?document={DOC_ID}", headers=bearer(editor)).json()
    by_id = {c["id"]: c["status"] for c in decided["data"]}
    assert [by_id[c["id"]] for c in (figure, echo, relative)] == [
        "accepted",
        "accepted",
        "rejected",
    ]


# --- keys --------------------------------------------------------------------------------

ROUTES = [
    ("POST", f"/v1/documents/{DOC_ID}/extract", None),
    ("POST", "/v1/extract", {"text": FIGURE}),
    ("GET", "/v1/candidates", None),
    ("GET", "/v1/candidates/1", None),
    ("POST", "/v1/candidates/1/accept", None),
    ("POST", "/v1/candidates/1/reject", {"reason": "no"}),
]


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_every_route_needs_a_valid_key_reads_included(client, editor, keys, method, url, body):  # noqa: F811
    for headers in ({}, bearer(keys["revoked"]), bearer("dlk_not_a_key")):
        r = client.request(method, url, json=body, headers=headers)
        assert_problem(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer")


# --- reading the queue -------------------------------------------------------------------


def test_the_queue_filters_by_document_and_status(client, session, editor):
    pending, rejected = queue(session), queue(session, ECHO)
    assert (
        client.post(
            f"/v1/candidates/{rejected}/reject", json={"reason": "an echo"}, headers=bearer(editor)
        ).status_code
        == 200
    )

    def ids(query: str) -> list[int]:
        r = client.get(f"/v1/candidates?{query}", headers=bearer(editor))
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()["data"]]

    assert ids(f"document={DOC_ID}") == [pending, rejected]
    assert ids("status=pending") == [pending]
    assert ids("status=rejected&status=accepted") == [rejected]
    assert ids(f"document={DOC_ID}&limit=1")[0] == pending
    assert ids("document=un-panel-of-experts-2024-report") == []


def test_one_candidate_reads_with_its_proposal(client, session, editor):
    ident = queue(session)
    r = client.get(f"/v1/candidates/{ident}", headers=bearer(editor))
    assert r.status_code == 200
    got = r.json()
    assert got["quote"] == FIGURE and got["value"] == PROPOSAL["value"]
    assert got["status"] == "pending" and got["decided_at"] is None
    assert r.headers["cache-control"].startswith("private")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=done", "status"),
        ("document=no-such-document", "document"),
        ("colour=red", "colour"),
        ("limit=0", "limit"),
    ],
)
def test_bad_queue_queries_are_400s_naming_the_parameter(client, editor, query, parameter):
    r = client.get(f"/v1/candidates?{query}", headers=bearer(editor))
    assert_problem(r, 400, parameter)


def test_an_unknown_candidate_is_a_404(client, editor):
    assert_problem(client.get("/v1/candidates/999999", headers=bearer(editor)), 404)
    assert_problem(client.get("/v1/candidates/99999999999", headers=bearer(editor)), 400)


# --- accepting ---------------------------------------------------------------------------


def test_accept_with_a_correction_creates_the_estimate_with_its_verbatim_quote(
    client, session, editor
):
    ident = queue(session)
    r = client.post(
        f"/v1/candidates/{ident}/accept",
        json={"id": "test-ministry-arrivals-2023", "metric": "workers_abroad", "locator": "para 1"},
        headers=bearer(editor),
    )
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/v1/estimates/test-ministry-arrivals-2023"
    decided = r.json()
    assert decided["status"] == "accepted" and decided["decided_by"] == "ed"
    assert decided["estimate_id"] == "test-ministry-arrivals-2023"
    estimate = client.get("/v1/estimates/test-ministry-arrivals-2023").json()
    assert estimate["metric"]["id"] == "workers_abroad"  # the correction
    assert estimate["value"]["low"] == 3000 and estimate["claimant"]["id"] == "test-ministry"
    (citation,) = estimate["citations"]
    assert citation["quote"] == FIGURE and citation["locator"] == "para 1"
    assert citation["id"] == decided["citation_id"]
    steps = session.execute(
        select(Change.resource_type, Change.action, Change.actor)
        .where(Change.resource_type.in_(["estimate", CANDIDATE]))
        .order_by(Change.id)
    ).all()
    assert [tuple(s) for s in steps][-2:] == [
        ("estimate", "create", "ed"),
        (CANDIDATE, "update", "ed"),
    ]


def test_accept_as_proposed_makes_an_id_from_the_document_metric_and_number(
    client, session, editor
):
    ident = queue(session)
    r = client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor))
    assert r.status_code == 201, r.text
    made = f"{DOC_ID}-workers-dispatched-{ident}"
    assert r.json()["estimate_id"] == made
    assert client.get(f"/v1/estimates/{made}").json()["metric"]["id"] == "workers_dispatched"


def test_a_relative_period_is_noted_as_read_against_the_documents_date(client, session, editor):
    ident = queue(session, period_resolved=True)
    r = client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor))
    notes = client.get(f"/v1/estimates/{r.json()['estimate_id']}").json()["notes"]
    assert notes == "The period (in 2023) is read against the document's date, 2024-03-07."


def test_accepting_an_echo_cites_the_estimate_it_repeats(client, session, editor):
    before = client.get(f"/v1/estimates/{PANEL}").json()["citations"]
    ident = queue(session, ECHO, echo_of=PANEL, metric="workers_abroad")
    r = client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor))
    assert r.status_code == 201, r.text
    citation = r.json()["citation_id"]
    assert r.headers["location"] == f"/v1/citations/{citation}"
    after = client.get(f"/v1/estimates/{PANEL}").json()["citations"]
    assert len(after) == len(before) + 1
    assert {"id": citation, "quote": ECHO} in [{"id": c["id"], "quote": c["quote"]} for c in after]
    assert session.get(Estimate, f"{DOC_ID}-workers-abroad-{ident}") is None


def test_an_echo_of_a_quote_its_estimate_cites_already_is_a_409(client, session, editor):
    first, again = queue(session, ECHO, echo_of=PANEL), queue(session, ECHO, echo_of=PANEL)
    assert client.post(f"/v1/candidates/{first}/accept", headers=bearer(editor)).status_code == 201
    r = client.post(f"/v1/candidates/{again}/accept", headers=bearer(editor))
    assert_problem(r, 409)
    assert "cites this quote" in r.json()["detail"]


def test_an_echo_accepted_with_echo_of_null_becomes_a_new_estimate(client, session, editor):
    ident = queue(
        session, ECHO, echo_of=PANEL, metric="workers_abroad", claimant="un-panel-of-experts"
    )
    r = client.post(
        f"/v1/candidates/{ident}/accept",
        json={
            "echo_of": None,
            "id": "test-briefing-panel-figure",
            "value": {
                "kind": "point",
                "qualifier": "about",
                "unit": "persons",
                "text": "around 100,000",
                "amount": 100000,
            },
        },
        headers=bearer(editor),
    )
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/v1/estimates/test-briefing-panel-figure"


def test_an_echo_takes_no_estimate_corrections(client, session, editor):
    ident = queue(session, ECHO, echo_of=PANEL)
    r = client.post(
        f"/v1/candidates/{ident}/accept", json={"metric": "workers_abroad"}, headers=bearer(editor)
    )
    assert_problem(r, 422, "metric")
    assert "echo_of: null" in r.json()["detail"]


def test_accepting_twice_is_a_409(client, session, editor):
    ident = queue(session)
    assert client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor)).status_code == 201
    r = client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor))
    assert_problem(r, 409)
    assert "accepted already" in r.json()["detail"]
    r = client.post(f"/v1/candidates/{ident}/reject", json={"reason": "x"}, headers=bearer(editor))
    assert_problem(r, 409)


def test_accepting_after_the_documents_text_changed_is_a_409(client, session, editor):
    ident = queue(session)
    url = f"/v1/documents/{DOC_ID}"
    etag = client.get(url).headers["etag"]
    r = client.patch(
        url, json={"full_text": TEXT + " Updated."}, headers=bearer(editor) | {"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    r = client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor))
    assert_problem(r, 409)
    assert "text changed" in r.json()["detail"]
    assert session.get(Candidate, ident).status is CandidateStatus.pending


def test_an_incomplete_candidate_is_a_422_naming_what_to_send(client, session, editor):
    ident = queue(session, metric=None, claimant=None)
    r = client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor))
    assert_problem(r, 422, "metric")
    assert [p["name"] for p in r.json()["invalid_params"]] == ["metric", "claimant"]
    r = client.post(
        f"/v1/candidates/{ident}/accept",
        json={"metric": "workers_dispatched", "claimant": "test-ministry"},
        headers=bearer(editor),
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("correction", "field"),
    [
        (
            {"value": {"kind": "point", "qualifier": "exact", "unit": "persons", "text": "3,000"}},
            "value",
        ),
        ({"claimant": "no-such-source"}, "claimant"),
        ({"metric": "no_such_metric"}, "metric"),
        ({"colour": "red"}, "colour"),
        ({"id": "panel-2024-workers-abroad-2023"}, "id"),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(
    client, session, editor, correction, field
):
    ident = queue(session)
    before = session.scalar(select(func.count()).select_from(Change))
    r = client.post(f"/v1/candidates/{ident}/accept", json=correction, headers=bearer(editor))
    assert r.status_code in (409, 422), r.text
    assert_problem(r, r.status_code, field)
    assert session.get(Candidate, ident).status is CandidateStatus.pending
    assert session.scalar(select(func.count()).select_from(Change)) == before


# --- rejecting ---------------------------------------------------------------------------


def test_reject_keeps_the_reason_and_the_step(client, session, editor):
    ident = queue(session)
    r = client.post(
        f"/v1/candidates/{ident}/reject", json={"reason": "counted twice"}, headers=bearer(editor)
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected" and r.json()["reason"] == "counted twice"
    assert candidate_changes(session)[-1] == ("update", str(ident), "ed")
    assert_problem(client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor)), 409)


def test_a_rejection_needs_a_reason(client, session, editor):
    ident = queue(session)
    for body in ({}, {"reason": "  "}):
        r = client.post(f"/v1/candidates/{ident}/reject", json=body, headers=bearer(editor))
        assert_problem(r, 422, "reason")


# --- the rest of the API -----------------------------------------------------------------


def test_the_public_changes_feed_leaves_the_queues_steps_out(client, session, editor):
    ident = queue(session)
    client.post(f"/v1/candidates/{ident}/reject", json={"reason": "no"}, headers=bearer(editor))
    assert candidate_changes(session), "the audit log holds the steps"
    shown, cursor = set(), None
    while True:
        params = {"limit": 500} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/changes", params=params).json()
        shown |= {c["resource_type"] for c in page["data"]}
        cursor = page["meta"]["next_cursor"]
        if not cursor:
            break
    assert "document" in shown and CANDIDATE not in shown


def test_reads_as_of_a_version_skip_the_queue_and_show_what_it_made(client, session, editor):
    ident = queue(session)
    before = client.get("/v1/estimates?limit=1").json()["meta"]["data_version"]
    r = client.post(f"/v1/candidates/{ident}/accept", headers=bearer(editor))
    made = r.json()["estimate_id"]
    after = client.get("/v1/estimates?limit=1").json()["meta"]["data_version"]
    assert client.get(f"/v1/estimates/{made}?as_of={after}").status_code == 200
    assert_problem(client.get(f"/v1/estimates/{made}?as_of={before}"), 404)


def test_on_a_live_server_the_queue_is_never_cached_and_an_acceptance_shows_at_once(
    new_database,
):
    import httpx
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from tests.conftest import live_server, seed_database

    url = new_database("sqlite")
    key = seed_database(url, editor="ed")
    assert key is not None
    with live_server(url) as base, httpx.Client(base_url=base, headers=bearer(key)) as c:
        for path, body in (("/v1/sources", SOURCE), ("/v1/documents", DOCUMENT)):
            assert c.post(path, json=body).status_code == 201
        engine = make_engine(url)
        with Session(engine) as session:
            ident = queue(session)
            session.commit()
        engine.dispose()
        for _ in range(2):
            r = c.get("/v1/candidates")
            assert r.status_code == 200 and [x["id"] for x in r.json()["data"]] == [ident]
            assert "x-cache" not in r.headers and r.headers["cache-control"].startswith("private")
        listed = f"/v1/estimates?document={DOC_ID}"
        public = httpx.Client(base_url=base)
        assert public.get(listed).json()["data"] == []
        assert public.get(listed).headers["x-cache"] == "hit"
        assert c.post(f"/v1/candidates/{ident}/accept").status_code == 201
        after = public.get(listed)
        assert after.headers["x-cache"] == "miss"
        assert [e["id"] for e in after.json()["data"]] == [f"{DOC_ID}-workers-dispatched-{ident}"]
        public.close()


def test_of_concurrent_acceptances_of_one_candidate_exactly_one_wins(backend, new_database):
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from tests.conftest import live_server, seed_database

    url = new_database(backend)
    key = seed_database(url, editor="ed")
    assert key is not None
    with live_server(url) as base, httpx.Client(base_url=base, headers=bearer(key)) as c:
        for path, body in (("/v1/sources", SOURCE), ("/v1/documents", DOCUMENT)):
            assert c.post(path, json=body).status_code == 201
        engine = make_engine(url)
        with Session(engine) as session:
            ident = queue(session)
            session.commit()
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: c.post(f"/v1/candidates/{ident}/accept"), range(4)))
        assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
        with Session(engine) as session:
            made = session.scalars(select(Estimate.id).where(Estimate.origin_document_id == DOC_ID))
            assert list(made) == [f"{DOC_ID}-workers-dispatched-{ident}"]
            assert [a for a, *_ in candidate_changes(session)] == ["update"]
        engine.dispose()
