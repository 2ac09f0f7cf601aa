"""Country names as people type them → ISO 3166-1 alpha-2, through pycountry's names and
one alias table; a name several countries share is ambiguous, never a guess."""

import difflib
import re
import unicodedata
from functools import cache

import pycountry

# Names pycountry lacks, by the country they name. Entries: CLDR's English short and
# variant territory names (UK, US, Congo - Kinshasa, Myanmar (Burma), Turkey, Ivory Coast,
# Cape Verde, East Timor), former names still in common use (Burma, Swaziland, Macedonia,
# Persia), and the national adjectives of the CIA World Factbook's "Nationality" field. An
# adjective two countries share (Korean, Congolese, Dominican) is listed under both, which
# makes it ambiguous rather than a coin toss.
ALIASES: dict[str, tuple[str, ...]] = {
    "AE": ("UAE", "Emirates", "Emirati"),
    "AF": ("Afghan",),
    "AL": ("Albanian",),
    "AM": ("Armenian",),
    "AO": ("Angolan",),
    "AR": ("Argentine", "Argentinian"),
    "AT": ("Austrian",),
    "AU": ("Australian",),
    "AZ": ("Azerbaijani",),
    "BA": ("Bosnia", "Bosnian"),
    "BD": ("Bangladeshi",),
    "BE": ("Belgian",),
    "BG": ("Bulgarian",),
    "BH": ("Bahraini",),
    "BN": ("Brunei", "Bruneian"),
    "BO": ("Bolivian",),
    "BR": ("Brazilian",),
    "BY": ("Belarusian",),
    "CA": ("Canadian",),
    "CC": ("Cocos Islands", "Keeling Islands"),
    "CD": ("Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa", "Congolese"),
    "CG": ("Congo-Brazzaville", "Congolese"),
    "CH": ("Swiss",),
    "CI": ("Ivory Coast", "Ivorian"),
    "CL": ("Chilean",),
    "CN": ("Chinese", "PRC"),
    "CO": ("Colombian",),
    "CU": ("Cuban",),
    "CV": ("Cape Verde", "Cape Verdean"),
    "CY": ("Cypriot",),
    "CZ": ("Czech",),
    "DE": ("German",),
    "DK": ("Danish",),
    "DM": ("Dominican",),
    "DO": ("Dominican",),
    "DZ": ("Algerian",),
    "EC": ("Ecuadorian",),
    "EE": ("Estonian",),
    "EG": ("Egyptian",),
    "ES": ("Spanish",),
    "ET": ("Ethiopian",),
    "FI": ("Finnish",),
    "FJ": ("Fijian",),
    "FK": ("Falklands", "Malvinas"),
    "FM": ("Micronesian",),
    "FR": ("French",),
    "GB": ("UK", "Britain", "Great Britain", "British"),
    "GE": ("Georgian",),
    "GH": ("Ghanaian",),
    "GN": ("Guinean",),
    "GQ": ("Equatorial Guinean",),
    "GR": ("Greek",),
    "GW": ("Bissau-Guinean",),
    "HR": ("Croatian",),
    "HU": ("Hungarian",),
    "ID": ("Indonesian",),
    "IE": ("Irish",),
    "IL": ("Israeli",),
    "IN": ("Indian",),
    "IQ": ("Iraqi",),
    "IR": ("Persia", "Iranian"),
    "IT": ("Italian",),
    "JO": ("Jordanian",),
    "JP": ("Japanese",),
    "KE": ("Kenyan",),
    "KG": ("Kyrgyz",),
    "KH": ("Cambodian",),
    "KP": ("DPRK", "North Korean", "Korean"),
    "KR": ("Republic of Korea", "ROK", "South Korean", "Korean"),
    "KW": ("Kuwaiti",),
    "KZ": ("Kazakh", "Kazakhstani"),
    "LA": ("Lao", "Laotian"),
    "LB": ("Lebanese",),
    "LK": ("Sri Lankan",),
    "LT": ("Lithuanian",),
    "LV": ("Latvian",),
    "LY": ("Libyan",),
    "MA": ("Moroccan",),
    "MD": ("Moldovan",),
    "MK": ("Macedonia", "Macedonian"),
    "MM": ("Burma", "Burmese"),
    "MN": ("Mongolian",),
    "MO": ("Macau", "Macanese"),
    "MT": ("Maltese",),
    "MX": ("Mexican",),
    "MY": ("Malaysian",),
    "NE": ("Nigerien",),
    "NG": ("Nigerian",),
    "NL": ("Holland", "Dutch"),
    "NO": ("Norwegian",),
    "NP": ("Nepali", "Nepalese"),
    "OM": ("Omani",),
    "PE": ("Peruvian",),
    "PH": ("Filipino", "Philippine"),
    "PK": ("Pakistani",),
    "PL": ("Polish",),
    "PS": ("Palestinian Territories", "Palestinian"),
    "PT": ("Portuguese",),
    "QA": ("Qatari",),
    "RO": ("Romanian",),
    "RS": ("Serbian",),
    "RU": ("Russia", "Russian"),
    "SA": ("Saudi",),
    "SD": ("Sudanese",),
    "SE": ("Swedish",),
    "SG": ("Singaporean",),
    "SI": ("Slovenian", "Slovene"),
    "SK": ("Slovak",),
    "SS": ("South Sudanese",),
    "SY": ("Syrian",),
    "SZ": ("Swaziland",),
    "TH": ("Thai",),
    "TJ": ("Tajik",),
    "TL": ("East Timor",),
    "TM": ("Turkmen",),
    "TN": ("Tunisian",),
    "TR": ("Turkey", "Turkish"),
    "TW": ("Taiwanese",),
    "TZ": ("Tanzanian",),
    "UA": ("Ukrainian",),
    "UG": ("Ugandan",),
    "US": ("America", "American"),
    "UZ": ("Uzbek",),
    "VA": ("Vatican", "Vatican City"),
    "VE": ("Venezuelan",),
    "VN": ("Vietnamese",),
    "YE": ("Yemeni",),
    "ZA": ("South African",),
    "ZM": ("Zambian",),
    "ZW": ("Zimbabwean",),
}

# Suggestions are for typos, so a longer text is not compared with every name.
_SUGGEST_MAX_LEN = 60


class UnknownCountry(LookupError):
    """No country has this code or name; `suggestions` are alpha-2 codes of close names."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        super().__init__(text)
        self.suggestions = suggestions


class AmbiguousCountry(LookupError):
    """Several countries go by this name; `candidates` are their alpha-2 codes."""

    def __init__(self, text: str, candidates: list[str]) -> None:
        super().__init__(text)
        self.candidates = candidates


def normalize(text: str) -> str:
    """The form names are compared in: letters and digits only, no accents, no case, no
    leading 'the' (Côte d’Ivoire = cote-d-ivoire = COTE DIVOIRE, U.K. = UK)."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    # "Antigua & Barbuda" and "St Lucia" are how people write ISO's "and" and "Saint"
    words = re.split(r"[\W_]+", plain.casefold().replace("&", " and "))
    words = ["saint" if w == "st" else w for w in words if w]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return "".join(words)


def label(alpha2: str) -> str:
    """The name to show for a country: its common name if pycountry has one, else ISO's."""
    country = pycountry.countries.lookup(alpha2)
    return str(getattr(country, "common_name", None) or country.name)


@cache
def _codes() -> dict[str, str]:
    """alpha-2, alpha-3 and numeric codes (normalized) → alpha-2."""
    codes: dict[str, str] = {}
    for c in pycountry.countries:
        for code in (c.alpha_2, c.alpha_3, c.numeric):
            codes[normalize(code)] = c.alpha_2
    return codes


@cache
def names() -> dict[str, tuple[str, ...]]:
    """Every known name (normalized) → the alpha-2 codes of the countries it names, sorted."""
    found: dict[str, set[str]] = {}
    for c in pycountry.countries:
        for field in ("name", "official_name", "common_name"):
            name = getattr(c, field, None)
            if not name:
                continue
            # ISO's "Korea, Republic of" and "Holy See (Vatican City State)" are also known
            # by what precedes the comma or bracket: "Korea" then names two countries
            for form in (name, re.split(r"[,(]", name)[0]):
                found.setdefault(normalize(form), set()).add(c.alpha_2)
    for alpha2, aliases in ALIASES.items():
        for alias in aliases:
            found.setdefault(normalize(alias), set()).add(alpha2)
    return {key: tuple(sorted(codes)) for key, codes in sorted(found.items())}


def resolve(text: str) -> str:
    """ISO alpha-2 for a code or name; UnknownCountry or AmbiguousCountry if none or several."""
    # punctuation is ignored, control characters are not: "CN\x00" is not China
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise UnknownCountry(text, [])
    key = normalize(text)
    if key.isascii() and key.isdigit():
        key = key.zfill(3)  # numeric codes are three digits: 68 is Bolivia's 068
    if code := _codes().get(key):
        return code
    matches = names().get(key, ())
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousCountry(text, list(matches))
    raise UnknownCountry(text, _suggest(key))


def _suggest(key: str) -> list[str]:
    """Codes of up to three names close to `key` (difflib: deterministic, no model)."""
    if not key or len(key) > _SUGGEST_MAX_LEN:
        return []
    index = names()
    suggestions: list[str] = []
    for close in difflib.get_close_matches(key, list(index), n=5, cutoff=0.8):
        suggestions += [c for c in index[close] if c not in suggestions]
    return suggestions[:3]
