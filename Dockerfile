# dprk-labor-api: serves the API; set DATABASE_URL for PostgreSQL (default: SQLite in /app/var).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    API_HOST=0.0.0.0 API_PORT=8000
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY seed_data ./seed_data
RUN pip install --no-cache-dir -e . && useradd --create-home appuser && chown -R appuser /app
USER appuser

EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"API_PORT\"]}/healthz')"
# Migrate and load (both idempotent), then serve.
CMD ["sh", "-c", "dprk-labor migrate && dprk-labor load && exec dprk-labor serve"]
