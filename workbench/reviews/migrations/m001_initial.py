"""Reviews schema 1: review, review_evidence, and triggers that make both append-only."""

SQL = """
CREATE TABLE IF NOT EXISTS review (
    review_id INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_key TEXT NOT NULL,
    claim TEXT NOT NULL,
    claim_id TEXT,
    claim_date TEXT,
    reviewer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    machine_verdict TEXT,
    machine_confidence REAL,
    final_verdict TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    supersedes INTEGER REFERENCES review(review_id)
);
CREATE INDEX IF NOT EXISTS review_claim_key ON review(claim_key, review_id);
CREATE TABLE IF NOT EXISTS review_evidence (
    review_id INTEGER NOT NULL REFERENCES review(review_id),
    position INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL DEFAULT '',
    title TEXT,
    date TEXT,
    source TEXT,
    stance TEXT,
    p_supports REAL,
    p_refutes REAL,
    p_neutral REAL,
    judgment TEXT,
    PRIMARY KEY (review_id, position)
);
CREATE TRIGGER IF NOT EXISTS review_no_update BEFORE UPDATE ON review
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER IF NOT EXISTS review_no_delete BEFORE DELETE ON review
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER IF NOT EXISTS review_evidence_no_update BEFORE UPDATE ON review_evidence
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER IF NOT EXISTS review_evidence_no_delete BEFORE DELETE ON review_evidence
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
"""
