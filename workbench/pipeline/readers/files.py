"""Reading one input file safely: regular files only, never past the size limit, UTF-8 only.

Hostile input is bounded here, before anything expensive runs: a FIFO, a device or /proc file is
refused or cut off, UTF-16/32 and binary files are named as such, and ids and names are kept to
one line of valid text so listings and messages stay one line each.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from ...errors import WorkbenchError

MAX_FILE_MB = 100  # default per-file limit; WORKBENCH_MAX_FILE_MB overrides it


def max_file_bytes() -> int:
    """The largest file `add` reads (bytes): WORKBENCH_MAX_FILE_MB, else MAX_FILE_MB."""
    try:
        return int(float(os.environ.get("WORKBENCH_MAX_FILE_MB", MAX_FILE_MB)) * 1_000_000)
    except ValueError:
        return MAX_FILE_MB * 1_000_000


# C0/C1 controls and the Unicode line/paragraph separators: they break one-line listings
CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

SURROGATES = re.compile("[\ud800-\udfff]")


def _escape_controls(text: str) -> str:
    return CONTROL_CHARS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def display_path(path: str | os.PathLike) -> str:
    """A path as one line of valid text: undecodable bytes and control characters escaped
    (`caf\\xe9.txt`, `a\\nb.txt`), so ids, messages and listings stay one line each."""
    return _escape_controls(os.fsencode(path).decode("utf-8", "backslashreplace"))


def path_doc_id(path: Path) -> str:
    """A stable id for a file: its path relative to the working directory, else absolute."""
    resolved = path.resolve()
    try:
        return display_path(resolved.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return display_path(resolved.as_posix())


def _mb(n: float) -> str:
    return f"{n / 1e6:.3g} MB"


def _too_big(name: str, size: int | None, limit: int, configurable: bool) -> WorkbenchError:
    what = f"is {_mb(size)}, over" if size is not None else "is larger than"
    more = " (or raise WORKBENCH_MAX_FILE_MB)" if configurable else ""
    return WorkbenchError(
        f"{name} {what} the {_mb(limit)} limit for one file; split it into smaller files{more}."
    )


_SPECIAL_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _require_regular(name: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((kind for test, kind in _SPECIAL_KINDS if test(mode)), "a special file")
        raise WorkbenchError(
            f"{name} is not a regular file ({kind}); skipped it (copy its content into a "
            "file to add it)."
        )


def read_bounded(path: Path, limit: int | None = None) -> bytes:
    """All bytes of a regular file, at most `limit` bytes (default WORKBENCH_MAX_FILE_MB).

    st_size alone is not trusted: a FIFO would block the read forever, /dev/zero never ends and
    /proc files claim size 0, so the target is checked after resolving links (and again on the
    open descriptor, O_NONBLOCK so a pipe cannot block), and the read stops past the limit.
    """
    configurable = limit is None
    name, limit = display_path(path), max_file_bytes() if limit is None else limit
    _require_regular(name, os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    with os.fdopen(os.open(path, flags | getattr(os, "O_CLOEXEC", 0)), "rb") as handle:
        info = os.fstat(handle.fileno())
        _require_regular(name, info.st_mode)  # the path may have been swapped since the stat
        if info.st_size > limit:
            raise _too_big(name, info.st_size, limit, configurable)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_big(name, None, limit, configurable)
    return data


_WIDE_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """The encoding (UTF-16, UTF-32) whose byte-order mark starts `data`, else None."""
    return next((encoding for bom, encoding in _WIDE_BOMS if data.startswith(bom)), None)


def _check_wide_encoding(name: str, head: bytes) -> None:
    encoding = wide_encoding(head)
    if encoding:
        raise WorkbenchError(
            f"{name} is {encoding} text; save it as UTF-8 (e.g. `iconv -f {encoding} -t "
            "UTF-8 OLD > NEW`, or your editor's 'Save as UTF-8') and add it again."
        )


def _binary_error(name: str) -> WorkbenchError:
    return WorkbenchError(
        f"{name} looks like a binary file, not text; skipped it (convert it to text first)."
    )


def check_binary(name: str, data: bytes) -> None:
    """Text files: a NUL byte near the start means binary (UTF-16/32 are named as such)."""
    _check_wide_encoding(name, data[:4])
    if b"\x00" in data[:4096]:
        raise _binary_error(name)


def records_look_binary(data: bytes, jsonl: bool) -> bool:
    """For a file of records: binary only when its start is not UTF-8 or its first line (a CSV
    header, anything but a JSON object) holds a NUL; a stray NUL in one record is that
    record's fault, reported for it alone."""
    head = data[:4096]
    if b"\x00" not in head:
        return False
    first = head.split(b"\n", 1)[0]
    if b"\x00" in first and not (jsonl and first.lstrip(b" \t\xef\xbb\xbf").startswith(b"{")):
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return True
    return False


def check_records_binary(name: str, data: bytes, jsonl: bool) -> None:
    _check_wide_encoding(name, data[:4])
    if records_look_binary(data, jsonl):
        raise _binary_error(name)


def decode_utf8(name: str, data: bytes, then: str = "add it again") -> str:
    """UTF-8 text (BOM dropped); invalid bytes are an error naming the line and what to do."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise WorkbenchError(
            f"{name} is not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); "
            f"save it as UTF-8 and {then}."
        ) from None


def read_text_file(path: Path, data: bytes | None = None) -> str:
    name = display_path(path)
    data = read_bounded(path) if data is None else data
    check_binary(name, data)
    return decode_utf8(name, data)


def check_id(doc_id: str, where: str) -> None:
    """Ids are shown one per line and stored as UTF-8: refuse what would break either
    (WorkbenchError naming `where`)."""
    if SURROGATES.search(doc_id):
        raise WorkbenchError(
            f"{where} has an id that is not valid Unicode (it contains a lone surrogate such as "
            "\\udc80); fix the id."
        )
    if CONTROL_CHARS.search(doc_id):
        raise WorkbenchError(
            f"{where} has an id with a line break or other control character; give it an id on "
            "one line."
        )
