"""SQLite connections for one index database: one writer, a reader per thread, WAL.

One writer at a time (a lock in this process, BEGIN IMMEDIATE across processes); every other
thread reads on its own connection, so a long write never blocks a check. snapshot() pins one
committed state for a group of reads, so a reader never sees a half-added batch. Opening the
database applies the numbered migrations in storage/migrations/ and refuses a newer schema.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from ..errors import WorkbenchError
from .migrations import INDEX_MIGRATIONS, migrate_user_version

SCHEMA_VERSION = len(INDEX_MIGRATIONS)  # PRAGMA user_version of an up-to-date index
DB_NAME = "workbench.db"  # the database file inside an index folder


def _connect(path: Path | str, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, timeout=30.0, isolation_level=None, check_same_thread=False, uri=uri
    )
    conn.row_factory = sqlite3.Row
    return conn


def read_only_reason(path: Path) -> str | None:
    """Why the index database cannot be written (read-only file system, no permission), else
    None. SQLite needs to write the file and create -wal/-shm beside it."""
    if not path.exists():
        return None
    folder = path.parent
    if os.access(path, os.W_OK) and os.access(folder, os.W_OK):
        return None
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except (AttributeError, OSError):
        pass
    return "there is no permission to write it"


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection to a database nobody here can write: mode=ro reads a WAL database whose
    -shm exists; otherwise the file is immutable for us (a cleanly closed index has its WAL
    checkpointed into the file, so nothing is missed)."""
    base = "file:" + urllib.parse.quote(str(path.resolve()))
    for query in ("?mode=ro", "?immutable=1"):
        conn = _connect(base + query, uri=True)
        try:
            conn.execute("SELECT count(*) FROM documents").fetchone()
            conn.execute("PRAGMA query_only=ON")
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            error = exc
    raise WorkbenchError(
        f"The index database {path} is read-only and could not be read ({error}); make it "
        "readable, or copy the index folder somewhere writable."
    ) from error


def _check_read_only_version(path: Path, conn: sqlite3.Connection, reason: str) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise WorkbenchError(
            f"The index {path} has schema version {version}, newer than this workbench "
            f"supports ({SCHEMA_VERSION}); upgrade the workbench package."
        )
    if version < SCHEMA_VERSION:
        raise WorkbenchError(
            f"The index {path} needs an upgrade to schema version {SCHEMA_VERSION}, but {reason}; "
            "make it writable once (or copy it somewhere writable) and open it again."
        )


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (also KeyboardInterrupt)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def open_writer(path: Path) -> sqlite3.Connection:
    """The writer connection: WAL, durable commits, schema migrated to SCHEMA_VERSION."""
    fix = f"move {path} aside and rebuild the index with `workbench index add`"
    try:
        conn = _connect(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.close()
            raise WorkbenchError(
                f"The index {path} has schema version {version}, newer than this "
                f"workbench supports ({SCHEMA_VERSION}); upgrade the workbench package."
            )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut
        conn.execute("PRAGMA foreign_keys=ON")
        if version < SCHEMA_VERSION:
            with transaction(conn):
                migrate_user_version(conn, version, INDEX_MIGRATIONS)
        conn.execute("SELECT count(*) FROM documents").fetchone()
        return conn
    except sqlite3.DatabaseError as exc:
        reason = read_only_reason(path)
        if reason or "readonly" in str(exc):
            raise WorkbenchError(
                f"The index database {path} cannot be written ({reason or exc}); make it "
                "writable to add or remove documents."
            ) from exc
        if "database or disk is full" in str(exc):
            raise WorkbenchError(
                f"The disk holding the index {path.parent} is full ({exc}); free some space "
                "and try again."
            ) from exc
        raise WorkbenchError(f"The index database {path} is corrupt ({exc}); {fix}.") from exc


class Database:
    """The index's SQLite file, shared by the threads of one process.

    Writes go through writing() / transaction() on the writer connection; any other thread
    reads on its own query-only connection (`connection`).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._write_lock = threading.RLock()
        self._writer_thread: int | None = None  # thread id inside writing(), if any
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        # A database nobody here may write is opened for reading only: checks, lists and
        # stats work on it, and a write says why it cannot happen (not "corrupt").
        self.read_only = read_only_reason(self.path)
        self.writer: sqlite3.Connection | None = None
        if self.read_only:
            probe = open_read_only(self.path)
            try:
                _check_read_only_version(self.path, probe, self.read_only)
            finally:
                probe.close()
        else:
            self.writer = open_writer(self.path)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Database]:
        """Make this thread the (only) writer: other writers wait, readers carry on."""
        with self._write_lock:
            previous, self._writer_thread = self._writer_thread, threading.get_ident()
            try:
                yield self
            finally:
                self._writer_thread = previous

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the writer connection, as this process's only writer."""
        with self.writing(), transaction(self._open_writer()) as conn:
            yield conn

    def is_writer(self) -> bool:
        """Whether this thread is inside writing()."""
        return self._writer_thread == threading.get_ident()

    def writing_elsewhere(self) -> bool:
        """Whether another thread of this process is inside writing() now."""
        writer = self._writer_thread
        return writer is not None and writer != threading.get_ident()

    def _open_writer(self) -> sqlite3.Connection:
        if self.writer is None and self.read_only and not self._closed:
            raise WorkbenchError(
                f"The index in {self.path.parent} is read-only ({self.read_only}); read commands "
                "work, but to add or remove documents make it writable (or copy it elsewhere)."
            )
        if self.writer is None:
            raise WorkbenchError(f"The index in {self.path.parent} is closed; open it again.")
        return self.writer

    def _check_open(self) -> None:
        if self._closed or (self.writer is None and not self.read_only):
            raise WorkbenchError(f"The index in {self.path.parent} is closed; open it again.")

    @property
    def connection(self) -> sqlite3.Connection:
        """This thread's connection: the writer's inside writing(), else its own reader."""
        if self.is_writer():
            return self._open_writer()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self._check_open()  # raises once closed
            if self.read_only:
                conn = open_read_only(self.path)
            else:
                conn = _connect(self.path)
                conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads inside see one committed state of the database, whatever writers do meanwhile."""
        conn = self.connection
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        self._closed = True
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
