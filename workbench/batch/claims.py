"""Claims files in, results files out: reading claims, resumable JSONL/CSV result writers.

Results are appended and flushed one claim at a time, so a killed run leaves a valid file; on
resume a truncated last line is dropped and ids already present are skipped.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

from ..errors import WorkbenchError

CSV_COLUMNS = (
    "id",
    "claim",
    "verdict",
    "confidence",
    "n_evidence",
    "doc_id",
    "title",
    "date",
    "source",
    "sentence",
    "start",
    "end",
    "stance",
    "p_supports",
    "p_refutes",
    "p_neutral",
    "score",
)


MAX_CLAIMS_FILE_MB = 100


def read_claims(path: str | os.PathLike) -> list[dict]:
    """Claims from a .csv (header with a `claim` column) or .jsonl file: dicts id, claim, date.

    A line or row that cannot be read becomes a dict with an "error" sentence naming it (and no
    claim), so the rest of the file is still checked; check_many reports it for that claim.
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
        if record.get("error"):
            item["error"] = record["error"]
        out.append(item)
    return out


def _drop_partial_line(path: Path) -> None:
    """Cut a trailing line without newline (left by a kill mid-write)."""
    with open(path, "rb+") as handle:
        data = handle.read()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            handle.truncate(cut)


def done_ids(path: str | os.PathLike, fmt: str) -> set[str]:
    """Ids already in a results file (after dropping a truncated last line)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return set()
    _drop_partial_line(path)
    ids: set[str] = set()
    if fmt == "csv":
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("id") is not None:
                    ids.add(row["id"])
        return ids
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            ids.add(str(json.loads(line)["id"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            if number == len(lines):  # a damaged last line: drop it and redo that claim
                _truncate_last_line(path)
                break
            raise WorkbenchError(
                f"Line {number} of {path} is not a result object; move the file aside or fix it."
            ) from None
    return ids


def _truncate_last_line(path: Path) -> None:
    with open(path, "rb+") as handle:
        data = handle.read().rstrip(b"\n")
        handle.truncate(data.rfind(b"\n") + 1)


def _flat(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


class ResultWriter:
    """Appends one result per claim and flushes it to disk immediately."""

    def __init__(self, path: str | os.PathLike, fmt: str = "jsonl"):
        self.path = Path(path)
        self.fmt = fmt
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        self.handle = open(self.path, "ab")
        if fmt == "csv" and fresh:
            self._write_line(self._csv_line(CSV_COLUMNS))

    def _csv_line(self, values) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()

    def _write_line(self, line: str) -> None:
        """One write() call per line, then fsync: a kill leaves whole lines only."""
        data = line.encode("utf-8")
        fd = self.handle.fileno()
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)

    def write(self, result: dict) -> None:
        if self.fmt == "csv":
            top = result["evidence"][0] if result["evidence"] else {}
            row = {**{k: top.get(k, "") for k in CSV_COLUMNS}, **result}
            row["n_evidence"] = len(result["evidence"])
            self._write_line(self._csv_line([_flat(row.get(c, "")) for c in CSV_COLUMNS]))
        else:
            self._write_line(json.dumps(result, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
