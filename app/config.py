"""Settings, read from the environment (and a `.env` file) once per process."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The project checkout (alembic.ini, migrations/, seed_data/); in an installed copy without
# them next to the package, the working directory is taken instead.
ROOT = Path(__file__).resolve().parent.parent
if not (ROOT / "migrations").is_dir():
    ROOT = Path.cwd()


class Settings(BaseSettings):
    """Everything configurable about a running instance."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        f"sqlite:///{ROOT / 'var' / 'dprk_labor.sqlite3'}",
        description="SQLAlchemy URL; postgresql:// URLs use psycopg 3",
    )
    # Not HOST/PORT: shells such as zsh set HOST to the machine's name.
    host: str = Field("127.0.0.1", validation_alias="API_HOST")
    port: int = Field(8000, validation_alias="API_PORT")
    seed_dir: Path = ROOT / "seed_data"
    public_url: str | None = Field(
        None,
        description="the API's public base URL, for permalinks, `next` links and citations "
        "(unset: http://API_HOST:API_PORT; never the request's Host header)",
    )
    sql_echo: bool = False
    max_body_bytes: int = Field(1_048_576, description="larger request bodies get a 413")
    worker_threads: int = Field(
        4, ge=1, description="threads that run database work for requests, per process"
    )
    response_cache_mb: int = Field(
        64,
        description="memory for rendered JSON reads, kept until the data changes; 0: none",
    )
    cors_origins: str = Field(
        "*", description="origins allowed to read from a browser: `*` or a comma-separated list"
    )
    # Writes refuse periods outside [earliest_year, this year + latest_years_ahead].
    earliest_year: int = Field(1945, description="the earliest year a period may start in")
    latest_years_ahead: int = Field(
        5, ge=0, description="how many years past the current one a period may end in"
    )
    # The database in trouble is a fast 503, never a hang (app.db sets these up).
    db_connect_timeout: int = Field(
        2, ge=2, description="seconds to connect to PostgreSQL (libpq's least is 2)"
    )
    db_statement_timeout_ms: int = Field(
        15_000, ge=1, description="longest a single SQL statement may run, in milliseconds"
    )
    db_lock_timeout_ms: int = Field(
        5_000,
        ge=1,
        description="longest a statement waits for a row or table lock (SQLite: "
        "for the write lock), in milliseconds",
    )
    db_pool_timeout: float = Field(
        5, gt=0, description="seconds a request waits for a free database connection"
    )
    retry_after: int = Field(
        5, ge=0, description="seconds in Retry-After of a 503 when the database is unavailable"
    )
    dataset_title: str = Field(
        "dprk-labor-api: claims and figures on North Korea's overseas labour",
        description="the dataset's title in citations",
    )
    licence: str = Field(
        "Code: MIT. Quotes and texts: their publishers' (quoted for reference).",
        description="the licence named in downloads' metadata",
    )
    snapshot_dir: Path = Field(
        ROOT / "var" / "snapshots",
        description="where `as_of=` reads keep the data as it stood at a version (SQLite files)",
    )
    snapshots_kept: int = Field(8, ge=1, description="how many of those snapshots are kept")
    cursor_secret: str = Field(
        "",
        description="key that signs paging cursors (HMAC-SHA256); set a long random value "
        "in production (the same in every process serving one database)",
    )

    @property
    def base_url(self) -> str:
        """The public base URL, without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


@lru_cache
def get_settings() -> Settings:
    """The process's settings; tests clear the cache after changing the environment."""
    return Settings()
