"""Files of records (.jsonl, .csv): one document per record (id, title, text, date, url; text
required). One bad record (deep nesting, a NUL byte, an id that would break a listing) is
reported without stopping the rest of its file."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from ...errors import WorkbenchError
from ...model.documents import SourceDocument
from .base import Pair, make_document, odd_record, reader
from .files import check_id, check_records_binary, decode_utf8, display_path, path_doc_id

Rows = Iterator[tuple[str, "dict | None", "str | None"]]


def _nul_error(where: str) -> str:
    return f"{where} contains a NUL byte (binary data); remove it (skipped it)."


def _iter_jsonl(path: Path, data: bytes) -> Rows:
    name = display_path(path)
    check_records_binary(name, data, jsonl=True)
    for number, raw in enumerate(io.BytesIO(data), start=1):
        where = f"line {number} of {name}"
        if b"\x00" in raw:
            yield where, None, _nul_error(where)
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield where, None, f"{where} is not valid UTF-8; save the file as UTF-8 (skipped)."
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            yield where, None, f"{where} is nested too deeply to read as JSON; skipped it."
            continue
        except ValueError as exc:  # JSONDecodeError, or an integer of over 4300 digits
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            yield where, None, f"{where} is not valid JSON ({reason}); fix it (skipped it)."
            continue
        if not isinstance(record, dict):
            yield where, None, f"{where} is not a JSON object; skipped it."
            continue
        yield where, record, None


def _iter_csv(path: Path, data: bytes) -> Rows:
    """Rows of a CSV file; a malformed row is reported by its (first) line number."""
    name = display_path(path)
    check_records_binary(name, data, jsonl=False)
    yield from csv_rows(name, decode_utf8(name, data), "text", "a CSV needs id,title,text,date,url")


def csv_rows(
    name: str,
    text: str,
    required: str,
    header_hint: str,
    where_word: str = "row",
    field_hint: str = "fields",
    skipped: str = " (skipped it)",
) -> Rows:
    """The one strict CSV reader (documents and claims files): (where, record, None) per row,
    or (where, None, error sentence) for a row that cannot be read, so one bad row never sinks
    the file. A header without the `required` column is a WorkbenchError."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise WorkbenchError(f"The header of {name} is not valid CSV ({exc}); fix it.") from None
    names = [(h or "").strip().lower() for h in header or []]
    if required not in names:
        raise WorkbenchError(f"{name} has no '{required}' column; {header_hint}.")
    line = reader.line_num
    while True:
        where = f"{where_word} {line + 1} of {name}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield where, None, f"{where} is not valid CSV ({exc}); fix its quoting{skipped}."
            return  # the reader cannot find the next row reliably after this
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if any("\x00" in cell for cell in row):
            yield where, None, f"{where} contains a NUL byte (binary data); remove it{skipped}."
        elif len(row) > len(names):
            yield (
                where,
                None,
                f"{where} has {len(row)} fields but the header has {len(names)}; quote "
                f"{field_hint} that contain commas{skipped}.",
            )
        else:
            yield where, {k: v for k, v in zip(names, row) if k}, None


def record_document(record: dict, where: str, default_id: str, source: str) -> SourceDocument:
    """One record (id, title, text, date, url) as a document; its own id is kept."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise WorkbenchError(f"{where} has no 'text'; every record needs one, so skipped it.")
    raw_id = record.get("id")
    doc_id = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else default_id
    explicit = doc_id != default_id
    if explicit:
        check_id(doc_id, where)
    title = record.get("title")
    doc = make_document(
        doc_id,
        text,
        str(title) if title is not None else None,
        record.get("date"),
        source,
        record.get("url"),
    )
    doc.explicit_id = explicit
    return doc


@reader(".jsonl")
def read_jsonl(path: Path, data: bytes) -> Iterator[Pair]:
    """Documents from a JSON Lines file, one object per line."""
    return _documents(path, _iter_jsonl(path, data))


@reader(".csv")
def read_csv(path: Path, data: bytes) -> Iterator[Pair]:
    """Documents from a CSV file with a header row."""
    return _documents(path, _iter_csv(path, data))


def _documents(path: Path, rows: Rows) -> Iterator[Pair]:
    """A document per record; a bad record yields an error, not an exception."""
    base = path_doc_id(path)
    for index, (where, record, error) in enumerate(rows):
        if error:
            yield None, error
            continue
        try:
            yield record_document(record, where, f"{base}#{index + 1}", display_path(path)), None
        except WorkbenchError as exc:
            yield None, str(exc)
        except Exception as exc:  # noqa: BLE001 - one record must not sink the file
            yield None, odd_record(where, exc)
