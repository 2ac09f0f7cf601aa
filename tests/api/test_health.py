"""GET /healthz and /readyz: liveness, and readiness of a migrated database."""


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["revision"] == r.json()["head"]


def test_readiness_fails_on_an_unmigrated_database(client, session):
    from sqlalchemy import text

    session.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["database"] == "not migrated"
