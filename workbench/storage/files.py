"""The one atomic-write helper: readers (and a crash) see the old file or the new, never half.

The data goes to a temp file in the same folder, is fsynced, then os.replace()d onto the name.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, temp_prefix: str | None = None) -> Iterator[Path]:
    """Yield a temp path beside `path` to write; on success fsync it and move it onto `path`.

    temp_prefix: name the temp file `<prefix>XXXX` (default `<name>.XXXX.tmp`, which the index
    removes when a killed writer left one behind).
    """
    path = Path(path)
    if temp_prefix is None:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    else:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix, dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_bytes_atomic(
    path: str | os.PathLike, data: bytes, temp_prefix: str | None = None
) -> None:
    with atomic_path(path, temp_prefix) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike, payload: dict) -> None:
    write_text_atomic(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")


def copy_file_atomic(
    src: str | os.PathLike, dest: str | os.PathLike, temp_prefix: str | None = None
) -> None:
    with atomic_path(dest, temp_prefix) as tmp:
        shutil.copyfile(src, tmp)
