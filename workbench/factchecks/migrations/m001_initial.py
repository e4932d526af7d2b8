"""Fact-checks schema 1: the collection a claim is matched against.

One row per fact-check: imported ones (origin 'import', identified by a content hash of claim,
rating, url and publisher, so a file added twice adds nothing) and the index's own reviews
(origin 'review', one row per reviewed claim, kept to its latest review). The embedding is the
claim and title's vector from the index's embedding model (float32 bytes), so matching needs no
re-encoding; `model` names that model.
"""

SQL = """
CREATE TABLE IF NOT EXISTS factcheck (
    factcheck_id INTEGER PRIMARY KEY AUTOINCREMENT,
    content_hash TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL CHECK (origin IN ('import', 'review')),
    claim TEXT NOT NULL,
    rating TEXT NOT NULL DEFAULT '',
    url TEXT,
    publisher TEXT,
    date TEXT,
    title TEXT,
    source TEXT,
    review_id INTEGER,
    added_at TEXT NOT NULL,
    model TEXT NOT NULL,
    embedding BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS factcheck_origin ON factcheck(origin, factcheck_id);
CREATE TABLE IF NOT EXISTS factcheck_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
