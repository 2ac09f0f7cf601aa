"""full-text index for q= on SQLite

Revision ID: 862b18eddb08
Revises: 803cfa412d37
Create Date: 2026-11-23 19:43:30.013372

SQLite only (PostgreSQL reads its trigram indexes, 803cfa412d37). An FTS5 table with the
trigram tokenizer holds every estimate's notes and value wording and every citation's
quote, one row per estimate or citation; `q=` finds the rows holding it as a phrase
(a case-insensitive substring) through the index instead of reading every quote.

FTS5 rows are keyed by integers and our keys are text, so `search_doc` gives each row an
INTEGER PRIMARY KEY (stable under VACUUM, unlike an implicit rowid) and says whose text
it is. Triggers keep both in step with every insert, update and delete, whoever makes it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "862b18eddb08"
down_revision: str | None = "803cfa412d37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The estimate's own row has citation_id NULL; a citation's row names the citation.
OWN_ROW = "(SELECT id FROM search_doc WHERE estimate_id = {e} AND citation_id IS NULL)"
CITATION_ROW = "(SELECT id FROM search_doc WHERE citation_id = {c})"

CREATE = [
    """CREATE TABLE search_doc (
        id INTEGER PRIMARY KEY,
        estimate_id TEXT NOT NULL,
        citation_id TEXT UNIQUE
    )""",
    "CREATE UNIQUE INDEX ix_search_doc_own ON search_doc (estimate_id) WHERE citation_id IS NULL",
    "CREATE VIRTUAL TABLE search_text USING fts5(notes, value_text, quote, tokenize='trigram')",
    # Rows there already (an upgraded database).
    "INSERT INTO search_doc (estimate_id) SELECT id FROM estimate",
    "INSERT INTO search_doc (estimate_id, citation_id) SELECT estimate_id, id FROM citation",
    """INSERT INTO search_text (rowid, notes, value_text)
        SELECT d.id, e.notes, e.value_text FROM search_doc d JOIN estimate e ON e.id = d.estimate_id
        WHERE d.citation_id IS NULL""",
    """INSERT INTO search_text (rowid, quote)
        SELECT d.id, c.quote FROM search_doc d JOIN citation c ON c.id = d.citation_id""",
    """CREATE TRIGGER search_estimate_insert AFTER INSERT ON estimate BEGIN
        INSERT INTO search_doc (estimate_id) VALUES (new.id);
        INSERT INTO search_text (rowid, notes, value_text)
            VALUES (last_insert_rowid(), new.notes, new.value_text);
    END""",
    # A citation's row follows the citation's own estimate_id (search_citation_update).
    f"""CREATE TRIGGER search_estimate_update AFTER UPDATE OF id, notes, value_text ON estimate
    BEGIN
        UPDATE search_text SET notes = new.notes, value_text = new.value_text
            WHERE rowid = {OWN_ROW.format(e="old.id")};
        UPDATE search_doc SET estimate_id = new.id
            WHERE estimate_id = old.id AND citation_id IS NULL;
    END""",
    f"""CREATE TRIGGER search_estimate_delete AFTER DELETE ON estimate BEGIN
        DELETE FROM search_text WHERE rowid = {OWN_ROW.format(e="old.id")};
        DELETE FROM search_doc WHERE estimate_id = old.id AND citation_id IS NULL;
    END""",
    """CREATE TRIGGER search_citation_insert AFTER INSERT ON citation BEGIN
        INSERT INTO search_doc (estimate_id, citation_id) VALUES (new.estimate_id, new.id);
        INSERT INTO search_text (rowid, quote) VALUES (last_insert_rowid(), new.quote);
    END""",
    f"""CREATE TRIGGER search_citation_update AFTER UPDATE OF id, estimate_id, quote ON citation
    BEGIN
        UPDATE search_text SET quote = new.quote WHERE rowid = {CITATION_ROW.format(c="old.id")};
        UPDATE search_doc SET estimate_id = new.estimate_id, citation_id = new.id
            WHERE citation_id = old.id;
    END""",
    f"""CREATE TRIGGER search_citation_delete AFTER DELETE ON citation BEGIN
        DELETE FROM search_text WHERE rowid = {CITATION_ROW.format(c="old.id")};
        DELETE FROM search_doc WHERE citation_id = old.id;
    END""",
]

TRIGGERS = [
    "search_estimate_insert",
    "search_estimate_update",
    "search_estimate_delete",
    "search_citation_insert",
    "search_citation_update",
    "search_citation_delete",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in CREATE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE search_text")
    op.execute("DROP TABLE search_doc")
