"""Claims files in: the one strict reader of claims CSV / JSONL files (verify, eval, the UI).

A line or row that cannot be read is reported by number and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

from ..errors import WorkbenchError

MAX_CLAIMS_FILE_MB = 100


def read_claims(path: str | os.PathLike, extra_fields: tuple[str, ...] = ()) -> list[dict]:
    """Claims from a .csv (header with a `claim` column) or .jsonl file: dicts id, claim, date.

    A line or row that cannot be read becomes a dict with an "error" sentence naming it (and no
    claim), so the rest of the file is still checked; check_many reports it for that claim.
    extra_fields (e.g. label, evidence for evaluation) are copied as given (None if absent).
    """
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"The claims file {path} does not exist; check the path.")
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl", ".json"}:
        raise WorkbenchError(f"{path} is neither .csv nor .jsonl; give claims in one of those.")
    size = path.stat().st_size
    if size > MAX_CLAIMS_FILE_MB * 1_000_000:
        raise WorkbenchError(
            f"{path} is {size / 1e6:.0f} MB, over the {MAX_CLAIMS_FILE_MB} MB limit for a claims "
            "file; split it into smaller files."
        )
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise WorkbenchError(f"{path} looks like a binary file; give claims as CSV or JSONL text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise WorkbenchError(
            f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8 and rerun."
        ) from None
    claims: list[dict] = []
    if suffix == ".csv":
        csv.field_size_limit(sys.maxsize)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise WorkbenchError(f"The header of {path} is not valid CSV ({exc}).") from None
        names = [(n or "").strip().lower() for n in header or []]
        if "claim" not in names:
            raise WorkbenchError(
                f"{path} has no 'claim' column; a claims CSV needs a header id,claim[,date]."
            )
        line = reader.line_num
        while True:
            first = line + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                claims.append(
                    {"error": f"Row {first} of {path} is not valid CSV ({exc}); fix its quoting."}
                )
                break  # the reader cannot find the next row reliably after this
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(names):
                claims.append(
                    {
                        "error": f"Row {first} of {path} has {len(row)} fields but the header "
                        f"has {len(names)}; quote claims that contain commas."
                    }
                )
                continue
            claims.append({k: v for k, v in zip(names, row) if k})
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                record = {"error": f"Line {number} of {path} is not valid JSON ({exc.msg})."}
            if not isinstance(record, dict):
                record = {"error": f"Line {number} of {path} is not a JSON object; fix it."}
            claims.append(record)
    out = []
    for index, record in enumerate(claims, start=1):
        raw_id = record.get("id")
        claim_id = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else str(index)
        item = {"id": claim_id, "claim": record.get("claim"), "date": record.get("date") or None}
        if extra_fields:
            folded = {str(k).strip().lower(): v for k, v in record.items()}
            for name in extra_fields:
                item[name] = folded.get(name)
        if record.get("error"):
            item["error"] = record["error"]
        out.append(item)
    return out
