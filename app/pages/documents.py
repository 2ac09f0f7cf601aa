"""/documents/{id}: a document's record and its stored text, every quoted passage marked
and linked to the figure it states."""

import heapq
from dataclasses import dataclass, field
from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import Response

from app import citations, periods
from app.api.catalog import DocumentId
from app.api.deps import ReadSessionDep
from app.errors import NotFound
from app.items import EstimateItem
from app.pages.figures import HTML, not_found, page_query, templates
from app.pages.figures import documents_anchor as anchor
from app.queries import catalog
from app.queries import estimates as eq
from app.responder import reading
from app.schemas.read import CitationInDocument

router = APIRouter(include_in_schema=False)


@dataclass
class Quoted:
    """A citation as the page lists it: its number, its figure, where its text starts."""

    n: int
    citation: CitationInDocument
    figure: EstimateItem | None
    at: int | None  # None: not found verbatim in the stored text


@dataclass
class Token:
    """One step of the marked text: plain text, a mark opening, or a mark closing (with
    the link to the figure after the last piece of a passage)."""

    kind: Literal["text", "open", "close"]
    text: str = ""
    quoted: Quoted | None = None
    first: bool = False  # an opening that carries the passage's id
    last: bool = False  # a closing after which the figure's link goes


@dataclass(order=True)
class _Piece:
    start: int
    neg_end: int
    n: int
    end: int = field(compare=False)
    quoted: Quoted = field(compare=False)
    first: bool = field(compare=False)


def marked(text: str, quoted: list[Quoted]) -> list[Token]:
    """`text` as tokens with a mark around every passage found in it. Passages quoted by
    several figures nest (the same sentence may state a count and a sum); a passage that
    only partly overlaps another is marked in two pieces, the first carrying its id, so
    that marks always nest and the page stays valid HTML."""
    heap = [
        _Piece(q.at, -(q.at + len(q.citation.quote)), q.n, q.at + len(q.citation.quote), q, True)
        for q in quoted
        if q.at is not None and q.citation.quote
    ]
    heapq.heapify(heap)
    tokens: list[Token] = []
    open_: list[_Piece] = []
    pos = 0

    def close_until(at: int) -> None:
        nonlocal pos
        while open_ and open_[-1].end <= at:
            piece = open_.pop()
            tokens.append(Token("text", text[pos : piece.end]))
            pos = piece.end
            whole_end = piece.quoted.at is not None and piece.end == piece.quoted.at + len(
                piece.quoted.citation.quote
            )
            tokens.append(Token("close", quoted=piece.quoted, last=whole_end))

    while heap:
        piece = heapq.heappop(heap)
        close_until(piece.start)
        if open_ and piece.end > open_[-1].end:  # crosses an open mark's end: split
            rest = open_[-1].end
            heapq.heappush(heap, _Piece(rest, -piece.end, piece.n, piece.end, piece.quoted, False))
            piece.end = rest
        tokens.append(Token("text", text[pos : piece.start]))
        pos = piece.start
        tokens.append(Token("open", quoted=piece.quoted, first=piece.first))
        open_.append(piece)
    close_until(len(text))
    tokens.append(Token("text", text[pos:]))
    return [t for t in tokens if t.kind != "text" or t.text]


@router.get("/documents/{document_id}")
def document_page(request: Request, session: ReadSessionDep, document_id: DocumentId) -> Response:
    """One document: who published it and when, where to read it, its stored text with
    every quoted passage marked and linked to its figure, and what it cites and is cited by."""
    read = reading(request)
    as_of = read.as_of if read else None
    headers = read.headers() if read else {}
    try:
        doc = catalog.get_document(session, document_id)
    except NotFound:
        return not_found(request, "document", document_id, "/v1/documents", headers)
    figures = {
        e["id"]: e for e in eq.items_of(session, list({c.estimate_id for c in doc.citations}))
    }
    text = doc.full_text
    found = [(c, text.find(c.quote) if text and c.quote else -1) for c in doc.citations]
    found.sort(key=lambda f: (f[1] < 0, f[1], f[0].id))  # numbered as they are read
    quoted = [
        Quoted(n, c, figures.get(c.estimate_id), at if at >= 0 else None)
        for n, (c, at) in enumerate(found, 1)
    ]
    query = page_query(as_of)
    context = {
        "doc": doc,
        "as_of": as_of,
        "query": query,
        "published": periods.date_label(doc.published_on, doc.published_precision),
        "date_label": periods.date_label,
        "figure_words": citations.figure_words,
        "quoted": quoted,
        "tokens": marked(text, quoted) if text else [],
        # as list items (dicts), which figure_words reads
        "first_stated": [e.model_dump() for e in doc.estimates],
        "anchor": anchor,
        "json_url": f"/v1/documents/{document_id}{query}",
    }
    return templates.TemplateResponse(
        request, "document.html", context, headers=headers, media_type=HTML
    )
