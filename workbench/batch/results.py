"""Results files out: resumable JSONL / CSV writers, one fsynced line per claim.

Results are appended and flushed one claim at a time, so a killed run leaves a valid file; on
resume a truncated last line is dropped and ids already present are skipped.
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
)


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
            # "date" in the flat row is the top evidence's date (as before the claim date was
            # added to the result object), so resumed CSV files keep one meaning per column
            claim_fields = {k: v for k, v in result.items() if k != "date"}
            row = {**{k: top.get(k, "") for k in CSV_COLUMNS}, **claim_fields}
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
