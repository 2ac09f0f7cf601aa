"""Tests of the HTTP API, in process on both databases. They mirror the app: one file per
route group of app/api (and app/queries) — test_estimates, test_series, test_conflicts,
test_consensus, test_catalog, test_changes, test_writes, test_health — and one per module
that every route uses — test_exports, test_http, test_pagination, test_errors,
test_hedges, test_country_names, test_write_limits (column limits of write bodies) — besides
live-server tests of concurrent writes (test_concurrency) and of database outages
(test_outage). Seed ids that several files name are in seed_figures."""
