"""Numbered schema migrations (m001_initial, m002_..., ...), applied in order, each once.

The index keeps its version in PRAGMA user_version; other components sharing the database
(reviews) keep theirs in the schema_versions table, so each can change on its own. A database
from a newer workbench is refused with a clear error instead of being misread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from types import ModuleType

from ...errors import WorkbenchError
from . import m001_initial, m002_document_edits

INDEX_MIGRATIONS: tuple[ModuleType, ...] = (
    m001_initial,
    m002_document_edits,
)  # append m003_... here


def statements(script: str) -> list[str]:
    """Split a schema script into statements (triggers contain inner semicolons)."""
    out, buffer = [], []
    for line in script.strip().splitlines():
        buffer.append(line)
        joined = "\n".join(buffer).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buffer = []
    return out


def _apply(conn: sqlite3.Connection, steps: Sequence[ModuleType], start: int) -> None:
    for step in steps[start:]:
        for statement in statements(step.SQL):
            conn.execute(statement)


def migrate_user_version(
    conn: sqlite3.Connection, version: int, steps: Sequence[ModuleType]
) -> None:
    """Bring the index from `version` to len(steps), inside the caller's transaction."""
    _apply(conn, steps, version)
    conn.execute(f"PRAGMA user_version={len(steps)}")


def migrate_component(
    conn: sqlite3.Connection, component: str, steps: Sequence[ModuleType], where: object
) -> int:
    """Bring one component's tables up to date (caller holds a write transaction)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, "
        "version INTEGER NOT NULL)"
    )
    row = conn.execute(
        "SELECT version FROM schema_versions WHERE component = ?", (component,)
    ).fetchone()
    version = row[0] if row else 0
    if version > len(steps):
        raise WorkbenchError(
            f"The {component} tables in {where} have schema version {version}, newer than this "
            f"workbench supports ({len(steps)}); upgrade the workbench package."
        )
    if version < len(steps):
        _apply(conn, steps, version)
        conn.execute(
            "INSERT INTO schema_versions(component, version) VALUES (?, ?) "
            "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
            (component, len(steps)),
        )
    return len(steps)
