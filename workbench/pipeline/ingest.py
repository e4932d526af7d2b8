"""Stage 1: turn files and records into normalised documents with metadata.

Each file format has its reader in pipeline/readers/ (registered by suffix); this module finds
the files, reads each through the size-bounded path and hands it to its format's reader. Every
document's text is normalised (see normalize.py) before it is stored, so offsets computed later
refer to exactly the text that is shown. A bad file or record is reported as one sentence and
never stops the batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import WorkbenchError
from .readers import READERS, SUPPORTED_SUFFIXES
from .readers.base import Pair, odd_record
from .readers.files import SURROGATES, display_path, read_bounded
from .readers.records import record_document


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Yield supported files under the given files/folders (recursive, sorted, no hidden)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(part.startswith(".") for part in rel):
                    continue
                # not is_file(): a pipe or device named .txt is reported by load_path, not ignored
                if not child.is_dir() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path


def load_path(path: Path) -> Iterator[Pair]:
    """Documents from one file, as (document, None) or (None, error sentence) pairs."""
    suffix = path.suffix.lower()
    name = display_path(path)
    try:
        if not path.exists():
            raise WorkbenchError(f"{name} does not exist; check the path.")
        if suffix not in SUPPORTED_SUFFIXES:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise WorkbenchError(f"{name} has an unsupported type; supported: {supported}.")
        data = read_bounded(path)  # regular files only, never past the size limit
        yield from READERS[suffix](path, data)
    except WorkbenchError as exc:
        yield None, str(exc)
    except OSError as exc:
        yield None, f"{name} could not be read ({exc.strerror or exc}); skipped it."
    except Exception as exc:  # noqa: BLE001 - one file must not sink the batch
        yield None, odd_record(name, exc)


def load_paths(
    paths: Iterable[str | os.PathLike],
) -> Iterator[Pair]:
    """Documents from files and folders (recursive); errors are yielded, never raised."""
    for path in iter_files(paths):
        yield from load_path(path)


def load_records(records: Iterable[dict], origin: str = "records") -> Iterator[Pair]:
    """Documents from in-memory dicts (id, title, text, date, url)."""
    for index, record in enumerate(records):
        where = f"record {index + 1}"
        if not isinstance(record, dict):
            yield None, f"{where} is not a dict; skipped it."
            continue
        try:
            source = SURROGATES.sub("\ufffd", str(record.get("url") or origin))
            yield record_document(record, where, f"{origin}#{index + 1}", source), None
        except WorkbenchError as exc:
            yield None, str(exc)
        except Exception as exc:  # noqa: BLE001 - one record must not sink the batch
            yield None, odd_record(where, exc)
