"""Index schema 2: people's corrections of a document's title and date.

document_edits is the log (every change: old value, new value, when; never rewritten).
document_overrides holds the corrections in force, applied again whenever the document is
stored anew (a re-add of a changed file), so a re-add never reverts one; removing the
document drops its overrides, not its log.
"""

SQL = """
CREATE TABLE IF NOT EXISTS document_edits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('title', 'date')),
    old_value TEXT,
    new_value TEXT,
    edited_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS document_edits_doc ON document_edits(doc_id, id);
CREATE TABLE IF NOT EXISTS document_overrides (
    doc_id TEXT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('title', 'date')),
    value TEXT,
    edit_id INTEGER NOT NULL REFERENCES document_edits(id),
    PRIMARY KEY (doc_id, field)
);
"""
