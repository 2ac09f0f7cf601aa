"""The guide's prose: the OpenAPI document's introduction and its tags' descriptions."""

from typing import Any

DESCRIPTION = """
Figures on North Korea's overseas labour — how many workers are abroad, where, in which
sectors, earning how much for the state, over which period — **and who said so, where**.
Every figure carries its claimant, the document it comes from and the verbatim quote.

## What the data is

* An **estimate** is one claim: a metric (`/v1/metrics`), a value with its qualifier, a
  period, a scope (countries or worldwide), sectors, the **claimant** (the source that makes
  the claim) and the **origin document** it was first made in.
* A **citation** is a place where the claim is stated: a document and the verbatim quote.
  Three outlets repeating the UN Panel's "100,000 workers" are one estimate with three
  citations, so independent figures can be told from echoes of one figure.
* Vague wording stays vague: "tens of thousands" is a range (10,000 to 99,999), "more than
  100,000" a lower bound, "decreased from 30,023 to 11,490" a change. `value.text` and
  `period.text` keep the original words; `notes` say how they were turned into numbers,
  including how relative dates ("as recently as December") were resolved.

## Where it comes from

Read by hand from published news articles (at first Radio Free Asia, UPI, and Reuters as
republished by The Moscow Times), whose full texts the API holds, and through them from the
documents they report on: the UN Security Council Panel of Experts' reports, Russia's filing
with the Security Council's 1718 Committee, Resolution 2397, statements by governments, NGOs
and researchers, and other outlets' reports. `/v1/documents` lists every document with its
publisher, date, kind and, where known, its URL or UN symbol; `/v1/documents/{document_id}`
adds what it cites, what cites it, its quotes and, where the API holds it, its full text.

## Start here

1. **All worker-count estimates for China, 2019–2024**:
   `GET /v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024`.
   In `/docs`, open *Search estimates*, press *Try it out* (the four fields come filled in)
   and *Execute*.
2. **One figure with every quote**: `GET /v1/estimates/panel-2024-workers-abroad-2023`.
3. **Who said what**: `/v1/sources/{source_id}`, `/v1/documents/{document_id}`.

## How to cite

Every figure has a ready citation: `GET /v1/estimates/{estimate_id}/cite` gives one
paragraph to paste (the figure in words, who claims it in which document, the outlets that
reported it, and this dataset with the figure's permalink, the data version and the day),
and `style=apa`, `chicago`, `csl-json` (for Zotero, Pandoc or any CSL processor), `bibtex`
or `ris` gives the references for a reference manager. One estimate's `cite` holds the
sentence and that link. An outlet that repeats the Panel's figure is named as where it
appeared, not as its source; `via=<document id>` names only the article you read it in.
`GET /v1/documents/{document_id}/cite` does the same for a document. A document with no
URL says why (`url_note`), and its citation says "no public URL known".

Cite the publication, not this API: a citation's `quote` with its document's `title`,
publisher and date (`published_on`, read with `published_precision`: `2024-01-01` with
`year` means "in 2024"). Name the claimant when the document only repeats someone else's
figure, and give the estimate's id or URL so readers can check how the words were read:

> "Around 100,000 North Koreans worked overseas in 2023" — Radio Free Asia (2024), reporting
> the UN Panel of Experts' report of 7 March 2024 (dprk-labor-api, estimate
> `panel-2024-workers-abroad-2023`).

## Licence

The code is under the MIT licence. The texts are not this project's: quotes and full texts
come from news articles and UN documents, and their copyright stays with their publishers.
They are held so that every figure can be checked against its source; quote them as
quotations, with their source, and go to the publisher for anything more.

## Conventions

* Every list has one shape, `{"data": [...], "meta": {"limit", "count", "next_cursor",
  "next", "total", "undated", "undated_url"}}`; follow `meta.next` for the next page.
* A date range leaves out figures whose period is unknown, and says so: `meta.undated` is
  how many matched every other filter, `meta.undated_url` lists them; `undated=include`
  keeps them in.
* Filters combine with AND; repeating one (`metric=workers_abroad&metric=revenue_usd`)
  means OR.
* Every error is RFC 9457 `application/problem+json` naming the bad `parameter`. Unknown or
  repeated parameters, impossible dates and unknown ids are 400s or 404s, never ignored.
"""

TAGS: list[dict[str, Any]] = [
    {
        "name": "estimates",
        "description": "The figures. Each is one claim: a metric, a value with its "
        "qualifier and original wording, a period, a scope, the claimant and the document the "
        "claim originates in. One estimate adds every citation with its verbatim quote. "
        "**Start here.**",
    },
    {
        "name": "citing",
        "description": "Ready citations of a figure or a document: a sentence to paste, "
        "APA, Chicago, CSL-JSON, BibTeX and RIS, each naming the data version and the day.",
    },
    {
        "name": "analysis",
        "description": "Views derived from the estimates, for charts and fact-checking: one "
        "metric's figures over time with echoes collapsed, and estimates that disagree.",
    },
    {
        "name": "countries",
        "description": "ISO 3166-1 countries, with how many estimates name each. Codes are "
        "alpha-2 in answers; codes and names as people type them (Russia, Russian, "
        "Türkiye or Turkey) are accepted, and a name several countries share (Korea) is a "
        "400 listing them.",
    },
    {
        "name": "sources",
        "description": "Who claims or publishes figures: UN bodies, governments, news "
        "outlets, NGOs, research institutes, and anonymous people as the texts describe them.",
    },
    {
        "name": "documents",
        "description": "Publications: reports, filings, resolutions, statements and news "
        "articles; the estimates each states, the quotes it holds, what it cites and what "
        "cites it, and its full text where the API holds it.",
    },
    {
        "name": "vocabularies",
        "description": "What can be measured (metrics, each with its unit and whether it is "
        "a stock or a flow) and the sectors the workers are reported in.",
    },
    {
        "name": "changes",
        "description": "The audit log: every write, who made it, when, and the record "
        "before and after; one estimate's versions are under `estimates`.",
    },
    {
        "name": "editing",
        "description": "Creating, changing and deleting records: for editors, with an API "
        "key (`Authorization: Bearer ...`). Reads need no key.",
    },
    {
        "name": "intake",
        "description": "The review queue: candidate figures extracted from a document's "
        "stored text, each with its verbatim quote, value, hedge, period and countries, and "
        "echoes of known estimates proposed as citations, for an editor to accept (with "
        "corrections) or reject. Every route here needs an editor's key, reads included: "
        "candidates are unreviewed, not figures to cite.",
    },
    {
        "name": "health",
        "description": "Probes for operators: the process is up; the database answers and "
        "is migrated.",
    },
]
