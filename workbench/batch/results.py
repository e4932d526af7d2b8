"""Results files out: resumable JSONL / CSV writers, one fsynced line per claim.

Results are appended and flushed one claim at a time, so a killed run leaves a valid file; on
resume a truncated last line is dropped and ids already present are skipped. An existing file
is touched only when every line of it is a result of this format: anything else is refused
unchanged. CSV cells that a spreadsheet would run as a formula are neutralised (OWASP).
"""

from __future__ import annotations

import csv
import io
import json
import os
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
    # the best earlier fact-check of the claim (factchecks/), blank when none matched
    "previously_checked",
    "previously_checked_rating",
    "previously_checked_url",
)
# results files written before fact-check matching have only the first 17 columns; resuming
# one keeps its columns
LEGACY_CSV_COLUMNS = CSV_COLUMNS[:17]


# A cell starting with one of these is a formula (or starts one) in Excel, LibreOffice and Google
# Sheets (tab and carriage return too, but flattening removes those); OWASP's advice is a leading
# single quote. A value starting with a quote gets one more, so reading back can take one off.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_cell(value: object) -> object:
    """A value as one flat, spreadsheet-safe CSV cell: white space runs (newlines included)
    collapsed, a text starting like a formula prefixed with a single quote."""
    if not isinstance(value, str):
        return value
    flat = " ".join(value.split())
    return "'" + flat if flat.startswith(_FORMULA_START) else flat


def csv_value(cell: str) -> str:
    """The value of a cell csv_cell wrote (the protective quote taken off)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1] in _FORMULA_START else cell


def _not_results(path: Path, fmt: str, why: str) -> WorkbenchError:
    return WorkbenchError(
        f"{path} is not a {fmt.upper()} results file of `workbench verify` ({why}), so it was "
        "left as it is; give another -o file, or move this one aside."
    )


def _result_line(line: bytes) -> str | None:
    """The id of a JSONL result line, None when the line is not one."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or "id" not in record or "verdict" not in record:
        return None
    return str(record["id"])


def done_ids(path: str | os.PathLike, fmt: str) -> set[str]:
    """Ids already in a results file, which is checked before anything is changed: a file that
    is not (only) results of this format raises WorkbenchError untouched; of a results file,
    a truncated last line (a kill mid-write: no newline) is dropped so its claim is redone."""
    path = Path(path)
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return set()
    if not path.is_file():
        raise _not_results(path, fmt, "it is not a regular file")
    data = path.read_bytes()
    complete, _, partial = data.rpartition(b"\n")
    lines = complete.split(b"\n") if data.count(b"\n") else []
    ids: set[str] = set()
    if fmt == "csv":
        header = ",".join(CSV_COLUMNS).encode()
        if lines and lines[0].rstrip(b"\r") == ",".join(LEGACY_CSV_COLUMNS).encode():
            header = lines[0].rstrip(b"\r")
        if lines and lines[0].rstrip(b"\r") != header:
            raise _not_results(path, fmt, "its first line is not the results header")
        if not lines and not header.startswith(partial):
            raise _not_results(path, fmt, "it does not start with the results header")
        try:
            text = b"\n".join(lines).decode("utf-8")
            rows = list(csv.DictReader(io.StringIO(text, newline="")))
        except (UnicodeDecodeError, csv.Error):
            raise _not_results(path, fmt, "it is not UTF-8 CSV") from None
        for row in rows:
            if row.get("id") is None or row.get("verdict") is None:
                raise _not_results(path, fmt, "a row has fewer fields than the header")
            ids.add(csv_value(row["id"]))
        partial_ok = not partial or bool(lines) or header.startswith(partial)
    else:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            claim_id = _result_line(line)
            if claim_id is None:
                raise _not_results(path, fmt, f"line {number} is not a result object")
            ids.add(claim_id)
        # every result line starts like this (json.dumps of the result, "id" first); a kill may
        # have cut it anywhere, even inside this start
        start = b'{"id": '
        partial_ok = not partial or partial.startswith(start) or start.startswith(partial)
    if not partial_ok:
        raise _not_results(path, fmt, "its last line is not a result")
    if partial:  # a results file with a half-written last line: cut it, redo that claim
        with open(path, "rb+") as handle:
            handle.truncate(len(data) - len(partial))
    return ids


def result_verdicts(path: str | os.PathLike, fmt: str) -> dict[str, str]:
    """id -> verdict of every result in a results file (no file: none), e.g. to summarise a
    resumed run as a whole; read after done_ids has checked (and, if needed, mended) it."""
    path = Path(path)
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(text, newline=""))
        return {csv_value(row["id"]): csv_value(row["verdict"]) for row in rows}
    out = {}
    for line in text.splitlines():
        if line.strip():
            record = json.loads(line)
            out[str(record["id"])] = str(record["verdict"])
    return out


class ResultWriter:
    """Appends one result per claim and flushes it to disk immediately."""

    def __init__(self, path: str | os.PathLike, fmt: str = "jsonl"):
        self.path = Path(path)
        self.fmt = fmt
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        self.columns = CSV_COLUMNS
        if fmt == "csv" and not fresh:
            with open(self.path, "rb") as handle:
                first = handle.readline().rstrip(b"\r\n")
            if first == ",".join(LEGACY_CSV_COLUMNS).encode():
                self.columns = LEGACY_CSV_COLUMNS
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
            # "date" in the flat row is the top evidence's date (as before the claim date was
            # added to the result object), so resumed CSV files keep one meaning per column
            claim_fields = {k: v for k, v in result.items() if k != "date"}
            row = {**{k: top.get(k, "") for k in CSV_COLUMNS}, **claim_fields}
            row["n_evidence"] = len(result["evidence"])
            prior = (result.get("previously_checked") or [{}])[0]
            row["previously_checked"] = prior.get("claim", "")
            row["previously_checked_rating"] = prior.get("rating", "")
            row["previously_checked_url"] = prior.get("url") or ""
            self._write_line(self._csv_line([csv_cell(row.get(c, "")) for c in self.columns]))
        else:
            self._write_line(json.dumps(result, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
