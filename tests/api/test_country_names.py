"""Country names as people type them: aliases, adjectives, accents; ambiguity and typos."""

from urllib.parse import quote

import pycountry
import pytest

from app.country_names import (
    ALIASES,
    AmbiguousCountry,
    UnknownCountry,
    names,
    normalize,
    resolve,
)

TYPED = {
    "Russia": "RU",
    "Laos": "LA",
    "Iran": "IR",
    "Syria": "SY",
    "Vietnam": "VN",
    "South Korea": "KR",
    "North Korea": "KP",
    "DPRK": "KP",
    "UAE": "AE",
    "Türkiye": "TR",
    "Turkey": "TR",
    "Czechia": "CZ",
    "Moldova": "MD",
    "Bolivia": "BO",
    "Tanzania": "TZ",
    "Venezuela": "VE",
    "Britain": "GB",
    "UK": "GB",
    "U.K.": "GB",
    "USA": "US",
    "US": "US",
    "America": "US",
    "Ivory Coast": "CI",
    "Côte d’Ivoire": "CI",
    "Congo-Brazzaville": "CG",
    "Congo-Kinshasa": "CD",
    "DRC": "CD",
    "Democratic Republic of the Congo": "CD",
    "Burma": "MM",
    "Macau": "MO",
    "Macao": "MO",
    "Taiwan": "TW",
    "Palestine": "PS",
    "Vatican": "VA",
    "Micronesia": "FM",
    "Guinea": "GN",
    "Sudan": "SD",
    "Russian": "RU",
    "Chinese": "CN",
    "Qatari": "QA",
    "Emirati": "AE",
    "Mongolian": "MN",
    "Polish": "PL",
    "Kuwaiti": "KW",
    "the Gambia": "GM",
    "St. Lucia": "LC",
    "Bosnia & Herzegovina": "BA",
    "Russian Federation": "RU",
    "rus": "RU",
    "643": "RU",
    "68": "BO",
}

AMBIGUOUS = {
    "Korea": ["KP", "KR"],
    "Congo": ["CD", "CG"],
    "Korean": ["KP", "KR"],
    "Congolese": ["CD", "CG"],
    "Dominican": ["DM", "DO"],
    "Virgin Islands": ["VG", "VI"],
}


@pytest.mark.parametrize(("text", "code"), TYPED.items())
def test_resolver_knows_names_as_typed(text, code):
    assert resolve(text) == code


@pytest.mark.parametrize("text", ["TURKIYE", "turkiye", "Türkiye", "  türkiye  ", "TüRkIyE"])
def test_resolver_ignores_case_accents_and_spaces(text):
    assert resolve(text) == "TR"


@pytest.mark.parametrize(
    "text", ["Cote d'Ivoire", "cote divoire", "CÔTE D'IVOIRE", "Côte  d’Ivoire", "cote-d-ivoire"]
)
def test_resolver_ignores_punctuation(text):
    assert resolve(text) == "CI"


@pytest.mark.parametrize(("text", "codes"), AMBIGUOUS.items())
def test_resolver_refuses_a_name_several_countries_share(text, codes):
    with pytest.raises(AmbiguousCountry) as exc:
        resolve(text)
    assert exc.value.candidates == codes


def test_resolver_suggests_but_does_not_resolve_a_typo():
    with pytest.raises(UnknownCountry) as exc:
        resolve("Rusia")
    assert exc.value.suggestions[0] == "RU"
    with pytest.raises(UnknownCountry) as exc:
        resolve("Atlantis")
    assert exc.value.suggestions == []


@pytest.mark.parametrize("text", ["CN\x00", "South\tKorea", "RU\u200b"])
def test_resolver_refuses_control_characters(text):
    with pytest.raises(UnknownCountry):
        resolve(text)


def test_every_iso_name_resolves_to_its_country_unless_shared():
    for c in pycountry.countries:
        for field in ("name", "official_name", "common_name"):
            name = getattr(c, field, None)
            if name and name not in AMBIGUOUS:
                assert resolve(name) == c.alpha_2, name


def test_every_alias_names_one_country_unless_listed_as_ambiguous():
    for code, aliases in ALIASES.items():
        for alias in aliases:
            if alias in AMBIGUOUS:
                assert code in AMBIGUOUS[alias]
            else:
                assert resolve(alias) == code, alias
    shared = {key for key, codes in names().items() if len(codes) > 1}
    assert shared == {normalize(key) for key in AMBIGUOUS}


def test_country_path_takes_names(client):
    for text, code in TYPED.items():
        r = client.get(f"/v1/countries/{quote(text, safe='')}")
        assert r.status_code == 200 and r.json()["code"] == code, text


def test_estimates_by_name_are_the_estimates_by_code(client):
    by_code = client.get("/v1/estimates?country=RU&limit=500").json()["data"]
    assert by_code
    for text in ["Russia", "russian", "Russian Federation", "RUS"]:
        by_name = client.get(f"/v1/estimates?country={quote(text)}&limit=500").json()["data"]
        assert [e["id"] for e in by_name] == [e["id"] for e in by_code], text


def test_series_take_names(client):
    by_code = client.get("/v1/series?metric=workers_abroad&country=RU").json()
    by_name = client.get("/v1/series?metric=workers_abroad&country=Russia").json()
    assert by_name["data"] and by_name["data"] == by_code["data"]


def test_ambiguous_country_is_a_400_listing_the_candidates(client):
    r = client.get("/v1/estimates?country=Korea")
    body = r.json()
    assert r.status_code == 400 and body["parameter"] == "country"
    assert body["invalid_params"][0]["reason"] == (
        "'Korea' could be KP (North Korea) or KR (South Korea); say which"
    )


def test_ambiguous_country_in_the_path_names_the_path_parameter(client):
    r = client.get("/v1/countries/congo")
    body = r.json()
    assert r.status_code == 400 and body["parameter"] == "code"
    assert body["invalid_params"][0]["location"] == "path"
    assert "CD (" in body["detail"] and "CG (" in body["detail"]


def test_typo_is_a_400_suggesting_the_close_name(client):
    r = client.get("/v1/estimates?country=Rusia")
    body = r.json()
    assert r.status_code == 400 and body["parameter"] == "country"
    assert "did you mean RU (Russian Federation)?" in body["detail"]
    r = client.get("/v1/countries/Rusia")
    assert r.status_code == 400 and r.json()["parameter"] == "code"


def test_unknown_country_is_a_400_without_a_guess(client):
    r = client.get("/v1/estimates?country=Atlantis")
    body = r.json()
    assert r.status_code == 400 and body["parameter"] == "country"
    assert "did you mean" not in body["detail"] and "/v1/countries" in body["detail"]
