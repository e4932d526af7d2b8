"""The readers' registry (one module per file format, keyed by suffix) and what they share.

A reader is a function ``read(path, data) -> Iterable[(document, None) | (None, error)]``
registered for its suffixes with @reader (or @document_reader for formats of one document per
file). Adding a format is one module in this folder: readers/__init__.py imports every module.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ...errors import WorkbenchError
from ...model.dates import parse_date
from ...model.documents import SourceDocument, fallback_title
from ..normalize import normalize_text
from .files import CONTROL_CHARS, SURROGATES

Pair = tuple["SourceDocument | None", "str | None"]
Reader = Callable[[Path, bytes], Iterable[Pair]]
READERS: dict[str, Reader] = {}  # suffix (".txt") -> reader


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    """Register a reader of (document, error) pairs for files with these suffixes."""

    def register(read: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix.lower()] = read
        return read

    return register


def document_reader(
    *suffixes: str,
) -> Callable[[Callable[[Path, bytes], SourceDocument]], Callable]:
    """Register a reader of one document per file (errors raised as WorkbenchError)."""

    def register(load: Callable[[Path, bytes], SourceDocument]) -> Callable:
        reader(*suffixes)(lambda path, data: [(load(path, data), None)])
        return load

    return register


_QUIET_LOGGERS = ("pypdf", "trafilatura", "htmldate", "courlan", "justext")

_quiet_lock = threading.Lock()

_quiet_users = 0

_saved_levels: dict[str, int] = {}


@contextlib.contextmanager
def quiet_libraries() -> Iterator[None]:
    """Silence the extractors' own log lines (their child loggers inherit the level): with no
    handler configured they reach stderr as stray lines between our one-sentence reports, and
    whatever made them fail is reported by us. Counted, so overlapping threads restore once."""
    global _quiet_users
    with _quiet_lock:
        if _quiet_users == 0:
            for name in _QUIET_LOGGERS:
                logger = logging.getLogger(name)
                _saved_levels[name] = logger.level
                logger.setLevel(logging.CRITICAL + 1)
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0:
                for name in _QUIET_LOGGERS:
                    logging.getLogger(name).setLevel(_saved_levels.pop(name, logging.NOTSET))


def one_line(title: str) -> str:
    """A title on one line: `index list` and the UI show one document per line."""
    return " ".join(title.split()) if CONTROL_CHARS.search(title) else title


def make_document(
    doc_id: str,
    text: str,
    title: str | None,
    date: object,
    source: str,
    url: object = None,
    empty_reason: str = "",
) -> SourceDocument:
    text = normalize_text(text).strip()
    if not text:
        raise WorkbenchError(
            f"{source} contains no text to index{empty_reason}; skipped it (add text to it, "
            "or leave it out)."
        )
    title = one_line(normalize_text(title).strip()) if title else ""
    url = SURROGATES.sub("\ufffd", str(url)).strip() if url else ""
    return SourceDocument(
        doc_id=doc_id,
        text=text,
        title=title or fallback_title(text),
        date=parse_date(date),
        source=source,
        url=url or None,
    )


def odd_record(where: str, exc: Exception) -> str:
    """One sentence for a record that failed in a way no check foresaw; the batch goes on."""
    if os.environ.get("WORKBENCH_DEBUG"):
        raise exc
    if isinstance(exc, RecursionError):
        return f"{where} is nested too deeply to read; skipped it."
    return f"{where} could not be read (unexpected {type(exc).__name__}); skipped it."
