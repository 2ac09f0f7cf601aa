"""The response examples of the OpenAPI document: real answers of the API on seed_data/."""

from typing import Any

from app import hedges

# --- Response examples -------------------------------------------------------------------
# Real answers on seed_data/: each is the response to the request in EXAMPLE_REQUESTS (the
# `next` links as served on http://127.0.0.1:8000). tests/test_docs.py checks them against
# the live API and the response models.

EXAMPLE_REQUESTS = {
    "list_estimates": "/v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024",  # noqa: E501
    "get_estimate": "/v1/estimates/panel-2024-workers-abroad-2023",
    "list_countries": "/v1/countries?has_estimates=true&limit=1",
    "get_country": "/v1/countries/CN",
    "list_sources": "/v1/sources?limit=1",
    "get_source": "/v1/sources/russian-government",
    "list_documents": "/v1/documents?kind=filing&limit=1",
    "get_document": "/v1/documents/russia-2019-report-to-1718-committee",
    "list_metrics": "/v1/metrics?limit=1",
    "list_hedges": "/v1/hedges",
    "list_sectors": "/v1/sectors?limit=1",
    "get_citation": "/v1/citations/"
    "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",
    "list_changes": "/v1/changes?limit=1",
    "estimate_history": "/v1/estimates/panel-2024-workers-abroad-2023/history?limit=1",
    "healthz": "/healthz",
    "readyz": "/readyz",
}

RESPONSE_EXAMPLES: dict[tuple[str, str], Any] = {
    ("list_estimates", "200"): {
        "data": [
            {
                "id": "rfa-source-2023-12-workers-in-china",
                "metric": {
                    "id": "workers_abroad",
                    "name": "North Korean workers abroad",
                    "unit": "persons",
                },
                "value": {
                    "kind": "lower_bound",
                    "qualifier": "more_than",
                    "low": 100000.0,
                    "high": None,
                    "from_value": None,
                    "to_value": None,
                    "unit": "persons",
                    "text": "more than 100,000",
                    "per": None,
                },
                "period": {
                    "start": "2023-12-01",
                    "end": "2023-12-31",
                    "precision": "month",
                    "text": "as recently as December",
                },
                "scope": {
                    "worldwide": False,
                    "countries": [{"code": "CN", "name": "China"}],
                    "place": None,
                },
                "sectors": [],
                "population": "all",
                "population_note": None,
                "claimant": {
                    "id": "anonymous-rfa-source-china",
                    "name": "A source of Radio Free Asia on "
                    "North Korean workers in China "
                    "(anonymous)",
                    "kind": "anonymous",
                },
                "origin_document": {
                    "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                    "title": "Around 100,000 North "
                    "Koreans worked overseas "
                    "in 2023, U.N. Panel of "
                    "Experts report says (RFA)",
                    "kind": "news_article",
                    "published_on": "2024-01-01",
                    "published_precision": "year",
                },
                "citation_count": 1,
                "notes": "One anonymous source's own figure for China "
                'alone. "December" is resolved as December '
                "2023: the article's year is inferred as 2024 "
                "from the Panel report dated 7 March 2024 that "
                'it covers, and "as recently as December" is '
                "read as the December before it.",
                "status": "active",
                "superseded_by": None,
                "related_to": None,
            },
            {
                "id": "rfa-sources-2024-workers-in-russia-and-china",
                "metric": {
                    "id": "workers_abroad",
                    "name": "North Korean workers abroad",
                    "unit": "persons",
                },
                "value": {
                    "kind": "range",
                    "qualifier": "range",
                    "low": 10000.0,
                    "high": 99999.0,
                    "from_value": None,
                    "to_value": None,
                    "unit": "persons",
                    "text": "tens of thousands",
                    "per": None,
                },
                "period": {
                    "start": "2024-01-01",
                    "end": "2024-12-31",
                    "precision": "year",
                    "text": "",
                },
                "scope": {
                    "worldwide": False,
                    "countries": [
                        {"code": "CN", "name": "China"},
                        {"code": "RU", "name": "Russian Federation"},
                    ],
                    "place": None,
                },
                "sectors": [],
                "population": "all",
                "population_note": None,
                "claimant": {
                    "id": "anonymous-rfa-sources",
                    "name": "Sources of Radio Free Asia (anonymous)",
                    "kind": "anonymous",
                },
                "origin_document": {
                    "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                    "title": "Around 100,000 North "
                    "Koreans worked overseas "
                    "in 2023, U.N. Panel of "
                    "Experts report says (RFA)",
                    "kind": "news_article",
                    "published_on": "2024-01-01",
                    "published_precision": "year",
                },
                "citation_count": 1,
                "notes": '"Tens of thousands" is stored as the range '
                "10,000 to 99,999. The text does not say "
                "whether this is per country or for Russia and "
                "China together. Present tense in an article "
                "whose year, 2024, is inferred from the Panel "
                "report it covers; the sources' statements "
                "themselves are undated, and the figure has only the "
                'present tense ("there are"), so the period has no '
                "wording of its own.",
                "status": "active",
                "superseded_by": None,
                "related_to": None,
            },
        ],
        "meta": {
            "limit": 50,
            "count": 2,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_estimate", "200"): {
        "id": "panel-2024-workers-abroad-2023",
        "metric": {
            "id": "workers_abroad",
            "name": "North Korean workers abroad",
            "unit": "persons",
        },
        "value": {
            "kind": "point",
            "qualifier": "about",
            "low": 100000.0,
            "high": 100000.0,
            "from_value": None,
            "to_value": None,
            "unit": "persons",
            "text": "Around 100,000",
            "per": None,
        },
        "period": {
            "start": "2023-01-01",
            "end": "2023-12-31",
            "precision": "year",
            "text": "in 2023",
        },
        "scope": {"worldwide": True, "countries": [], "place": None},
        "sectors": [
            {"id": "construction", "name": "Construction"},
            {"id": "hospitality", "name": "Hospitality"},
            {"id": "information_technology", "name": "Information technology"},
            {"id": "medicine", "name": "Medicine"},
        ],
        "population": "all",
        "population_note": None,
        "claimant": {
            "id": "un-panel-of-experts",
            "name": "UN Security Council Panel of Experts on North Korea sanctions",
            "kind": "intergovernmental",
        },
        "origin_document": {
            "id": "un-panel-of-experts-2024-report",
            "title": "UN Panel of Experts report on DPRK "
            "sanctions covering July 2023 to "
            "January 2024",
            "kind": "report",
            "published_on": "2024-03-07",
            "published_precision": "day",
        },
        "citation_count": 3,
        "notes": 'One Panel claim echoed by three articles: "Around '
        "100,000\" in Radio Free Asia's 2024 article on the report, "
        '"approximately 100,000" in its 2024 article on 500 workers '
        'sent to China, "around 100,000" in the article of 21 March '
        "2024. Sectors as listed by the first and the last.",
        "status": "active",
        "superseded_by": None,
        "related_to": None,
        "citations": [
            {
                "id": "panel-2024-workers-abroad-2023--article-2024-03-21-panel-report-100000-workers-overseas",  # noqa: E501
                "document": {
                    "id": "article-2024-03-21-panel-report-100000-workers-overseas",
                    "title": "U.N. Panel of Experts report "
                    "- around 100,000 North Korean "
                    "workers employed overseas in "
                    "2023",
                    "kind": "news_article",
                    "published_on": "2024-03-21",
                    "published_precision": "day",
                    "publisher": None,
                    "url": None,
                },
                "quote": "around 100,000 North Korean workers remained employed overseas in 2023",
                "locator": "paragraph 1",
            },
            {
                "id": "panel-2024-workers-abroad-2023--rfa-2024-north-korea-sends-500-workers-to-china",  # noqa: E501
                "document": {
                    "id": "rfa-2024-north-korea-sends-500-workers-to-china",
                    "title": "North Korea sends 500 workers to China in violation of sanctions",
                    "kind": "news_article",
                    "published_on": "2024-01-01",
                    "published_precision": "year",
                    "publisher": {
                        "id": "radio-free-asia",
                        "name": "Radio Free Asia",
                        "kind": "news_outlet",
                    },
                    "url": None,
                },
                "quote": "approximately 100,000 North Korean workers "
                "are still earning foreign currency in some "
                "40 countries, including China and Russia",
                "locator": "paragraph 5",
            },
            {
                "id": "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",  # noqa: E501
                "document": {
                    "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                    "title": "Around 100,000 North Koreans "
                    "worked overseas in 2023, U.N. "
                    "Panel of Experts report says "
                    "(RFA)",
                    "kind": "news_article",
                    "published_on": "2024-01-01",
                    "published_precision": "year",
                    "publisher": {
                        "id": "radio-free-asia",
                        "name": "Radio Free Asia",
                        "kind": "news_outlet",
                    },
                    "url": None,
                },
                "quote": "Around 100,000 North Koreans worked overseas in 2023",
                "locator": "paragraph 1",
            },
        ],
    },
    ("list_countries", "200"): {
        "data": [
            {
                "code": "CN",
                "name": "China",
                "alpha3": "CHN",
                "numeric": "156",
                "official_name": "People's Republic of China",
                "estimate_count": 11,
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJjb2RlIiwiQ04iLCJDTiJd",
            "next": "http://127.0.0.1:8000/v1/countries?has_estimates=true&limit=1&cursor=WyJjb2RlIiwiQ04iLCJDTiJd",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_country", "200"): {
        "code": "CN",
        "name": "China",
        "alpha3": "CHN",
        "numeric": "156",
        "official_name": "People's Republic of China",
        "estimate_count": 11,
    },
    ("list_sources", "200"): {
        "data": [
            {
                "id": "anonymous-dandong-resident",
                "name": "A resident of Dandong, China (anonymous)",
                "kind": "anonymous",
                "country_code": "CN",
                "url": None,
                "description": "Resident of the Chinese city of Dandong "
                "who told RFA about the workers sent to "
                "Hunchun in August (2024, inferred).",
                "estimate_count": 2,
                "document_count": 0,
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJpZCIsImFub255bW91cy1kYW5kb25nLXJlc2lkZW50IiwiYW5vbnltb3VzLWRhbmRvbmctcmVzaWRlbnQiXQ",  # noqa: E501
            "next": "http://127.0.0.1:8000/v1/sources?limit=1&cursor=WyJpZCIsImFub255bW91cy1kYW5kb25nLXJlc2lkZW50IiwiYW5vbnltb3VzLWRhbmRvbmctcmVzaWRlbnQiXQ",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_source", "200"): {
        "id": "russian-government",
        "name": "Government of the Russian Federation",
        "kind": "government",
        "country_code": "RU",
        "url": None,
        "description": "Reported to the 1718 Committee in 2019 on North "
        "Korean workers in Russia during 2018.",
        "estimate_count": 1,
        "document_count": 1,
        "documents": [
            {
                "id": "russia-2019-report-to-1718-committee",
                "title": "Russian Federation report to the UN Security "
                "Council 1718 Committee on North Korean "
                "workers repatriated during 2018",
                "kind": "filing",
                "published_on": "2019-03-01",
                "published_precision": "month",
            }
        ],
    },
    ("list_documents", "200"): {
        "data": [
            {
                "id": "russia-2019-report-to-1718-committee",
                "title": "Russian Federation report to the UN Security "
                "Council 1718 Committee on North Korean "
                "workers repatriated during 2018",
                "kind": "filing",
                "published_on": "2019-03-01",
                "published_precision": "month",
                "publisher": {
                    "id": "russian-government",
                    "name": "Government of the Russian Federation",
                    "kind": "government",
                },
                "coverage_start": "2018-01-01",
                "coverage_end": "2018-12-31",
                "url": None,
                "un_symbol": None,
                "is_public": False,
                "language": "en",
                "has_full_text": False,
                "estimate_count": 1,
                "citation_count": 0,
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_document", "200"): {
        "id": "russia-2019-report-to-1718-committee",
        "title": "Russian Federation report to the UN Security Council 1718 "
        "Committee on North Korean workers repatriated during 2018",
        "kind": "filing",
        "published_on": "2019-03-01",
        "published_precision": "month",
        "publisher": {
            "id": "russian-government",
            "name": "Government of the Russian Federation",
            "kind": "government",
        },
        "coverage_start": "2018-01-01",
        "coverage_end": "2018-12-31",
        "url": None,
        "un_symbol": None,
        "is_public": False,
        "language": "en",
        "has_full_text": False,
        "estimate_count": 1,
        "citation_count": 0,
        "notes": "Known from the Reuters article of 26 March 2019: a "
        "one-page, unpublished report "
        "\"submitted to the council's North Korea sanctions "
        'committee in compliance with a 2017 resolution" and seen '
        'by Reuters on Tuesday (2019-03-26). Month from "required '
        "countries to report to the sanctions committee this "
        'month" in the article dated March 26, 2019.',
        "cites": [
            {
                "id": "un-sc-resolution-2397",
                "title": "UN Security Council Resolution 2397 (2017)",
                "kind": "resolution",
                "published_on": "2017-12-01",
                "published_precision": "month",
            }
        ],
        "cited_by": [
            {
                "id": "moscow-times-2019-03-26-russia-sent-home-over-half-of-north-korean-workers",
                "title": "Russia Tells UN It Sent Home Over Half of North Korean Workers in 2018",
                "kind": "news_article",
                "published_on": "2019-03-26",
                "published_precision": "day",
            }
        ],
        "estimates": [
            {
                "id": "russia-2019-work-permits-2018",
                "metric": {
                    "id": "work_permits_held",
                    "name": "Valid work permits held by North Koreans",
                    "unit": "persons",
                },
                "value": {
                    "kind": "change",
                    "qualifier": "exact",
                    "low": 11490.0,
                    "high": 30023.0,
                    "from_value": 30023.0,
                    "to_value": 11490.0,
                    "unit": "persons",
                    "text": "decreased from 30,023 to 11,490 persons",
                    "per": None,
                },
                "period": {
                    "start": "2018-01-01",
                    "end": "2018-12-31",
                    "precision": "year",
                    "text": "in 2018",
                },
                "scope": {
                    "worldwide": False,
                    "countries": [{"code": "RU", "name": "Russian Federation"}],
                    "place": None,
                },
                "sectors": [],
                "population": "all",
                "population_note": None,
                "claimant": {
                    "id": "russian-government",
                    "name": "Government of the Russian Federation",
                    "kind": "government",
                },
                "origin_document": {
                    "id": "russia-2019-report-to-1718-committee",
                    "title": "Russian Federation "
                    "report to the UN "
                    "Security Council 1718 "
                    "Committee on North "
                    "Korean workers "
                    "repatriated during "
                    "2018",
                    "kind": "filing",
                    "published_on": "2019-03-01",
                    "published_precision": "month",
                },
                "citation_count": 1,
                "notes": "North Koreans holding valid work permits "
                "in Russia, from the start to the end of "
                "2018, as reported by Russia to the 1718 "
                "Committee (quoted by Reuters). A change, "
                "not an uncertainty range.",
                "status": "active",
                "superseded_by": None,
                "related_to": None,
            }
        ],
        "citations": [],
        "full_text": None,
    },
    ("list_metrics", "200"): {
        "data": [
            {
                "id": "employer_count",
                "name": "Employers of North Korean workers",
                "unit": "companies",
                "kind": "stock",
                "description": "Number of companies in the scope place "
                "employing North Korean workers.",
                "related": [],
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJpZCIsImVtcGxveWVyX2NvdW50IiwiZW1wbG95ZXJfY291bnQiXQ",
            "next": "http://127.0.0.1:8000/v1/metrics?limit=1&cursor=WyJpZCIsImVtcGxveWVyX2NvdW50IiwiZW1wbG95ZXJfY291bnQiXQ",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("list_sectors", "200"): {
        "data": [
            {
                "id": "construction",
                "name": "Construction",
                "description": "Building sites and construction crews.",
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJpZCIsImNvbnN0cnVjdGlvbiIsImNvbnN0cnVjdGlvbiJd",
            "next": "http://127.0.0.1:8000/v1/sectors?limit=1&cursor=WyJpZCIsImNvbnN0cnVjdGlvbiIsImNvbnN0cnVjdGlvbiJd",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_citation", "200"): {
        "id": "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",
        "document": {
            "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
            "title": "Around 100,000 North Koreans worked overseas "
            "in 2023, U.N. Panel of Experts report says "
            "(RFA)",
            "kind": "news_article",
            "published_on": "2024-01-01",
            "published_precision": "year",
            "publisher": {
                "id": "radio-free-asia",
                "name": "Radio Free Asia",
                "kind": "news_outlet",
            },
            "url": None,
        },
        "quote": "Around 100,000 North Koreans worked overseas in 2023",
        "locator": "paragraph 1",
        "estimate_id": "panel-2024-workers-abroad-2023",
    },
    ("list_changes", "200"): {
        "data": [
            {
                "id": 1,
                "at": "2026-11-23T13:18:25.137161Z",
                "actor": "dprk-labor load",
                "action": "create",
                "resource_type": "source",
                "resource_id": "un-panel-of-experts",
                "estimate_id": None,
                "before": None,
                "after": {
                    "id": "un-panel-of-experts",
                    "name": "UN Security Council Panel of Experts on North Korea sanctions",
                    "kind": "intergovernmental",
                    "country": None,
                    "url": None,
                    "description": "The independent panel of "
                    "experts that monitors the UN "
                    "Security Council's sanctions on "
                    "North Korea and reports to the "
                    "Council's 1718 (DPRK sanctions) "
                    "Committee.",
                },
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJpZCIsMSwxXQ",
            "next": "http://127.0.0.1:8000/v1/changes?limit=1&cursor=WyJpZCIsMSwxXQ",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("estimate_history", "200"): {
        "data": [
            {
                "id": 52,
                "at": "2026-11-23T13:18:25.359853Z",
                "actor": "dprk-labor load",
                "action": "create",
                "resource_type": "estimate",
                "resource_id": "panel-2024-workers-abroad-2023",
                "estimate_id": "panel-2024-workers-abroad-2023",
                "before": None,
                "after": {
                    "id": "panel-2024-workers-abroad-2023",
                    "metric": "workers_abroad",
                    "value": {
                        "kind": "point",
                        "qualifier": "about",
                        "unit": "persons",
                        "text": "Around 100,000",
                        "amount": 100000.0,
                        "low": None,
                        "high": None,
                        "from": None,
                        "to": None,
                        "per": None,
                    },
                    "period": {
                        "start": "2023-01-01",
                        "end": "2023-12-31",
                        "precision": "year",
                        "text": "in 2023",
                    },
                    "scope": {"worldwide": True, "countries": [], "place": None},
                    "sectors": [
                        "construction",
                        "hospitality",
                        "information_technology",
                        "medicine",
                    ],
                    "population": "all",
                    "population_note": None,
                    "claimant": "un-panel-of-experts",
                    "origin_document": "un-panel-of-experts-2024-report",
                    "notes": "One Panel claim echoed by three "
                    'articles: "Around 100,000" in '
                    "Radio Free Asia's 2024 article on "
                    'the report, "approximately 100,000" '
                    "in its 2024 article on 500 workers "
                    'sent to China, "around 100,000" in '
                    "the article of 21 March 2024. "
                    "Sectors as listed by the first and "
                    "the last.",
                    "status": "active",
                    "superseded_by": None,
                    "citations": [
                        {
                            "document": "article-2024-03-21-panel-report-100000-workers-overseas",
                            "quote": "around 100,000 "
                            "North Korean "
                            "workers remained "
                            "employed overseas "
                            "in 2023",
                            "locator": "paragraph 1",
                        },
                        {
                            "document": "rfa-2024-north-korea-sends-500-workers-to-china",
                            "quote": "approximately "
                            "100,000 North "
                            "Korean workers are "
                            "still earning "
                            "foreign currency "
                            "in some 40 "
                            "countries, "
                            "including China "
                            "and Russia",
                            "locator": "paragraph 5",
                        },
                        {
                            "document": "rfa-2024-north-koreans-worked-overseas-in-2023",
                            "quote": "Around 100,000 North Koreans worked overseas in 2023",
                            "locator": "paragraph 1",
                        },
                    ],
                },
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("healthz", "200"): {"status": "ok"},
    ("readyz", "200"): {
        "status": "ok",
        "database": "ok",
        "revision": "f792832e1b11",
        "head": "f792832e1b11",
        "writable": True,
    },
    ("readyz", "503"): {
        "status": "unavailable",
        "database": "not migrated",
        "revision": None,
        "head": "f792832e1b11",
        "writable": None,
    },
}


# Real answers of the derived views on seed_data/, as the API gave them (the shape test
# compares them with the live answers).
EXAMPLE_REQUESTS |= {
    "series": "/v1/series?metric=workers_abroad&worldwide=true",
    "conflicts": "/v1/conflicts?metric=workers_abroad",
    "consensus": "/v1/consensus?metric=workers_abroad&worldwide=true&period_from=2023&period_to=2023",  # noqa: E501
}
RESPONSE_EXAMPLES |= {
    ("series", "200"): {
        "data": [
            {
                "estimate_id": "panel-2024-workers-abroad-2023",
                "x": "2023-07-02",
                "start": "2023-01-01",
                "end": "2023-12-31",
                "precision": "year",
                "y": 100000.0,
                "low": 100000.0,
                "high": 100000.0,
                "kind": "point",
                "qualifier": "about",
                "unit": "persons",
                "per": None,
                "value_text": "Around 100,000",
                "interval": {"low": 75000.0, "high": 125000.0, "rule": "about"},
                "period_text": "in 2023",
                "population": "all",
                "population_note": None,
                "claimant": {
                    "id": "un-panel-of-experts",
                    "name": "UN Security Council Panel of Experts on North Korea sanctions",
                    "kind": "intergovernmental",
                },
                "citation_count": 3,
            }
        ],
        "meta": {
            "limit": 50,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": 1,
            "undated_url": "http://127.0.0.1:8000/v1/estimates?metric=workers_abroad&worldwide=true&undated=only",
        },
    },
    ("conflicts", "200"): {
        "data": [
            {
                "kind": "part_exceeds_whole",
                "strength": "tension",
                "rule": "part-rivals-whole",
                "reason": "A source of Radio Free Asia on North Korean workers in China "
                '(anonymous) says "more than 100,000" for China in December 2023, '
                "while UN Security Council Panel of Experts on North Korea sanctions "
                'says "Around 100,000" worldwide in 2023: the part alone is as large '
                "as the whole may be (read loosely, 75,000 to 125,000).",
                "metric": {
                    "id": "workers_abroad",
                    "name": "North Korean workers abroad",
                    "unit": "persons",
                },
                "scope": {
                    "worldwide": False,
                    "countries": [{"code": "CN", "name": "China"}],
                    "place": None,
                },
                "a": {
                    "id": "rfa-source-2023-12-workers-in-china",
                    "metric": {
                        "id": "workers_abroad",
                        "name": "North Korean workers abroad",
                        "unit": "persons",
                    },
                    "value": {
                        "kind": "lower_bound",
                        "qualifier": "more_than",
                        "low": 100000.0,
                        "high": None,
                        "from_value": None,
                        "to_value": None,
                        "unit": "persons",
                        "text": "more than 100,000",
                        "per": None,
                        "interval": {"low": 100000.0, "high": None, "rule": "lower-bound"},
                    },
                    "period": {
                        "start": "2023-12-01",
                        "end": "2023-12-31",
                        "precision": "month",
                        "text": "as recently as December",
                    },
                    "scope": {
                        "worldwide": False,
                        "countries": [{"code": "CN", "name": "China"}],
                        "place": None,
                    },
                    "sectors": [],
                    "population": "all",
                    "population_note": None,
                    "claimant": {
                        "id": "anonymous-rfa-source-china",
                        "name": "A source of Radio Free Asia on North Korean workers "
                        "in China (anonymous)",
                        "kind": "anonymous",
                    },
                    "origin_document": {
                        "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                        "title": "Around 100,000 North Koreans worked "
                        "overseas in 2023, U.N. Panel of Experts "
                        "report says (RFA)",
                        "kind": "news_article",
                        "published_on": "2024-01-01",
                        "published_precision": "year",
                    },
                    "citation_count": 1,
                    "notes": 'One anonymous source\'s own figure for China alone. "December" '
                    "is resolved as December 2023: the article's year is inferred as "
                    "2024 from the Panel report dated 7 March 2024 that it covers, "
                    'and "as recently as December" is read as the December before '
                    "it.",
                    "status": "active",
                    "superseded_by": None,
                    "related_to": None,
                    "citations": [
                        {
                            "id": "rfa-source-2023-12-workers-in-china--rfa-2024-north-koreans-worked-overseas-in-2023",  # noqa: E501
                            "document": {
                                "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                                "title": "Around 100,000 North Koreans worked "
                                "overseas in 2023, U.N. Panel of "
                                "Experts report says (RFA)",
                                "kind": "news_article",
                                "published_on": "2024-01-01",
                                "published_precision": "year",
                                "publisher": {
                                    "id": "radio-free-asia",
                                    "name": "Radio Free Asia",
                                    "kind": "news_outlet",
                                },
                                "url": None,
                            },
                            "quote": "with one source saying as recently as December "
                            "that there were more than 100,000 in China alone",
                            "locator": "paragraph 4",
                        }
                    ],
                },
                "b": {
                    "id": "panel-2024-workers-abroad-2023",
                    "metric": {
                        "id": "workers_abroad",
                        "name": "North Korean workers abroad",
                        "unit": "persons",
                    },
                    "value": {
                        "kind": "point",
                        "qualifier": "about",
                        "low": 100000.0,
                        "high": 100000.0,
                        "from_value": None,
                        "to_value": None,
                        "unit": "persons",
                        "text": "Around 100,000",
                        "per": None,
                        "interval": {"low": 75000.0, "high": 125000.0, "rule": "about"},
                    },
                    "period": {
                        "start": "2023-01-01",
                        "end": "2023-12-31",
                        "precision": "year",
                        "text": "in 2023",
                    },
                    "scope": {"worldwide": True, "countries": [], "place": None},
                    "sectors": [
                        {"id": "construction", "name": "Construction"},
                        {"id": "hospitality", "name": "Hospitality"},
                        {"id": "information_technology", "name": "Information technology"},
                        {"id": "medicine", "name": "Medicine"},
                    ],
                    "population": "all",
                    "population_note": None,
                    "claimant": {
                        "id": "un-panel-of-experts",
                        "name": "UN Security Council Panel of Experts on North Korea sanctions",
                        "kind": "intergovernmental",
                    },
                    "origin_document": {
                        "id": "un-panel-of-experts-2024-report",
                        "title": "UN Panel of Experts report on DPRK "
                        "sanctions covering July 2023 to January "
                        "2024",
                        "kind": "report",
                        "published_on": "2024-03-07",
                        "published_precision": "day",
                    },
                    "citation_count": 3,
                    "notes": 'One Panel claim echoed by three articles: "Around 100,000" in '
                    "Radio Free Asia's 2024 article on the report, \"approximately "
                    '100,000" in its 2024 article on 500 workers sent to China, '
                    '"around 100,000" in the article of 21 March 2024. Sectors as '
                    "listed by the first and the last.",
                    "status": "active",
                    "superseded_by": None,
                    "related_to": None,
                    "citations": [
                        {
                            "id": "panel-2024-workers-abroad-2023--article-2024-03-21-panel-report-100000-workers-overseas",  # noqa: E501
                            "document": {
                                "id": "article-2024-03-21-panel-report-100000-workers-overseas",
                                "title": "U.N. Panel of Experts report - "
                                "around 100,000 North Korean workers "
                                "employed overseas in 2023",
                                "kind": "news_article",
                                "published_on": "2024-03-21",
                                "published_precision": "day",
                                "publisher": None,
                                "url": None,
                            },
                            "quote": "around 100,000 North Korean workers remained "
                            "employed overseas in 2023",
                            "locator": "paragraph 1",
                        },
                        {
                            "id": "panel-2024-workers-abroad-2023--rfa-2024-north-korea-sends-500-workers-to-china",  # noqa: E501
                            "document": {
                                "id": "rfa-2024-north-korea-sends-500-workers-to-china",
                                "title": "North Korea sends 500 workers to "
                                "China in violation of sanctions",
                                "kind": "news_article",
                                "published_on": "2024-01-01",
                                "published_precision": "year",
                                "publisher": {
                                    "id": "radio-free-asia",
                                    "name": "Radio Free Asia",
                                    "kind": "news_outlet",
                                },
                                "url": None,
                            },
                            "quote": "approximately 100,000 North Korean workers are "
                            "still earning foreign currency in some 40 "
                            "countries, including China and Russia",
                            "locator": "paragraph 5",
                        },
                        {
                            "id": "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",  # noqa: E501
                            "document": {
                                "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                                "title": "Around 100,000 North Koreans worked "
                                "overseas in 2023, U.N. Panel of "
                                "Experts report says (RFA)",
                                "kind": "news_article",
                                "published_on": "2024-01-01",
                                "published_precision": "year",
                                "publisher": {
                                    "id": "radio-free-asia",
                                    "name": "Radio Free Asia",
                                    "kind": "news_outlet",
                                },
                                "url": None,
                            },
                            "quote": "Around 100,000 North Koreans worked overseas in 2023",
                            "locator": "paragraph 1",
                        },
                    ],
                },
            }
        ],
        "meta": {
            "limit": 50,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": 2,
            "undated_url": "http://127.0.0.1:8000/v1/estimates?metric=workers_abroad&undated=only",
        },
    },
    ("consensus", "200"): {
        "data": [
            {
                "year": 2023,
                "start": "2023-01-01",
                "end": "2023-12-31",
                "claimants": 1,
                "figures": [
                    {
                        "id": "panel-2024-workers-abroad-2023",
                        "metric": {
                            "id": "workers_abroad",
                            "name": "North Korean workers abroad",
                            "unit": "persons",
                        },
                        "value": {
                            "kind": "point",
                            "qualifier": "about",
                            "low": 100000.0,
                            "high": 100000.0,
                            "from_value": None,
                            "to_value": None,
                            "unit": "persons",
                            "text": "Around 100,000",
                            "per": None,
                            "interval": {"low": 75000.0, "high": 125000.0, "rule": "about"},
                        },
                        "period": {
                            "start": "2023-01-01",
                            "end": "2023-12-31",
                            "precision": "year",
                            "text": "in 2023",
                        },
                        "scope": {"worldwide": True, "countries": [], "place": None},
                        "sectors": [
                            {"id": "construction", "name": "Construction"},
                            {"id": "hospitality", "name": "Hospitality"},
                            {"id": "information_technology", "name": "Information technology"},
                            {"id": "medicine", "name": "Medicine"},
                        ],
                        "population": "all",
                        "population_note": None,
                        "claimant": {
                            "id": "un-panel-of-experts",
                            "name": "UN Security Council Panel of Experts on North Korea sanctions",
                            "kind": "intergovernmental",
                        },
                        "origin_document": {
                            "id": "un-panel-of-experts-2024-report",
                            "title": "UN Panel of Experts report on DPRK "
                            "sanctions covering July 2023 to "
                            "January 2024",
                            "kind": "report",
                            "published_on": "2024-03-07",
                            "published_precision": "day",
                        },
                        "citation_count": 3,
                        "notes": 'One Panel claim echoed by three articles: "Around '
                        "100,000\" in Radio Free Asia's 2024 article on the "
                        'report, "approximately 100,000" in its 2024 article on '
                        '500 workers sent to China, "around 100,000" in the '
                        "article of 21 March 2024. Sectors as listed by the first "
                        "and the last.",
                        "status": "active",
                        "superseded_by": None,
                        "related_to": None,
                    }
                ],
                "range": {"low": 100000.0, "high": 100000.0},
                "agreed": {"low": 75000.0, "high": 125000.0},
                "conflicts_url": None,
                "summary": "In 2023, one independent source, UN Security Council Panel of "
                'Experts on North Korea sanctions, says "Around 100,000"; read '
                "loosely, that is 75,000 to 125,000.",
                "method": "Each calendar year holds the figures of this metric and exact scope "
                "whose periods overlap it, totals of all workers unless population= "
                "says otherwise, one basis (per=). A claimant is one independent "
                "source; an estimate is one claim however often echoed. `range` runs "
                "from the lowest to the highest figure (central readings: a point's "
                "figure, a range's midpoint, a bound's bound); `agreed` is what every "
                "figure's interval (see /v1/hedges) allows at once, or null when they "
                "cannot all be true.",
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": 1,
            "undated_url": "http://127.0.0.1:8000/v1/estimates?metric=workers_abroad&worldwide=true&undated=only",
        },
    },
}


def _with_intervals(example: Any) -> Any:
    """Every value in `example` with the interval the API reads it as (app.hedges), so that
    the examples show what the live answers show without a copy to keep in step."""
    if isinstance(example, list):
        return [_with_intervals(v) for v in example]
    if not isinstance(example, dict):
        return example
    out = {k: _with_intervals(v) for k, v in example.items()}
    if {"kind", "qualifier", "low", "high", "text", "to_value"} <= out.keys():
        out["interval"] = hedges.interval_of(out)
    return out


RESPONSE_EXAMPLES = {key: _with_intervals(body) for key, body in RESPONSE_EXAMPLES.items()}
RESPONSE_EXAMPLES[("list_hedges", "200")] = {
    "data": hedges.rules(),
    "meta": {
        "limit": len(hedges.RULES),
        "count": len(hedges.RULES),
        "next_cursor": None,
        "next": None,
        "total": None,
        "undated": None,
        "undated_url": None,
    },
}
