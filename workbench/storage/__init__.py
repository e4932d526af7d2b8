"""The index on disk: SQLite (the source of truth) and the FAISS vector cache beside it."""
