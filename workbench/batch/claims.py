"""Claims files in: the one strict reader of claims CSV / JSONL files (verify, eval, the UI).

A line or row that cannot be read is reported by number and the rest of the file is still read:
one bad line (malformed or too deeply nested JSON, a NUL byte, an id that is not one line of
valid text) never costs the others their check.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import WorkbenchError
from ..pipeline.readers.files import (
    check_id,
    decode_utf8,
    display_path,
    read_bounded,
    records_look_binary,
    wide_encoding,
)
from ..pipeline.readers.records import csv_rows

MAX_CLAIMS_FILE_MB = 100


def _records(name: str, text: str, csv_file: bool) -> Iterator[tuple[str, dict]]:
    """(where, record) per claim line/row; an unreadable one is {"error": sentence}."""
    if csv_file:
        yield from _csv_records(name, text)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"Line {number} of {name}"
        if not line.strip():
            continue
        if "\x00" in line:
            yield where, {"error": f"{where} contains a NUL byte; remove it."}
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            record = {"error": f"{where} is nested too deeply to read as JSON."}
        except ValueError as exc:  # JSONDecodeError, or an integer of over 4300 digits
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            record = {"error": f"{where} is not valid JSON ({reason})."}
        if not isinstance(record, dict):
            record = {"error": f"{where} is not a JSON object; fix it."}
        yield where, record


def _csv_records(name: str, text: str) -> Iterator[tuple[str, dict]]:
    rows = csv_rows(
        name,
        text,
        "claim",
        "a claims CSV needs a header id,claim[,date]",
        where_word="Row",
        field_hint="claims",
        skipped="",
    )
    for where, record, error in rows:
        yield where, record if error is None else {"error": error}


def _given_id(record: dict) -> str | None:
    raw = record.get("id")
    text = str(raw).strip() if raw is not None and not record.get("error") else ""
    return text or None


def _automatic_id(position: int, taken: set[str]) -> str:
    """The claim's position ("3"), unless a claim of the file has that id: then row-3, row-3-2,
    ... - never an id given in the file, so results and resumes cannot mix two claims up."""
    for candidate in (str(position), f"row-{position}"):
        if candidate not in taken:
            return candidate
    n = 2
    while f"row-{position}-{n}" in taken:
        n += 1
    return f"row-{position}-{n}"


def read_claims(path: str | os.PathLike, extra_fields: tuple[str, ...] = ()) -> list[dict]:
    """Claims from a .csv (header with a `claim` column) or .jsonl file: dicts id, claim, date,
    where ("Row 3 of FILE").

    A line or row that cannot be read becomes a dict with an "error" sentence naming it (and no
    claim), so the rest of the file is still checked; check_many reports it for that claim.
    A claim without an id gets its position in the file, made unique against the given ids.
    extra_fields (e.g. label, evidence for evaluation) are copied as given (None if absent).
    """
    path = Path(path)
    name = display_path(path)
    if not path.exists():
        raise WorkbenchError(f"The claims file {name} does not exist; check the path.")
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl", ".json"}:
        raise WorkbenchError(f"{name} is neither .csv nor .jsonl; give claims in one of those.")
    data = read_bounded(path, MAX_CLAIMS_FILE_MB * 1_000_000)
    encoding = wide_encoding(data)
    if encoding:
        raise WorkbenchError(
            f"{name} is {encoding} text; save it as UTF-8 (e.g. `iconv -f {encoding} -t UTF-8 "
            "OLD > NEW`) and rerun."
        )
    if records_look_binary(data, jsonl=suffix != ".csv"):
        raise WorkbenchError(f"{name} looks like a binary file; give claims as CSV or JSONL text.")
    text = decode_utf8(name, data, then="rerun")
    records = list(_records(name, text, suffix == ".csv"))
    taken = {given for _, record in records if (given := _given_id(record))}
    out = []
    for position, (where, record) in enumerate(records, start=1):
        claim_id = _given_id(record)
        if claim_id is not None:
            try:
                check_id(claim_id, where)
            except WorkbenchError as exc:
                record, claim_id = {"error": str(exc)}, None
        if claim_id is None:
            claim_id = _automatic_id(position, taken)
            taken.add(claim_id)
        item = {
            "id": claim_id,
            "claim": record.get("claim"),
            "date": record.get("date") or None,
            "where": where,
        }
        if extra_fields:
            folded = {str(k).strip().lower(): v for k, v in record.items()}
            for field_name in extra_fields:
                item[field_name] = folded.get(field_name)
        if record.get("error"):
            item["error"] = record["error"]
        out.append(item)
    return out
