"""The index's key/value metadata (table `meta`): embedding model, dimension, write generation,
and JSON settings such as saved verdict thresholds."""

from __future__ import annotations

import json
import sqlite3

from ..errors import WorkbenchError

SETTING_PREFIX = "setting:"


def get(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def put(conn: sqlite3.Connection, key: str, value: object) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )


def delete(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM meta WHERE key = ?", (key,))


def generation(conn: sqlite3.Connection) -> int:
    """The write counter: bumped by every commit that changes sentences (the FAISS file and the
    manifest record the one they were saved at, which tells whether they are in step)."""
    return int(get(conn, "generation", "0"))


def bump_generation(conn: sqlite3.Connection) -> None:
    put(conn, "generation", generation(conn) + 1)


def dimension(conn: sqlite3.Connection) -> int | None:
    value = get(conn, "dimension")
    return int(value) if value else None


def get_setting(conn: sqlite3.Connection, key: str, where: object) -> dict | None:
    """A JSON object saved with put_setting (None if absent)."""
    raw = get(conn, SETTING_PREFIX + key)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise WorkbenchError(
            f"The setting '{key}' in {where} is not valid JSON; "
            f"reset it (for verdict parameters: `workbench index params --reset`)."
        )
    return value


def put_setting(conn: sqlite3.Connection, key: str, value: dict | None) -> None:
    """Save (or with None, delete) a JSON object; the caller holds the write transaction."""
    if value is None:
        delete(conn, SETTING_PREFIX + key)
    else:
        put(conn, SETTING_PREFIX + key, json.dumps(value, sort_keys=True))
