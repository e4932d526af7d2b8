"""Files coming in through the UI: upload names, type and size checks, example claims.

Uploads are saved under ``<index>/uploads/`` with sanitised names (safe_filename), never
outside it, and written atomically so an edited document replaces its earlier version whole.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..batch.claims import read_claims
from ..errors import WorkbenchError
from ..storage.files import copy_file_atomic, write_bytes_atomic

DOC_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl", ".csv")
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".csv")  # what /add_text accepts
CLAIM_SUFFIXES = (".csv", ".jsonl")
TEMP_PREFIX = ".part-"  # hidden, so indexing the uploads folder never picks up a half file
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = ROOT / "index" / "sources"  # the corpus the example claims were written for


def safe_filename(name: str, default: str = "upload") -> str:
    """A file name safe to create inside a folder: no directories, no dot-files, ASCII-ish.

    ``../../x.txt`` -> ``x.txt``; ``..\\a b.md`` -> ``a_b.md``; ``.bashrc`` -> ``bashrc``.
    """
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r"[^\w.\-]+", "_", name, flags=re.ASCII)
    name = re.sub(r"_+", "_", name).strip("._-")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:100].strip("._-")
    if not stem:
        stem = default
    return f"{stem}.{suffix.lower()}" if suffix else stem


class UploadError(WorkbenchError, ValueError):
    """An upload was refused; the message is one human sentence."""


def _check_type(name: str, allowed: Iterable[str]) -> None:
    suffix = Path(name).suffix.lower()
    allowed = tuple(allowed)
    if suffix not in allowed:
        raise UploadError(type_refused_message(name, allowed))


def type_refused_message(name: str, allowed: Iterable[str]) -> str:
    """One sentence: the file, why it is refused, the supported formats, and what to do.

    ``report.docx cannot be added: .docx files are not supported; the allowed types are .txt,
    .md, .html, .htm, .pdf, .jsonl, .csv, so save it as PDF or plain text and add that.``
    """
    allowed = tuple(allowed)
    suffix = Path(name).suffix.lower()
    kind = f"{suffix} files are" if suffix else "files without an extension are"
    if ".pdf" in allowed or ".txt" in allowed:
        advice = "save it as PDF or plain text"
    else:  # claims files
        advice = "save it as " + " or ".join(s.lstrip(".").upper() for s in allowed)
    return (
        f"{name} cannot be added: {kind} not supported; the allowed types are "
        f"{', '.join(allowed)}, so {advice} and add that."
    )


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise UploadError(
            f"{name} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:g} MB per file."
        )


def check_upload(path: str | Path, allowed: Iterable[str], max_bytes: int) -> None:
    """Refuse (UploadError) a file of another type or over max_bytes."""
    name = Path(path).name
    _check_type(name, allowed)
    _check_size(name, os.path.getsize(path), max_bytes)


def _destination(uploads_dir: Path, name: str, default: str) -> Path:
    uploads_dir = Path(uploads_dir).resolve()
    uploads_dir.mkdir(parents=True, exist_ok=True)
    dest = (uploads_dir / safe_filename(name, default)).resolve()
    if dest.parent != uploads_dir:  # defence in depth; safe_filename already prevents this
        raise UploadError("That file name is not allowed.")
    return dest


def store_upload(src: str | Path, uploads_dir: Path, original_name: str | None = None) -> Path:
    """Copy an uploaded file into ``uploads_dir`` under a sanitised name; returns the path.

    The same name overwrites (atomically), so an edited document replaces its earlier version.
    """
    dest = _destination(uploads_dir, original_name or Path(src).name, "upload")
    copy_file_atomic(src, dest, TEMP_PREFIX)
    return dest


def store_text(name: str, text: str, uploads_dir: Path, max_bytes: int) -> Path:
    """Save text sent through the API as a document file (same rules as a browser upload)."""
    data = (text or "").encode("utf-8")
    safe = safe_filename(name or "document.txt", "document")
    if Path(safe).suffix.lower() not in TEXT_SUFFIXES:
        raise UploadError(
            f"{safe}: only {', '.join(TEXT_SUFFIXES)} documents can be added as text."
        )
    _check_size(safe, len(data), max_bytes)
    dest = _destination(uploads_dir, safe, "document")
    write_bytes_atomic(dest, data, TEMP_PREFIX)
    return dest


def example_claims(
    claims_dir: Path | None = None, limit: int = 50
) -> tuple[list[list[str]], list[str]]:
    """([[claim, date], ...] from claims/*.csv, [one sentence per file that could not be read]).

    Read with the same reader as `workbench verify`; a file it refuses is reported, not hidden.
    """
    claims_dir = claims_dir or ROOT / "claims"
    out: list[list[str]] = []
    problems: list[str] = []
    for path in sorted(Path(claims_dir).glob("*.csv")):
        try:
            items = read_claims(path)
        except WorkbenchError as exc:
            problems.append(str(exc))
            continue
        for item in items:
            claim = str(item.get("claim") or "").strip()
            if claim and not item.get("error"):
                out.append([claim, str(item.get("date") or "").strip()])
    seen: set[str] = set()
    unique = [e for e in out if not (e[0] in seen or seen.add(e[0]))]
    return unique[:limit], problems


def examples_fit_index(doc_ids: Iterable[str], corpus_dir: Path | None = None) -> bool:
    """Whether the example claims (claims/*.csv) fit an index: they were written for the
    default corpus (index/sources/), so they fit when the index holds at least one of its
    files, matched by file name (the default index, or a copy of its sources elsewhere)."""
    corpus_dir = Path(corpus_dir or DEFAULT_CORPUS)
    files = corpus_dir.iterdir() if corpus_dir.is_dir() else ()
    names = {p.name for p in files if p.is_file() and not p.name.startswith(".")}
    return any(Path(str(d).replace("\\", "/")).name in names for d in doc_ids)


def examples_for_index(
    doc_ids: Iterable[str], claims_dir: Path | None = None, corpus_dir: Path | None = None
) -> tuple[list[list[str]], list[str]]:
    """example_claims() when they fit the index (examples_fit_index), else ([], [])."""
    if not examples_fit_index(doc_ids, corpus_dir):
        return [], []
    return example_claims(claims_dir)
