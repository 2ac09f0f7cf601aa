"""Robustness: every operation fuzzed against its own OpenAPI, and a corpus of bad input.

Runs on SQLite and PostgreSQL (the `session` fixture parametrizes over both). Bounded:
ROBUSTNESS_EXAMPLES (default 20) generated cases per operation and mode (a quarter of them
for the negative cases of an operation read by id alone, below), derandomized, so a run
repeats exactly, and none shrunk; a request may take 5 s at most. No case may give a 5xx
or a response its schema does not describe; every bad input is a 4xx problem+json that
names the parameter, and leaves every table as it was.
"""

import functools
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.auth import create_key
from app.config import get_settings
from app.db import get_session, get_write_session
from app.enums import Role
from app.main import create_app
from app.models import Base

EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "20"))
PROBLEM = "application/problem+json"
KNOWN_ESTIMATE = "panel-2024-workers-abroad-2023"


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def app(session: Session) -> FastAPI:
    """The app on the test's session. Each request's session work is rolled back unless the
    route committed it, so a request that failed half-way cannot poison the next one."""

    def one_request() -> Iterator[Session]:
        try:
            yield session
        finally:
            session.rollback()

    application = create_app()
    application.dependency_overrides[get_session] = one_request
    application.dependency_overrides[get_write_session] = one_request
    return application


@pytest.fixture
def admin_key(session: Session) -> str:
    key = create_key(session, "robustness-admin", Role.admin)
    session.commit()  # releases the savepoint; the outer test transaction still rolls back
    return key


@pytest.fixture
def api(app: FastAPI, admin_key: str) -> Iterator[TestClient]:
    with TestClient(
        app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {admin_key}"}
    ) as c:
        yield c


@pytest.fixture(scope="module")
def api_schema() -> Any:
    """The app's OpenAPI as schemathesis reads it, loaded once (each case sends its
    requests to its own app, by `app=`): loaded for each case, FastAPI built the document
    anew for each app and schemathesis read it again, 0.3 s a case, 18 s of the 59."""
    return schemathesis.openapi.from_asgi("/openapi.json", create_app())


def checksum(connection: Connection) -> dict[str, str]:
    """sha256 of every table's rows in primary-key order, by table name."""
    out = {}
    for table in Base.metadata.sorted_tables:
        stmt = select(table).order_by(*table.primary_key.columns)
        h = hashlib.sha256()
        for row in connection.execute(stmt):
            h.update(repr(tuple(row)).encode())
        out[table.name] = h.hexdigest()
    return out


@pytest.fixture
def unchanged(connection: Connection, api: TestClient) -> Iterator[None]:
    """Fails the test if any table differs after it from before it."""
    before = checksum(connection)
    yield
    after = checksum(connection)
    changed = [t for t in before if before[t] != after[t]]
    assert not changed, f"bad input changed tables: {changed}"


# --- schemathesis ---------------------------------------------------------------------------
# Driven through APIOperation.as_strategy with Hypothesis's own @given: schemathesis's pytest
# plugin (@schema.parametrize) fails on pytest 9 ('Function' object has no attribute
# '_nodeid', schemathesis 4.32), and this way every operation is one pytest case per backend.

_SPEC = create_app().openapi()


def only_path_inputs(op: dict[str, Any]) -> bool:
    """Whether an operation's only inputs are path parameters: one resource by its id."""
    return not op.get("requestBody") and all(p["in"] == "path" for p in op.get("parameters", []))


# A negative case of an operation read by id alone can only make the id longer than its
# maxLength (in a path, a number or null is text that a string id accepts), and
# schemathesis throws away every id holding "/", "{" or "}" (it would reach another route):
# past 250 characters (a citation's id) nearly every draw, of ~2,000 characters, is thrown
# away, ~800 of them for 20 examples, 27-49 s where any other case takes 1-3 s (measured:
# the time is all generation; the 20 requests take 0.2 s). Its examples are all of one
# kind, an over-long id answered 400 (the bad-input corpus below sends one of 300
# characters to every such path too), so a quarter of the examples covers it, and
# Hypothesis is told that this filtering is expected.
ID_EXAMPLES = max(1, EXAMPLES // 4)
ID_FILTERING = [HealthCheck.filter_too_much]
# Every case: generation time is the machine's load, not the API's; the budgets bound it.
HEALTH_CHECKS_OFF = [HealthCheck.too_slow]
# A request that takes longer than this fails its case (each takes milliseconds).
DEADLINE = timedelta(seconds=5)


def case_budget(op: dict[str, Any], mode: GenerationMode) -> tuple[int, list[HealthCheck]]:
    """(examples, health checks suppressed) for one operation's case in one mode."""
    if mode is GenerationMode.NEGATIVE and only_path_inputs(op):
        return ID_EXAMPLES, HEALTH_CHECKS_OFF + ID_FILTERING
    return EXAMPLES, HEALTH_CHECKS_OFF


# (method, path, mode, budget): negative cases only where there is something to make invalid
OPERATIONS = [
    pytest.param(
        method.upper(),
        path,
        mode,
        case_budget(op, mode),
        id=f"{method.upper()} {path} {mode.value}",
    )
    for path, ops in _SPEC["paths"].items()
    for method, op in ops.items()
    if method in ("get", "post", "patch", "delete", "put")
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or op.get("parameters") or op.get("requestBody")
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@functools.cache
def warm_extraction() -> None:
    """Load the extraction's language libraries (dateparser's, quantulum3's data: ~12 s on
    first use, once per process), so that the deadline times requests, not the loading."""
    from app.extraction import Vocabulary, extract

    for text in ("0", "About 3,000 workers left in December, the ministry said."):
        extract(text, date(2024, 3, 7), Vocabulary())


@pytest.mark.parametrize(("method", "path", "mode", "budget"), OPERATIONS)
def test_every_operation_answers_within_its_documented_schema(
    api_schema, app, admin_key, method, path, mode, budget
):
    if path.endswith("/extract"):
        warm_extraction()
    operation = api_schema[path][method]
    auth = {"Authorization": f"Bearer {admin_key}"}
    examples, health_checks_off = budget

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        derandomize=True,  # the same cases on every run
        deadline=DEADLINE,
        database=None,
        suppress_health_check=health_checks_off,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: keep the bound
    )
    def run(case):
        case.call_and_validate(headers=auth, checks=CHECKS, app=app)

    run()


# --- the bad-input corpus -------------------------------------------------------------------


def list_operations() -> dict[str, dict[str, Any]]:
    """GET operations returning a list page, by path (template paths included), from the
    app's own OpenAPI — so endpoints added later are covered without editing this file."""
    spec = create_app().openapi()
    out = {}
    for path, ops in spec["paths"].items():
        op = ops.get("get")
        if op is None:
            continue
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        if {"limit", "cursor"} <= names:
            out[path] = op
    return out


# What a list needs before its other parameters are looked at (not marked required in the
# OpenAPI, but enforced): a series is of exactly one metric and one scope.
BASE_QUERY = {"/v1/series": [("metric", "workers_abroad"), ("country", "CN")]}


def concrete(path: str) -> str:
    return path.replace("{estimate_id}", KNOWN_ESTIMATE)


def with_base(path: str, query: str) -> str:
    """`path?query`, with the list's base parameters but the one the query is about."""
    name = query.split("=", 1)[0]
    base = "".join(f"{k}={v}&" for k, v in BASE_QUERY.get(path, []) if k != name)
    return f"{concrete(path)}?{base}{query}"


def _query_param_cases() -> list[tuple[str, str, str]]:
    """(path, query string, the parameter the 400 must name) for every query parameter of
    every list endpoint: NUL bytes, over-long and repeated values, and values of the wrong
    type or outside the enum; plus paging abuse and unknown parameters on each."""
    cases = []
    for path, op in list_operations().items():
        url = path
        cases += [
            (url, "limit=-1", "limit"),
            (url, "limit=0", "limit"),
            (url, "limit=501", "limit"),
            (url, "limit=1e3", "limit"),
            (url, "limit=" + "9" * 40, "limit"),
            (url, "limit=ten", "limit"),
            (url, "limit=1&limit=1", "limit"),
            (url, "cursor=%00", "cursor"),
            (url, "cursor=" + "A" * 600, "cursor"),
            (url, "cursor=not-a-cursor", "cursor"),
            (url, "cursor=W10", "cursor"),  # base64 of []
            (url, "cursor=WyJ4IiwxLDJd", "cursor"),  # ["x",1,2]: another list's cursor
            (url, "cursor=e30", "cursor"),  # {}
            (url, "cursor=%FF%FE", "cursor"),
            (url, "cursor=", "cursor"),
            (url, "count=maybe", "count"),
            (url, "bogus=1", "bogus"),
            (url, "LIMIT=5", "LIMIT"),
            (url, "limit[]=5", "limit[]"),
        ]
        for p in op.get("parameters", []):
            if p["in"] != "query" or p["name"] in ("limit", "cursor", "count"):
                continue
            name = p["name"]
            sch = p.get("schema", {})
            types = {s.get("type") for s in sch.get("anyOf", [sch])} | {
                s.get("items", {}).get("type") for s in sch.get("anyOf", [sch])
            }
            many = "array" in types
            cases.append((url, f"{name}=a%00b", name))
            cases.append((url, f"{name}=a%FFb", name))  # not UTF-8
            cases.append((url, f"{name}={'x' * 501}", name))
            if not many:
                cases.append((url, f"{name}=a&{name}=b", name))
            if types & {"integer", "number", "boolean"} or _enum_of(sch):
                cases.append((url, f"{name}=%27%20OR%201%3D1%20--", name))
            if "format" in json.dumps(sch) and "date-time" in json.dumps(sch):
                cases += [(url, f"{name}=2024-13-01T00:00:00Z", name), (url, f"{name}=99999", name)]
    return cases


def _enum_of(sch: dict[str, Any]) -> bool:
    text = json.dumps(sch)
    return '"enum"' in text or '"$ref"' in text


ESTIMATE_FILTER_CASES = [
    ("period_from=2024-13-01", "period_from"),
    ("period_from=2024-02-30", "period_from"),
    ("period_to=2023-02-29", "period_to"),
    ("period_from=99999", "period_from"),
    ("period_from=0000", "period_from"),
    ("period_to=2024-1-1", "period_to"),
    ("period_to=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94", "period_to"),  # full-width digits
    ("period_from=2024-06&period_to=2024-05", "period_from"),
    ("period_from=2024-06-02&period_to=2024-06-01&match=within", "period_from"),
    ("min_value=inf", "min_value"),
    ("max_value=-infinity", "max_value"),
    ("min_value=1e999", "min_value"),
    ("min_value=0x10", "min_value"),
    ("status=deleted", "status"),
    ("sort=period_start%3BDROP", "sort"),
    ("match=overlap", "match"),
    ("worldwide=yes%00", "worldwide"),
    ("country=%E4%B8%AD%E5%9B%BD", "country"),  # 中国: not an ISO English name
    ("country=CN%00", "country"),
    ("metric=workers_abroad%27--", "metric"),
    ("q=" + "%F0%9F%92%A9" * 201, "q"),  # 201 characters
]


@pytest.mark.parametrize(("url", "query", "param"), _query_param_cases())
def test_bad_query_on_every_list_is_a_400_naming_it(api, unchanged, url, query, param):
    assert_problem(api.get(with_base(url, query)), param, {400})


@pytest.mark.parametrize(("query", "param"), ESTIMATE_FILTER_CASES)
def test_bad_estimate_filter_is_a_400_naming_it(api, unchanged, query, param):
    assert_problem(api.get(f"/v1/estimates?{query}"), param, {400})


INJECTIONS = [
    "' OR '1'='1",
    "'); DELETE FROM estimate; --",
    "1; UPDATE estimate SET low=0",
    "\\' OR 1=1 #",
    "%' OR 'x' LIKE '%",
    "_",
    "%",
    "a' UNION SELECT id, id FROM api_key --",
]


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/v1/documents", "publisher"),
        ("/v1/changes", "resource_type"),
        ("/v1/estimates", "period_from"),
        ("/v1/estimates", "period_to"),
        ("/v1/estimates", "cursor"),
        ("/v1/estimates/" + KNOWN_ESTIMATE + "/history", "cursor"),
    ],
)
def test_sql_injection_in_text_filters_is_refused(api, unchanged, path, param, payload):
    assert_problem(api.get(path, params={param: payload}), param, {400})


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_in_full_text_is_a_plain_string(api, unchanged, payload):
    everything = api.get("/v1/estimates?count=true").json()["meta"]["total"]
    r = api.get("/v1/estimates", params={"q": payload, "count": "true"})
    assert r.status_code == 200, r.text[:300]
    # `%` and `_` are escaped: they match only texts that contain them, never everything
    assert r.json()["meta"]["total"] < everything


@pytest.mark.parametrize(
    "path",
    [
        "/v1/estimates/{}",
        "/v1/estimates/{}/history",
        "/v1/sources/{}",
        "/v1/documents/{}",
        "/v1/citations/{}",
        "/v1/countries/{}",
    ],
)
@pytest.mark.parametrize(
    "ident", ["x" * 300, "%27%20OR%201%3D1%20--", "a%00b", "..%2F..%2Fetc%2Fpasswd"]
)
def test_bad_ids_in_paths_are_4xx_problems(api, unchanged, path, ident):
    r = api.get(path.format(ident))
    assert r.status_code in (400, 404), r.text[:300]
    assert r.headers["content-type"] == PROBLEM
    if r.status_code == 400:
        assert r.json()["parameter"], r.text[:300]


# --- writes ---------------------------------------------------------------------------------

GOOD_SOURCE = {"id": "robust-source", "name": "Robust source", "kind": "ngo"}
GOOD_ESTIMATE: dict[str, Any] = {
    "id": "robust-estimate",
    "metric": "workers_abroad",
    "claimant": "un-panel-of-experts",
    "origin_document": "un-panel-of-experts-2024-report",
    "value": {"kind": "point", "qualifier": "exact", "unit": "persons", "text": "1", "amount": 1},
    "period": {"start": "2021-01-01", "end": "2021-12-31", "precision": "year", "text": "2021"},
    "scope": {"countries": ["RU"]},
    "citations": [{"document": "un-panel-of-experts-2024-report", "quote": "x"}],
}


def _with(base: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(base))
    *parents, last = dotted.split(".")
    node = out
    for p in parents:
        node = node[p]
    node[last] = value
    return out


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("/v1/sources", _with(GOOD_SOURCE, "id", "'; DROP TABLE source; --"), "id"),
    ("/v1/sources", _with(GOOD_SOURCE, "id", "a\x00b"), "id"),
    ("/v1/sources", _with(GOOD_SOURCE, "id", "x" * 121), "id"),
    ("/v1/sources", _with(GOOD_SOURCE, "kind", "cult"), "kind"),
    ("/v1/sources", _with(GOOD_SOURCE, "country", "ZZ"), "country"),
    ("/v1/sources", _with(GOOD_SOURCE, "name", ""), "name"),
    ("/v1/sources", _with(GOOD_SOURCE, "rank", 1), "rank"),
    ("/v1/sources", _with(GOOD_SOURCE, "id", 5), "id"),
    ("/v1/sources", {"name": "no id", "kind": "ngo"}, "id"),
    ("/v1/estimates", _with(GOOD_ESTIMATE, "period.start", "2024-02-30"), "period.start"),
    ("/v1/estimates", _with(GOOD_ESTIMATE, "period.end", "2024-13-01"), "period.end"),
    ("/v1/estimates", _with(GOOD_ESTIMATE, "period.start", "99999-01-01"), "period.start"),
    ("/v1/estimates", _with(GOOD_ESTIMATE, "metric", "' OR 1=1 --"), "metric"),
    ("/v1/estimates", _with(GOOD_ESTIMATE, "value.amount", "NaN"), "value"),
    ("/v1/estimates", _with(GOOD_ESTIMATE, "value.kind", "guess"), "value"),
    ("/v1/estimates", _with(GOOD_ESTIMATE, "scope.countries", ["XX"]), "scope.countries"),
    ("/v1/estimates", _with(GOOD_ESTIMATE, "citations", []), "citations"),
    ("/v1/documents", {"id": "robust-doc", "title": "t", "kind": "book"}, "kind"),
    ("/v1/citations", {"estimate": KNOWN_ESTIMATE, "document": "nope", "quote": "q"}, "document"),
]


@pytest.mark.parametrize(("path", "body", "param"), BAD_BODIES)
def test_bad_write_body_is_a_422_naming_the_field(api, unchanged, path, body, param):
    r = api.post(path, json=body)
    assert_problem(r, None, {400, 404, 409, 422})
    named = r.json()["parameter"] or ""
    assert named == param or named.startswith(param + "."), r.text[:300]


@pytest.mark.parametrize(
    ("path", "content", "content_type"),
    [
        ("/v1/sources", b'{"id": "caf\xe9", "name": "x", "kind": "ngo"}', "application/json"),
        ("/v1/sources", b'{"id": "a", "name": ', "application/json"),
        ("/v1/sources", b'{"id": "a"} trailing', "application/json"),
        ("/v1/sources", b"[1, 2, 3]", "application/json"),
        ("/v1/sources", b"null", "application/json"),
        ("/v1/sources", b"", "application/json"),
        ("/v1/estimates", b"id=x&metric=y", "application/x-www-form-urlencoded"),
        ("/v1/citations", b"<citation/>", "application/xml"),
    ],
)
def test_undecodable_write_body_is_a_4xx_naming_the_body(
    api, unchanged, path, content, content_type
):
    r = api.post(path, content=content, headers={"Content-Type": content_type})
    assert_problem(r, "body", {400, 415, 422})


def test_utf16_json_body_is_read_or_refused_but_never_stored_half(api, unchanged):
    # json.loads detects UTF-16 by its BOM; either way the empty object lacks every field
    r = api.post(
        "/v1/sources", content=b"\xff\xfe{\x00}\x00", headers={"Content-Type": "application/json"}
    )
    assert_problem(r, None, {400, 422})
    assert r.json()["parameter"] in ("body", "id")


@pytest.mark.parametrize("path", ["/v1/sources", "/v1/estimates", "/v1/documents"])
def test_oversized_write_body_is_a_413_naming_the_body(api, unchanged, path):
    limit = get_settings().max_body_bytes
    body = json.dumps(_with(GOOD_SOURCE, "description", "x" * (limit + 1))).encode()
    r = api.post(path, content=body, headers={"Content-Type": "application/json"})
    assert_problem(r, "body", {413})


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", f"/v1/estimates/{KNOWN_ESTIMATE}"),
        ("PATCH", "/v1/sources/un-panel-of-experts"),
        ("DELETE", f"/v1/estimates/{KNOWN_ESTIMATE}"),
        ("DELETE", "/v1/sources/un-panel-of-experts"),
    ],
)
@pytest.mark.parametrize(
    "if_match", [None, '"stale"', "\x7f" * 10, "W/" + "x" * 2000, '"a", "b", ,,', '"*"']
)
def test_writes_without_the_current_etag_change_nothing(api, unchanged, method, path, if_match):
    headers = {"If-Match": if_match} if if_match is not None else {}
    body = {"notes": "changed"} if "estimates" in path else {"name": "changed"}
    if method == "PATCH":
        r = api.request(method, path, json=body, headers=headers)
    else:
        r = api.request(method, path, headers=headers)
    # a bare `*` matches any ETag (a real write, left out here); a quoted "*" is just a tag
    assert r.status_code in (412, 428), r.text[:300]
    assert r.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "Bearer",
        "Bearer dlk_x_y",
        "Basic dXNlcjpwYXNz",
        "Bearer ' OR 1=1 --",
        "Bearer " + "A" * 5000,
    ],
)
def test_writes_without_a_valid_key_change_nothing(app, unchanged, auth):
    headers = {"Authorization": auth} if auth is not None else {}
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        r = anonymous.post("/v1/sources", json=GOOD_SOURCE, headers=headers)
    assert r.status_code == 401, r.text[:300]
    assert r.headers["content-type"] == PROBLEM


def assert_problem(r: Any, param: str | None, statuses: set[int]) -> None:
    """A problem+json with one of `statuses` naming `param` (when given)."""
    assert r.status_code in statuses, (
        f"{r.request.method} {str(r.request.url)[:200]}: {r.status_code} {r.text[:300]}"
    )
    assert r.headers["content-type"] == PROBLEM, r.headers["content-type"]
    body = r.json()
    assert body["status"] == r.status_code
    if param is not None:
        assert body["parameter"] == param, (
            f"{r.request.method} {r.request.url}: parameter {body['parameter']!r}, "
            f"expected {param!r}: {body['detail']}"
        )
