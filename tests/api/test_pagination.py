"""Paging cursors: the server's own pass, anything else is a 400 naming `cursor`, never a 500."""

import base64

import pytest

from app import auth
from app.config import get_settings
from app.enums import Role
from app.main import create_app
from app.pagination import seal
from tests.api.test_writes import SOURCE, bearer

KNOWN_ESTIMATE = "panel-2024-workers-abroad-2023"

# Every list that pages, by OpenAPI path: its URL up to the cursor (with what it needs
# besides), the sort its cursors are for, the Python types of that sort's value and tie,
# and a valid value and tie as JSON text.
LISTS = {
    "/v1/estimates": ("/v1/estimates?", "period_start", "date", "str", '"2000-01-01"', '"a"'),
    "/v1/estimates/{estimate_id}/history": (
        f"/v1/estimates/{KNOWN_ESTIMATE}/history?",
        "id",
        "int",
        "int",
        "1",
        "1",
    ),
    "/v1/changes": ("/v1/changes?", "id", "int", "int", "1", "1"),
    "/v1/countries": ("/v1/countries?", "code", "str", "str", '"CN"', '"CN"'),
    "/v1/sources": ("/v1/sources?", "id", "str", "str", '"a"', '"a"'),
    "/v1/documents": ("/v1/documents?", "id", "str", "str", '"a"', '"a"'),
    "/v1/metrics": ("/v1/metrics?", "id", "str", "str", '"a"', '"a"'),
    "/v1/sectors": ("/v1/sectors?", "id", "str", "str", '"a"', '"a"'),
    "/v1/series": (
        "/v1/series?metric=workers_abroad&country=CN&",
        "period_start",
        "date",
        "str",
        '"2000-01-01"',
        '"a"',
    ),
    "/v1/conflicts": ("/v1/conflicts?", "pair", "str", "str", '"a"', '"b"'),
    "/v1/candidates": ("/v1/candidates?", "id", "int", "int", "1", "1"),  # an editor's
}
# /v1/estimates sorted by value: the one sort on a float column
BY_VALUE = ("/v1/estimates?sort=value&", "value", "float", "str", "1.5", '"a"')

# JSON a cursor's value or tie of each type must not be (null is valid for nullable sorts,
# so not listed for dates: both date sorts here are nullable or checked by their tie)
BAD_JSON = {
    "str": [
        "5",
        "1e30",
        "9223372036854775808",
        "true",
        "null",
        "[]",
        "{}",
        r'"a\u0000b"',
        r'"\ud800"',
    ],
    "int": [
        '"zzzz"',
        '"5"',
        "1e30",
        "1.5",
        "2147483648",  # past PostgreSQL's `integer`, though inside 64 bits
        "-2147483649",
        "9223372036854775808",
        "-9223372036854775809",
        "true",
        "null",
    ],
    "date": ['"2019-13-01"', '"zzzz"', "5", r'"2019-01-01\u0000"', r'"\ud800"', "true"],
    "float": [
        '"abc"',
        '"x"',
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "9223372036854775808",
        "true",
    ],
}


def forged(url: str, name: str, value_type: str, tie_type: str, value: str, tie: str) -> list[str]:
    """Cursor JSON a list must refuse: each bad tie with a good value, each bad value with a
    good tie, and the tie issue 13 found overflowing SQLite's integers."""
    return [
        *(f'["{name}",{value},{bad}]' for bad in BAD_JSON[tie_type]),
        *(f'["{name}",{bad},{tie}]' for bad in BAD_JSON[value_type]),
        f'["{name}",null,1e30]',
    ]


# (list, its URL up to the cursor, cursor JSON it must refuse): the typed cases for every
# list, then the rest of the 500s of issue 13
SORTS = {**LISTS, "/v1/estimates?sort=value": BY_VALUE}
FORGED = [(key, c[0], forged(*c)) for key, c in SORTS.items()] + [
    ("issue 13: /v1/sources", "/v1/sources?", ['["id",null,5]']),
    ("issue 13: /v1/changes", "/v1/changes?", ['["id",null,"zzzz"]']),
    ("issue 13: sort=value", "/v1/estimates?sort=value&", ['["value","abc","x"]']),
    ("non-null series", LISTS["/v1/series"][0], ['["period_start",null,"a"]']),
]


def unsigned(payload: str) -> str:
    """A cursor of the old, unsigned format: base64url of the JSON."""
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def assert_refused(r, sent: str = "") -> None:
    assert r.status_code == 400, f"{sent}: {r.status_code} {r.text}"
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["parameter"] == "cursor"


def test_the_cases_cover_every_list_that_pages():
    spec = create_app().openapi()
    paging = {
        path
        for path, ops in spec["paths"].items()
        if "get" in ops
        and {"limit", "cursor"} <= {p["name"] for p in ops["get"].get("parameters", [])}
    }
    assert paging == set(LISTS)


def key_for(session, url: str) -> dict[str, str]:
    """The headers a list needs: the review queue is read with an editor's key."""
    if not url.startswith("/v1/candidates"):
        return {}
    key = auth.create_key(session, "pager", Role.editor)
    session.flush()
    return bearer(key)


@pytest.mark.parametrize("case", SORTS.values(), ids=SORTS.keys())
def test_a_signed_cursor_of_valid_values_is_taken(client, session, case):
    # so that the refusals below are for the values, not for the shape of the cursor
    url, name, _, _, value, tie = case
    cursor = seal(f'["{name}",{value},{tie}]'.encode())
    r = client.get(url + "cursor=" + cursor, headers=key_for(session, url))
    assert r.status_code == 200, r.text


# One test per list, not per cursor: a test's app and transaction cost more than its calls.
@pytest.mark.parametrize(("url", "payloads"), [c[1:] for c in FORGED], ids=[c[0] for c in FORGED])
def test_a_signed_cursor_of_ill_typed_values_is_refused(client, session, url, payloads):
    # what someone who knows the built-in key (no CURSOR_SECRET set) could send
    headers = key_for(session, url)
    for payload in payloads:
        r = client.get(url + "cursor=" + seal(payload.encode()), headers=headers)
        assert_refused(r, payload)


@pytest.mark.parametrize(("url", "payloads"), [c[1:] for c in FORGED], ids=[c[0] for c in FORGED])
def test_an_unsigned_cursor_is_refused(client, session, url, payloads):
    headers = key_for(session, url)
    for payload in payloads:
        assert_refused(client.get(url + "cursor=" + unsigned(payload), headers=headers), payload)


@pytest.mark.parametrize(
    "cursor",
    ["not-a-cursor", "AAAA", "A" * 400, "W10", "e30", "a.b", "a+b", "====", unsigned("x" * 16)],
)
def test_garbage_is_refused(client, cursor):
    assert_refused(client.get("/v1/sources", params={"cursor": cursor}))


@pytest.mark.parametrize("index", [0, -1], ids=["payload", "signature"])
def test_a_cursor_with_a_flipped_byte_is_refused(client, index):
    cursor = client.get("/v1/sources?limit=2").json()["meta"]["next_cursor"]
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[index] ^= 1
    flipped = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    assert_refused(client.get(f"/v1/sources?limit=2&cursor={flipped}"))


def test_a_cursor_of_another_sort_is_refused(client):
    cursor = client.get("/v1/estimates?sort=id&limit=2").json()["meta"]["next_cursor"]
    assert client.get(f"/v1/estimates?sort=id&limit=2&cursor={cursor}").status_code == 200
    assert_refused(client.get(f"/v1/estimates?sort=-value&limit=2&cursor={cursor}"))


def test_a_cursor_signed_with_another_secret_is_refused(client, monkeypatch):
    def use_secret(secret: str) -> None:
        monkeypatch.setenv("CURSOR_SECRET", secret)
        get_settings.cache_clear()

    try:
        use_secret("one secret")
        cursor = client.get("/v1/sources?limit=2").json()["meta"]["next_cursor"]
        assert client.get(f"/v1/sources?limit=2&cursor={cursor}").status_code == 200
        use_secret("another secret")
        assert_refused(client.get(f"/v1/sources?limit=2&cursor={cursor}"))
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def pages(client, url: str) -> list[list[str]]:
    """The ids on each page of `url`, following `meta.next`."""
    out = []
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text
        out.append([item["id"] for item in r.json()["data"]])
        url = r.json()["meta"]["next"]
    return out


@pytest.mark.parametrize("sort", ["period_start", "-period_end", "value", "-value", "id"])
def test_next_cursor_pages_through_estimates(client, sort):
    # `value` and the period sorts end with estimates lacking one (a null in the cursor)
    whole = pages(client, f"/v1/estimates?sort={sort}&limit=500")[0]
    paged = pages(client, f"/v1/estimates?sort={sort}&limit=2")
    assert [i for page in paged for i in page] == whole
    assert len(paged) > 1 and all(len(page) == 2 for page in paged[:-1])


def test_next_cursor_pages_through_sources(client):
    whole = pages(client, "/v1/sources?limit=500")[0]
    paged = pages(client, "/v1/sources?limit=2")
    assert [i for page in paged for i in page] == whole and len(paged) > 1


def test_next_cursor_pages_through_changes(client, session):
    editor = auth.create_key(session, "ed", Role.editor)
    session.flush()
    for n in range(3):
        body = SOURCE | {"id": f"test-source-{n}"}
        r = client.post("/v1/sources", json=body, headers=bearer(editor))
        assert r.status_code == 201, r.text
    whole = pages(client, "/v1/changes?limit=500")[0]
    paged = pages(client, "/v1/changes?limit=1")
    assert [i for page in paged for i in page] == whole and len(paged) >= 3


def test_next_links_are_built_from_the_public_url_never_the_host_header(client):
    r = client.get("/v1/estimates?limit=1", headers={"Host": "attacker.example"})
    assert r.status_code == 200
    nxt = r.json()["meta"]["next"]
    assert nxt.startswith("http://127.0.0.1:8000/v1/estimates?")
    assert "attacker.example" not in nxt
