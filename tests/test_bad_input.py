"""Bad input, table-driven: every case gets one clear sentence that names the file, line or value
and says what to do; the rest of the batch still goes through; nothing already indexed is lost;
never a traceback. Exercised through the CLI (click's CliRunner, as a user types it) and the API.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench import Workbench, WorkbenchError
from workbench.cli import main

from .conftest import SEED_CLAIM

GOOD_TEXT = "The Quillon dam was finished in 1987. It holds back the Quillon river.\n"
GOOD_CLAIM = "The Quillon dam was finished in 1987."


def _pdf_without_text(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)  # a scan without OCR has no text layer either
    with open(path, "wb") as f:
        writer.write(f)


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as f:
        f.truncate(size)  # 200 MB on paper, no disk used, created instantly


# name -> (file name, content bytes or a writer, expected words in the message, good records)
# "good records" counts documents inside the bad file that must still be added.
FILE_CASES = {
    "empty-txt": ("empty.txt", b"", ["empty.txt", "no text"], 0),
    "whitespace-md": ("blank.md", b"  \n\t\n   \n", ["blank.md", "no text"], 0),
    "nul-bytes-txt": ("nul.txt", b"abc\x00\x01\x02def", ["nul.txt", "binary"], 0),
    "png-named-txt": (
        "photo.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        ["photo.txt", "binary"],
        0,
    ),
    "latin1-txt": ("latin1.txt", "Café au lait.\n".encode("latin-1"), ["latin1.txt", "UTF-8"], 0),
    "bad-utf8-line-3": (
        "notes.md",
        b"# Notes\nfine line\nbad \xff\xfe byte\n",
        ["notes.md", "line 3", "save it as UTF-8"],
        0,
    ),
    "200mb-txt": (
        "huge.txt",
        lambda p: _sparse(p, 200_000_000),
        ["huge.txt", "200 MB", "limit"],
        0,
    ),
    "pdf-no-text-layer": ("scan.pdf", _pdf_without_text, ["scan.pdf", "OCR"], 0),
    "pdf-garbage": ("broken.pdf", b"%PDF-1.4 garbage \x00\x01", ["broken.pdf", "PDF"], 0),
    "html-only-scripts": (
        "app.html",
        b"<html><head><script>var a = 1;</script></head>"
        b"<body><script>document.write('x')</script><noscript></noscript></body></html>",
        ["app.html", "no text"],
        0,
    ),
    "html-empty-body": ("empty.htm", b"<html><body>   </body></html>", ["empty.htm", "no text"], 0),
    "jsonl-malformed-line": (
        "recs.jsonl",
        b'{"id": "ok1", "text": "Good record one."}\n{"id": "x", "text": \n'
        b'{"id": "ok2", "text": "Good record two."}\n',
        ["line 2 of", "recs.jsonl", "not valid JSON"],
        2,
    ),
    "jsonl-not-object": (
        "list.jsonl",
        b'[1, 2, 3]\n{"id": "ok", "text": "A good record."}\n',
        ["line 1 of", "list.jsonl", "JSON object"],
        1,
    ),
    "jsonl-missing-text": (
        "notext.jsonl",
        b'{"id": "ok", "text": "Has text."}\n{"id": "t2", "title": "No text"}\n',
        ["line 2 of", "notext.jsonl", "'text'"],
        1,
    ),
    "jsonl-empty-text": (
        "emptytext.jsonl",
        b'{"id": "e", "text": "   "}\n{"id": "ok", "text": "Fine."}\n',
        ["line 1 of", "emptytext.jsonl", "'text'"],
        1,
    ),
    "jsonl-bad-utf8-line": (
        "enc.jsonl",
        b'{"id": "ok", "text": "Fine."}\n{"id": "b", "text": "caf\xe9"}\n',
        ["line 2 of", "enc.jsonl", "UTF-8"],
        1,
    ),
    "csv-no-text-column": (
        "cols.csv",
        b"id,body\n1,hello\n",
        ["cols.csv", "'text' column"],
        0,
    ),
    "csv-unclosed-quote": (
        "quote.csv",
        b'id,text\nok,Fine text.\nq,"never closed\n',
        ["row 3 of", "quote.csv", "quoting"],
        1,
    ),
    "csv-too-many-fields": (
        "fields.csv",
        b"id,text\nx,one,two,three\nok,Fine text.\n",
        ["row 2 of", "fields.csv", "quote fields"],
        1,
    ),
    "csv-missing-text": (
        "missing.csv",
        b"id,title,text\nm,Title only,\nok,T,Fine text.\n",
        ["row 2 of", "missing.csv", "'text'"],
        1,
    ),
    "csv-binary": (
        "bin.csv",
        b"PK\x03\x04\x14\x00\x08\x00\x08\x00" + bytes(range(256)),  # an .xlsx renamed
        ["bin.csv", "binary"],
        0,
    ),
    "csv-nul-in-one-row": (
        "nul.csv",
        b"id,text\n1,a\x00b\nok,Fine text.\n",
        ["row 2 of", "nul.csv", "NUL byte"],
        1,
    ),
    "csv-id-with-newline": (
        "nlid.csv",
        b'id,text\n"two\nlines",Bad id.\nok,Fine text.\n',
        ["row 2 of", "nlid.csv", "line break"],
        1,
    ),
    "jsonl-deeply-nested": (
        "nested.jsonl",
        b"[" * 100_000 + b'\n{"id": "ok", "text": "A good record."}\n',
        ["line 1 of", "nested.jsonl", "nested too deeply"],
        1,
    ),
    "jsonl-huge-number": (
        "big.jsonl",
        b'{"id": 1' + b"1" * 5000 + b', "text": "Too many digits."}\n'
        b'{"id": "ok", "text": "A good record."}\n',
        ["line 1 of", "big.jsonl", "not valid JSON"],
        1,
    ),
    "jsonl-id-with-newline": (
        "nlid.jsonl",
        b'{"id": "two\\nlines", "text": "Bad id."}\n{"id": "ok", "text": "A good record."}\n',
        ["line 1 of", "nlid.jsonl", "line break"],
        1,
    ),
    "jsonl-id-lone-surrogate": (
        "sid.jsonl",
        b'{"id": "x\\udc80", "text": "Bad id."}\n{"id": "ok", "text": "A good record."}\n',
        ["line 1 of", "sid.jsonl", "not valid Unicode"],
        1,
    ),
    "jsonl-nul-in-one-line": (
        "nul.jsonl",
        b'{"id": "n", "text": "a\x00b"}\n{"id": "ok", "text": "A good record."}\n',
        ["line 1 of", "nul.jsonl", "NUL byte"],
        1,
    ),
    "utf16-bom-txt": (
        "wide.txt",
        "Caf\u00e9 au lait.\n".encode("utf-16"),
        ["wide.txt", "UTF-16", "UTF-8", "iconv"],
        0,
    ),
    "utf16-bom-csv": (
        "wide.csv",
        "id,text\n1,Caf\u00e9.\n".encode("utf-16"),
        ["wide.csv", "UTF-16", "UTF-8"],
        0,
    ),
    "symlink-to-device": (
        "null.txt",
        lambda p: p.symlink_to(os.devnull),
        ["null.txt", "not a regular file", "device"],
        0,
    ),
    "html-nested-without-text": (
        "deep.html",
        b"<html><body>" + b"<div>" * 5000 + b"</div>" * 5000 + b"</body></html>",
        ["deep.html", "no text", "nested"],
        0,
    ),
    "csv-bad-utf8": ("enc.csv", b"id,text\n1,ok\n2,caf\xe9\n", ["enc.csv", "line 3", "UTF-8"], 0),
}


def _make_file(folder: Path, case: str) -> tuple[Path, list[str], int]:
    name, content, words, good = FILE_CASES[case]
    path = folder / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    return path, words, good


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def _one_sentence(line: str) -> None:
    assert line.endswith((".", ")")), line
    assert "Traceback" not in line and "\n" not in line.strip()


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_bad_file_via_cli(case, cli, seed_index, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT)
    path, words, good = _make_file(folder, case)
    started = time.monotonic()
    result = cli("index", "add", folder, "--index", seed_index, "--json")
    assert time.monotonic() - started < 120
    assert result.exit_code == 1  # something was skipped
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    assert len(report["errors"]) == 1, report["errors"]
    message = report["errors"][0]
    _one_sentence(message)
    for word in words:
        assert word in message, message
    assert len(report["added"]) == 1 + good  # good.txt and the good records still go in
    plain = cli("index", "add", path, "--index", seed_index)
    lines = plain.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Skipped: ") and path.name in lines[0]
    listing = json.loads(cli("index", "list", "--index", seed_index, "--json").stdout)
    assert len(listing) == 2 + good  # the seed document is still there


@pytest.mark.parametrize(
    "case", ["latin1-txt", "200mb-txt", "jsonl-malformed-line", "csv-bad-utf8"]
)
def test_bad_file_via_api(case, seed_index, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT)
    path, words, good = _make_file(folder, case)
    with Workbench.open(seed_index) as wb:
        report = wb.add([folder])
        assert len(report.errors) == 1 and all(w in report.errors[0] for w in words)
        assert len(report.added) == 1 + good
        assert len(wb.documents()) == 2 + good
        assert any("Quillon" in h.sentence for h in wb.search(GOOD_CLAIM, top_k=3))


def test_size_limit_is_configurable(seed_index, tmp_path, monkeypatch):
    path = tmp_path / "mid.txt"
    path.write_text("Small enough in bytes but over a tiny limit. " * 100)
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "0.001")
    with Workbench.open(seed_index) as wb:
        report = wb.add([path])
    assert report.added == [] and "WORKBENCH_MAX_FILE_MB" in report.errors[0]


def test_fifo_is_refused_not_waited_on(seed_index, tmp_path):
    """A named pipe called .txt is refused at once; reading it would wait for a writer forever."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT)
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)

    def writer() -> None:  # before the fix this fed the pipe, so the read returned a document
        with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as handle:
            handle.write(b"Text that came down a pipe.\n")  # no reader left: a broken pipe

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with Workbench.open(seed_index) as wb:
            report = wb.add([folder])
    finally:
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # release a writer still waiting
        thread.join(timeout=10)
    assert len(report.added) == 1 and len(report.errors) == 1, report
    assert "pipe.txt is not a regular file" in report.errors[0] and "pipe" in report.errors[0]
    _one_sentence(report.errors[0])


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_reads_are_bounded_when_the_size_lies(seed_index, tmp_path, monkeypatch):
    """/proc files report size 0 but have content: the read itself must stop at the limit."""
    link = tmp_path / "maps.txt"
    link.symlink_to("/proc/self/maps")
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "0.0001")  # 100 bytes
    with Workbench.open(seed_index) as wb:
        report = wb.add([link])
    assert report.added == [] and len(report.errors) == 1, report
    assert "maps.txt" in report.errors[0] and "WORKBENCH_MAX_FILE_MB" in report.errors[0]


def test_lone_surrogates_in_records_are_replaced_not_fatal(cli, seed_index, tmp_path):
    """JSON can spell a lone surrogate (\\udc80) that no UTF-8 database can store; the text is
    cleaned (U+FFFD, one character for one, so offsets hold) and the batch goes on."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT)
    (folder / "recs.jsonl").write_bytes(
        b'{"id": "s1", "title": "T \\ud800", "text": "Broken \\udc80 text here."}\n'
        b'{"id": "s2", "text": "A good record.", "url": "https://x.org/\\udfff"}\n'
    )
    result = cli("index", "add", folder, "--index", seed_index, "--json")
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(result.stdout)["added"])[-2:] == ["s1", "s2"]
    with Workbench.open(seed_index) as wb:
        doc = wb.document("s1")
        assert doc.text == "Broken \ufffd text here." and doc.title == "T \ufffd"
        report = wb.add_records([{"id": "s3", "text": "Also \udc80 fine."}, {"text": "Plain."}])
        assert report.errors == [] and len(report.added) == 2
        assert wb.document("s3").text == "Also \ufffd fine."


def test_odd_ids_keep_index_list_one_line_per_document(cli, seed_index, tmp_path):
    """File names may hold line breaks, tabs or undecodable bytes; ids are escaped at ingest so
    `index list` stays one line per document (and the JSON round-trips)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    names = [b"two\nlines.txt", b"tab\there.txt", b"caf\xe9.txt"]
    for i, name in enumerate(names):
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(b"Document %d has a sentence.\n" % i)
    result = cli("index", "add", folder, "--index", seed_index, "--json")
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)["added"]
    assert len(added) == 3
    assert all("\n" not in d and "\t" not in d for d in added)
    assert any(d.endswith("two\\nlines.txt") for d in added)
    assert any(d.endswith("caf\\xe9.txt") for d in added)
    listing = cli("index", "list", "--index", seed_index)
    assert listing.exit_code == 0
    lines = listing.stdout.strip().splitlines()
    assert len(lines) == 4 and all(line.count("\t") == 3 for line in lines), lines


def test_missing_and_unsupported_paths(cli, seed_index, tmp_path):
    (tmp_path / "tool.exe").write_bytes(b"MZ")
    (tmp_path / "good.txt").write_text(GOOD_TEXT)
    result = cli(
        "index", "add", tmp_path / "nope.txt", tmp_path / "tool.exe", tmp_path / "good.txt",
        "--index", seed_index,
    )  # fmt: skip
    assert result.exit_code == 1 and "1 added" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "nope.txt does not exist" in lines[0] and "check the path" in lines[0]
    assert "tool.exe has an unsupported type" in lines[1] and ".txt" in lines[1]


def test_directory_of_thousands_of_small_files(cli, tmp_path, embedder):
    folder = tmp_path / "many"
    n = 2000
    for i in range(n):
        sub = folder / f"part{i % 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"note{i:05d}.txt").write_text(f"Note {i} records reading {i * 7} on the gauge.\n")
    (folder / "part00" / "zero.txt").write_text("")
    (folder / "part01" / "bin.md").write_bytes(b"\x00" * 10)
    index = tmp_path / "index"
    started = time.monotonic()
    result = cli("index", "add", folder, "--index", index, "--json")
    elapsed = time.monotonic() - started
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and len(report["added"]) == n and len(report["errors"]) == 2
    again = json.loads(cli("index", "add", folder, "--index", index, "--json").stdout)
    assert len(again["unchanged"]) == n and again["added"] == []
    assert elapsed < 600, f"{n} files took {elapsed:.0f}s"  # a sanity bound, not a benchmark


# -- claims --------------------------------------------------------------------------------
# claim -> None when it must be checked normally, else words the error message must contain
CLAIM_CASES = {
    "empty": ("", ["empty"]),
    "whitespace": ("  \n\t  ", ["empty"]),
    "10000-chars": ("The dam is tall. " * 588 + "x" * 4, ["10000 characters", "limit"]),
    "only-a-number": ("42", None),
    "emoji": ("🙂🔥🌍 🚀", None),
    "russian": ("Ереван отрицает военное присутствие в Карабахе", None),
    "chinese": ("埃里温否认在卡拉巴赫有军事存在", None),
    "arabic-rtl": ("يريفان تنفي وجودها العسكري في كاراباخ", None),
    "control-chars": ("Yerevan\x00 denies\x07 presence\x1b[31m", None),
    "fts-syntax": ('AND OR NOT "unbalanced * ( NEAR/3 ) ^col:', None),
    "html-payload": ("<script>alert(1)</script><img src=x onerror=alert(2)>", None),
    "one-char": ("x", None),
}


@pytest.mark.parametrize("case", sorted(CLAIM_CASES))
def test_claim_via_cli(case, cli, seed_index, tiny_stance):
    claim, words = CLAIM_CASES[case]
    result = cli(
        "check", claim, "--index", seed_index, "--stance-model", tiny_stance, "--json", "--top-k", 3
    )
    assert "Traceback" not in result.output
    if words is None:
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        assert payload["verdict"] in {"SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"}
    else:
        assert result.exit_code == 1 and result.stdout == ""
        line = result.stderr.strip()
        assert line.startswith("Error: ") and "\n" not in line
        _one_sentence(line)
        assert all(w in line for w in words), line


def test_claims_via_api_and_check_many(seed_index, tiny_stance):
    """check() raises one sentence per bad claim; check_many() reports it and goes on."""
    with Workbench.open(seed_index, stance_model=str(tiny_stance)) as wb:
        for claim, words in CLAIM_CASES.values():
            if words:
                with pytest.raises(WorkbenchError) as info:
                    wb.check(claim)
                assert all(w in str(info.value) for w in words)
            else:
                assert wb.check(claim, top_k=3).verdict
        items = [{"id": k, "claim": c} for k, (c, _) in CLAIM_CASES.items()]
        results = list(wb.check_many(items + [{"id": "seed", "claim": SEED_CLAIM}], top_k=3))
    assert [r.id for r in results] == [*CLAIM_CASES, "seed"]
    for r in results:
        bad = CLAIM_CASES.get(r.id, ("", None))[1]
        assert (r.error is not None) == bool(bad)
        if bad:
            assert r.error.startswith(f"Claim {r.id}: ")
    assert results[-1].evidence


@pytest.mark.parametrize(
    "args, words",
    [
        (["--date", "2023-13-45"], ["2023-13-45", "YYYY-MM-DD"]),
        (["--date", "yesterday"], ["yesterday", "YYYY-MM-DD"]),
    ],
    ids=["impossible-date", "word-date"],
)
def test_bad_claim_date(args, words, cli, seed_index, tiny_stance):
    result = cli("check", SEED_CLAIM, "--index", seed_index, "--stance-model", tiny_stance, *args)
    assert result.exit_code == 1 and all(w in result.stderr for w in words)
    _one_sentence(result.stderr.strip())


# -- claims files for `workbench verify` -----------------------------------------------------
CLAIMS_FILE_CASES = {
    # name: (file name, content, words, ids written, exit code)
    "jsonl-malformed-line": (
        "c.jsonl",
        b'{"id": "a", "claim": "The dam was built."}\n{"id": "b", "claim": \n'
        b'{"id": "c", "claim": "The river is long."}\n',
        ["Line 2 of", "c.jsonl", "not valid JSON"],
        ["a", "c"],
        1,
    ),
    "jsonl-not-object": (
        "c.jsonl",
        b'"just a string"\n{"id": "a", "claim": "The dam was built."}\n',
        ["Line 1 of", "JSON object"],
        ["a"],
        1,
    ),
    "jsonl-missing-claim": (
        "c.jsonl",
        b'{"id": "a", "claim": "The dam was built."}\n{"id": "b", "text": "wrong field"}\n',
        ["Claim b", "empty"],
        ["a"],
        1,
    ),
    "csv-too-many-fields": (
        "c.csv",
        b"id,claim\na,The dam was built.\nb,One, two, three\nc,The river is long.\n",
        ["Row 3 of", "c.csv", "quote claims"],
        ["a", "c"],
        1,
    ),
    "csv-unclosed-quote": (
        "c.csv",
        b'id,claim\na,The dam was built.\nb,"never closed\n',
        ["Row 3 of", "c.csv", "quoting"],
        ["a"],
        1,
    ),
    "csv-no-claim-column": ("c.csv", b"id,text\n1,hello\n", ["c.csv", "'claim' column"], [], 1),
    "csv-bad-utf8": ("c.csv", b"id,claim\n1,caf\xe9\n", ["c.csv", "line 2", "UTF-8"], [], 1),
    "binary": ("c.jsonl", b"\x00\x01\x02" * 10, ["c.jsonl", "binary"], [], 1),
    "wrong-type": ("c.txt", b"The dam was built.\n", ["c.txt", ".csv", ".jsonl"], [], 1),
    "missing-file": (None, None, ["does not exist", "check the path"], [], 1),
    "too-long-claim": (
        "c.jsonl",
        json.dumps({"id": "long", "claim": "x " * 3000}).encode()
        + b'\n{"id": "a", "claim": "The dam was built."}\n',
        ["Claim long", "limit"],
        ["a"],
        1,
    ),
    "jsonl-deeply-nested": (
        "c.jsonl",
        b"[" * 100_000 + b'\n{"id": "a", "claim": "The dam was built."}\n',
        ["Line 1 of", "c.jsonl", "nested too deeply"],
        ["a"],
        1,
    ),
    "jsonl-huge-number": (
        "c.jsonl",
        b'{"id": 1'
        + b"1" * 5000
        + b', "claim": "x"}\n{"id": "a", "claim": "The dam was built."}\n',
        ["Line 1 of", "c.jsonl", "not valid JSON"],
        ["a"],
        1,
    ),
    "jsonl-id-lone-surrogate": (
        "c.jsonl",
        b'{"id": "x\\udc80", "claim": "The river is long."}\n'
        b'{"id": "a", "claim": "The dam was built."}\n',
        ["Line 1 of", "c.jsonl", "not valid Unicode"],
        ["a"],
        1,
    ),
    "csv-id-with-newline": (
        "c.csv",
        b'id,claim\n"x\ny",The river is long.\na,The dam was built.\n',
        ["Row 2 of", "c.csv", "line break"],
        ["a"],
        1,
    ),
    "csv-nul-in-one-row": (
        "c.csv",
        b"id,claim\nn,The river\x00 is long.\na,The dam was built.\n",
        ["Row 2 of", "c.csv", "NUL byte"],
        ["a"],
        1,
    ),
    "csv-utf16": (
        "c.csv",
        "id,claim\na,The dam was built.\n".encode("utf-16"),
        ["c.csv", "UTF-16", "UTF-8"],
        [],
        1,
    ),
    "csv-duplicate-id": (
        "c.csv",
        b"id,claim\na,The dam was built.\na,The river is long.\n",
        ["Claim id a", "row 3 of", "c.csv", "appears twice"],
        ["a"],
        1,
    ),
    "jsonl-bad-line-and-given-id-1": (
        "c.jsonl",
        b'not json\n{"id": "1", "claim": "The dam was built."}\n',
        ["Line 1 of", "not valid JSON"],
        ["1"],  # the unreadable line's automatic id used to be "1" and hid this claim
        1,
    ),
}


@pytest.mark.parametrize("case", sorted(CLAIMS_FILE_CASES))
def test_bad_claims_file(case, cli, seed_index, tiny_stance, tmp_path):
    name, content, words, ids, code = CLAIMS_FILE_CASES[case]
    path = tmp_path / (name or "absent.jsonl")
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "results.jsonl"
    args = ["verify", path, "-o", out, "--index", seed_index, "--stance-model", tiny_stance]
    result = cli(*args, "--quiet", "--top-k", 2)
    assert result.exit_code == code and "Traceback" not in result.output
    lines = [x for x in result.stderr.splitlines() if x.startswith(("Skipped:", "Error:"))]
    assert lines, result.stderr
    assert any(all(w in x for w in words) for x in lines), lines
    for line in lines:
        _one_sentence(line)
    written = [json.loads(x)["id"] for x in out.read_text().splitlines()] if out.exists() else []
    assert written == ids  # the readable claims were checked anyway


def _verify(cli, claims, out, seed_index, tiny_stance, *extra):
    args = ["verify", claims, "-o", out, "--index", seed_index, "--stance-model", tiny_stance]
    return cli(*args, "--quiet", "--top-k", 2, *extra)


@pytest.mark.parametrize(
    "name, content, ids",
    [
        (
            "c.csv",
            "id,claim\n3,The dam was built.\n,The river is long.\n,The lake is deep.\n",
            ["3", "2", "row-3"],
        ),
        (
            "c.jsonl",
            '{"id": "2", "claim": "The dam was built."}\n{"claim": "The river is long."}\n'
            '{"claim": "The lake is deep."}\n',
            ["2", "row-2", "3"],
        ),
    ],
    ids=["csv", "jsonl"],
)
def test_automatic_ids_never_collide_with_given_ones(
    name, content, ids, cli, seed_index, tiny_stance, tmp_path
):
    """A claim without an id is named by its row number unless another claim has that id."""
    claims, out = tmp_path / name, tmp_path / "results.jsonl"
    claims.write_text(content)
    result = _verify(cli, claims, out, seed_index, tiny_stance)
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ids
    again = _verify(cli, claims, out, seed_index, tiny_stance)
    assert again.exit_code == 0 and "0 to go" in again.stderr
    assert len(out.read_text().splitlines()) == 3


def test_a_repeated_id_fails_the_run_every_time(cli, seed_index, tiny_stance, tmp_path):
    """The second claim with an id is not checked, so the run exits 1, also when resumed."""
    claims, out = tmp_path / "c.csv", tmp_path / "results.jsonl"
    claims.write_text("id,claim\na,The dam was built.\nb,The lake is deep.\na,The river.\n")
    for _ in range(2):
        result = _verify(cli, claims, out, seed_index, tiny_stance)
        assert result.exit_code == 1 and "Claim id a (row 4 of" in result.stderr
        assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a", "b"]


@pytest.mark.parametrize("name", ["c.jsonl", "c.csv"])
def test_verify_refuses_to_write_into_its_claims_file(name, cli, seed_index, tiny_stance, tmp_path):
    claims = tmp_path / name
    content = (
        b'{"id": "a", "claim": "The dam was built."}\n'
        if name.endswith(".jsonl")
        else b"id,claim\na,The dam was built.\n"
    )
    claims.write_bytes(content)
    (tmp_path / "link").symlink_to(claims)
    for output in (claims, tmp_path / "link", tmp_path / "." / name):
        result = _verify(cli, claims, output, seed_index, tiny_stance)
        assert result.exit_code == 1, result.output
        line = result.stderr.strip()
        assert "is the claims file" in line and "itself" in line and name in line, line
        _one_sentence(line.splitlines()[-1])
    assert claims.read_bytes() == content


OTHER_FILES = {
    "notes-without-final-newline": ("notes.md", b"# Notes\nfirst line\nlast line, no newline"),
    "other-jsonl": ("data.jsonl", b'{"name": "x"}\n{"name": "y", "cut'),
    "other-csv": ("people.csv", b"name,age\nann,3\nbob,4"),
    "jsonl-results-as-csv": ("r.csv", b'{"id": "a", "claim": "c", "verdict": "SUPPORTED"}\n'),
    "csv-results-as-jsonl": (
        "r.jsonl",
        b"id,claim,verdict,confidence,n_evidence,doc_id,title,date,source,sentence,start,end,"
        b"stance,p_supports,p_refutes,p_neutral,score\n",
    ),
}


@pytest.mark.parametrize("case", sorted(OTHER_FILES))
def test_verify_never_modifies_a_file_that_is_not_its_results(
    case, cli, seed_index, tiny_stance, tmp_path
):
    """Resuming used to cut a "partial" last line off any file named by -o, then fail."""
    name, content = OTHER_FILES[case]
    claims, out = tmp_path / "c.jsonl", tmp_path / name
    claims.write_text(json.dumps({"id": "a", "claim": "The dam was built."}) + "\n")
    out.write_bytes(content)
    result = _verify(cli, claims, out, seed_index, tiny_stance)
    assert result.exit_code == 1, result.output
    line = result.stderr.strip()
    assert name in line and "not a" in line and "results file" in line, line
    _one_sentence(line)
    assert out.read_bytes() == content


@pytest.mark.parametrize("cut", [1, 3, 9, -1])
def test_verify_resumes_whatever_the_kill_cut(cut, cli, seed_index, tiny_stance, tmp_path):
    """A kill can leave any prefix of a result line; resuming cuts it and redoes that claim."""
    claims, out = tmp_path / "c.jsonl", tmp_path / "results.jsonl"
    claims.write_text(
        json.dumps({"id": "a", "claim": "The dam was built."}) + "\n"
        + json.dumps({"id": "b", "claim": "The river is long."}) + "\n"
    )  # fmt: skip
    assert _verify(cli, claims, out, seed_index, tiny_stance).exit_code == 0
    first, second = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(first + second[:cut])
    result = _verify(cli, claims, out, seed_index, tiny_stance)
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a", "b"]


def test_csv_outputs_neutralise_formulas(cli, seed_index, tiny_stance, tmp_path):
    """Cells starting with = + - @ (or a tab, a carriage return, a quote) get a leading quote
    (OWASP CSV injection); ids read back unchanged, so a rerun resumes."""
    claims, out = tmp_path / "c.jsonl", tmp_path / "results.csv"
    rows = [
        {"id": "=1+1", "claim": '=HYPERLINK("http://x","click")'},
        {"id": "+a", "claim": "+The dam was built."},
        {"id": "-b", "claim": "-The river is long."},
        {"id": "@c", "claim": "@SUM(A1:A2) the lake"},
        {"id": "'d", "claim": "'quoted start"},
        {"id": "e", "claim": "Plain claim about the dam."},
    ]
    claims.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = _verify(cli, claims, out, seed_index, tiny_stance)
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [r["id"] for r in written] == ["'=1+1", "'+a", "'-b", "'@c", "''d", "e"]
    assert [r["claim"][:2] for r in written] == ["'=", "'+", "'-", "'@", "''", "Pl"]
    text_columns = ("id", "claim", "doc_id", "title", "source", "sentence", "stance")
    for row in written:
        assert not any(row[c].startswith(("=", "+", "-", "@")) for c in text_columns), row
    again = _verify(cli, claims, out, seed_index, tiny_stance)
    assert again.exit_code == 0 and "0 to go" in again.stderr


def test_lone_surrogates_in_claims_never_abort_a_batch(cli, seed_index, tiny_stance, tmp_path):
    """An invalid byte in a command-line claim arrives as a lone surrogate; JSON can spell one.
    Claims are cleaned (U+FFFD) wherever they enter: CLI, claims files, /check_claim, Batch tab."""
    from workbench.ui import api as ui_api
    from workbench.ui.app import ReviewerApp
    from workbench.ui.tabs import batch

    bad = os.fsdecode(b"Yerevan \xff denies military presence")
    result = cli("check", bad, "--index", seed_index, "--stance-model", tiny_stance, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claim"] == "Yerevan \ufffd denies military presence"
    claims, out = tmp_path / "c.jsonl", tmp_path / "results.jsonl"
    claims.write_bytes(
        b'{"id": "s", "claim": "bad \\ud800 claim"}\n'
        b'{"id": "long", "claim": "\\udc80' + b"x" * 2100 + b'"}\n'
        b'{"id": "a", "claim": "The dam was built."}\n'
    )
    result = _verify(cli, claims, out, seed_index, tiny_stance)
    assert result.exit_code == 1 and "Claim long" in result.stderr
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["s", "a"]
    with Workbench.open(seed_index, stance_model=str(tiny_stance), create=False) as wb:
        app = ReviewerApp(wb, seed_index)
        checked = ui_api.check_claim(app, "bad \ud800 claim")
        assert checked["claim"] == "bad \ufffd claim"
        message, table, jsonl, csv_path = batch.run_claims_file(
            app, str(claims), lambda *a, **k: None
        )
        assert "Checked 2 claims" in message and [row[0] for row in table] == ["s", "long", "a"]
        json.dumps([message, table], ensure_ascii=False).encode("utf-8")  # what gradio sends


def test_an_empty_index_says_so_in_the_ui(tmp_path, tiny_stance, capsys):
    """`python app.py --index NEWDIR` used to answer NOT ENOUGH INFO with confidence 1.00 to
    every claim; the UI now says the index is empty and how to add documents."""
    import gradio as gr

    from workbench.ui import api as ui_api
    from workbench.ui.app import ReviewerApp
    from workbench.ui.server import serve
    from workbench.ui.tabs import batch, check

    index = tmp_path / "new-index"
    with Workbench.open(index, stance_model=str(tiny_stance)) as wb:
        result = wb.check(SEED_CLAIM)  # the engine itself: no evidence, so no confidence
        assert result.verdict == "NOT_ENOUGH_INFO" and result.confidence == 0.0
        app = ReviewerApp(wb, index)
        message = check.check_claim(app, SEED_CLAIM, "")[0]
        assert "no documents" in message and "Corpus tab" in message
        with pytest.raises(gr.Error, match="no documents"):
            ui_api.check_claim(app, SEED_CLAIM)
        claims = tmp_path / "c.csv"
        claims.write_text(f"id,claim\na,{SEED_CLAIM}\n")
        message = batch.run_claims_file(app, str(claims), lambda *a, **k: None)[0]
        assert "no documents" in message
    with socket.socket() as probe:  # a free port for the real server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = serve(
        index, port=port, stance_model=str(tiny_stance), max_upload_mb=0.5,
        prevent_thread_lock=True, quiet=True,
    )  # fmt: skip
    try:
        assert demo.max_file_size == 500_000  # int(0.5) MB used to refuse every upload
    finally:
        demo.close()
    assert "no documents" in capsys.readouterr().err


def test_corpus_tab_shows_a_fractional_upload_limit():
    from workbench.ui.tabs import corpus

    assert corpus.upload_limit_text(500_000) == "0.5 MB"
    assert corpus.upload_limit_text(20_000_000) == "20 MB"


# -- reviews saved through the script API (/save_review) ------------------------------------
GOOD_EVIDENCE = {
    "doc_id": "d", "start": 0, "end": 5, "sentence": "Text.", "stance": "supports",
    "p_supports": 0.9, "p_refutes": 0.05, "p_neutral": 0.05, "score": 0.8, "date": "2023-01-02",
}  # fmt: skip
# name -> (fields that replace good ones, words the refusal must contain)
REVIEW_CASES = {
    "confidence-not-a-number": ({"machine_confidence": "abc"}, ["confidence", "abc", "0", "1"]),
    "confidence-above-one": ({"machine_confidence": 1.5}, ["confidence", "1.5"]),
    "confidence-nan": ({"machine_confidence": float("nan")}, ["confidence", "nan"]),
    "confidence-bool": ({"machine_confidence": True}, ["confidence", "True"]),
    "claim-date-word": ({"claim_date": "yesterday"}, ["yesterday", "YYYY-MM-DD"]),
    "claim-date-impossible": ({"claim_date": "2023-02-30"}, ["2023-02-30", "YYYY-MM-DD"]),
    "claim-1mb": ({"claim": "x" * 1_000_000}, ["claim", "1000000 characters", "2000"]),
    "note-5mb": ({"note": "n" * 5_000_000}, ["note", "5000000 characters", "limit"]),
    "reviewer-multiline": ({"reviewer": "ana\nbob"}, ["reviewer", "one line"]),
    "reviewer-long": ({"reviewer": "r" * 500}, ["reviewer", "100"]),
    "claim-id-long": ({"claim_id": "i" * 5000}, ["claim id", "200"]),
    "evidence-not-a-list": ({"evidence": "nope"}, ["evidence", "list"]),
    "evidence-too-many": ({"evidence": [GOOD_EVIDENCE] * 101}, ["evidence", "100"]),
    "evidence-probability": (
        {"evidence": [{**GOOD_EVIDENCE, "p_supports": 7}]},
        ["p_supports", "0", "1"],
    ),
    "evidence-huge-sentence": (
        {"evidence": [{**GOOD_EVIDENCE, "sentence": "s" * 1_000_000}]},
        ["sentence", "characters", "limit"],
    ),
    "evidence-bad-offsets": ({"evidence": [{**GOOD_EVIDENCE, "start": 9, "end": 2}]}, ["end"]),
    "evidence-bad-date": ({"evidence": [{**GOOD_EVIDENCE, "date": "soon"}]}, ["soon"]),
    "evidence-bad-stance": ({"evidence": [{**GOOD_EVIDENCE, "stance": "maybe"}]}, ["maybe"]),
}


@pytest.fixture(scope="module")
def review_app(seed_index_master, tmp_path_factory, tiny_stance):
    from workbench.ui.app import ReviewerApp

    index = tmp_path_factory.mktemp("reviews") / "index"
    shutil.copytree(seed_index_master, index)
    wb = Workbench.open(index, stance_model=str(tiny_stance), create=False)
    yield ReviewerApp(wb, index)
    wb.close()


def _review_fields(**changes) -> dict:
    fields = {
        "claim": SEED_CLAIM, "reviewer": "ana", "final_verdict": "SUPPORTED", "note": "ok",
        "machine_verdict": "SUPPORTED", "machine_confidence": 0.7, "evidence": [GOOD_EVIDENCE],
        "claim_id": "k1", "claim_date": "2023-11-13",
    }  # fmt: skip
    return {**fields, **changes}


@pytest.mark.parametrize("case", sorted(REVIEW_CASES))
def test_save_review_validates_every_field(case, review_app):
    """Reviews are append-only and exported, so /save_review refuses what the UI and the CLI
    would never let through, in one sentence, and stores nothing."""
    import gradio as gr

    from workbench.ui import api as ui_api

    changes, words = REVIEW_CASES[case]
    before = len(review_app.reviews.history(SEED_CLAIM))
    with pytest.raises(gr.Error) as info:
        ui_api.save_review(review_app, **_review_fields(**changes))
    message = str(info.value.message)
    _one_sentence(message)
    assert len(message) < 400, message  # the bad value is named, not echoed whole
    for word in words:
        assert word in message, message
    assert len(review_app.reviews.history(SEED_CLAIM)) == before


def test_save_review_accepts_what_the_ui_sends(review_app):
    from workbench.ui import api as ui_api

    saved = ui_api.save_review(review_app, **_review_fields(claim="Bad \ud800 claim"))
    assert saved["claim"] == "Bad \ufffd claim" and saved["machine_confidence"] == 0.7
    again = ui_api.save_review(review_app, **_review_fields(machine_confidence=1, claim_date=""))
    assert again["claim_date"] is None and again["machine_confidence"] == 1.0


# -- broken or foreign indexes ----------------------------------------------------------------
def _truncate_faiss(ix: Path) -> None:
    path = ix / "vectors.faiss"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def _garbage_faiss(ix: Path) -> None:
    (ix / "vectors.faiss").write_bytes(os.urandom(5000))


def _garbage_manifest(ix: Path) -> None:
    (ix / "manifest.json").write_text("{not json")


def _newer_schema(ix: Path) -> None:
    con = sqlite3.connect(ix / "workbench.db")
    con.execute("PRAGMA user_version = 99")
    con.close()


def _garbage_db(ix: Path) -> None:
    for extra in ix.glob("workbench.db-*"):
        extra.unlink()
    (ix / "workbench.db").write_bytes(b"this is not a database" * 100)


def _truncated_db(ix: Path) -> None:
    con = sqlite3.connect(ix / "workbench.db")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    path = ix / "workbench.db"
    path.write_bytes(path.read_bytes()[:5000])


def _other_dimension(ix: Path) -> None:
    con = sqlite3.connect(ix / "workbench.db")
    con.execute("UPDATE meta SET value = '768' WHERE key = 'dimension'")
    con.commit()
    con.close()


# name: (damage, extra CLI args, None when the index must recover, else message words)
INDEX_CASES = {
    "truncated-faiss": (_truncate_faiss, [], None),
    "garbage-faiss": (_garbage_faiss, [], None),
    "missing-faiss": (lambda ix: (ix / "vectors.faiss").unlink(), [], None),
    "garbage-manifest": (_garbage_manifest, [], None),
    "newer-schema": (_newer_schema, [], ["schema version 99", "upgrade"]),
    "garbage-db": (_garbage_db, [], ["corrupt", "rebuild"]),
    "truncated-db": (_truncated_db, [], ["corrupt", "rebuild"]),
    "other-model": (lambda ix: None, ["--model", "someone/other-model"], ["other-model", "MiniLM"]),
    "other-dimension": (_other_dimension, [], ["768", "384"]),
}


def _vector_files(index: Path) -> dict[str, bytes | None]:
    files = ("vectors.faiss", "manifest.json")
    return {n: (index / n).read_bytes() if (index / n).exists() else None for n in files}


@pytest.mark.parametrize("case", sorted(INDEX_CASES))
def test_broken_index(case, cli, seed_index, tiny_stance):
    damage, extra, words = INDEX_CASES[case]
    damage(seed_index)
    damaged = _vector_files(seed_index)
    args = ["check", SEED_CLAIM, "--index", seed_index, "--stance-model", tiny_stance, "--json"]
    result = cli(*args, *extra)
    assert "Traceback" not in result.output
    if words is None:  # the FAISS file is a cache: rebuilt from SQLite, nothing lost
        assert result.exit_code == 0, result.output
        assert any("Yerevan" in e["sentence"] for e in json.loads(result.stdout)["evidence"])
        # a check rebuilds in memory only (readers never write: a full or read-only disk must
        # not stop them); the next writer repairs the file
        assert _vector_files(seed_index) == damaged
        good = seed_index.parent / "good.txt"
        good.write_text(GOOD_TEXT)
        assert cli("index", "add", good, "--index", seed_index).exit_code == 0
        assert (seed_index / "vectors.faiss").stat().st_size > 1000
    else:
        assert result.exit_code == 1
        line = result.stderr.strip()
        assert line.startswith("Error: ") and "\n" not in line
        assert all(w in line for w in words), line


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of its own (tmpfs): it fills up for real and can be made read-only
    (as root, permissions would not stop a write)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)]
    if os.geteuid() != 0 or subprocess.run(command, capture_output=True).returncode != 0:
        pytest.skip("needs root and mount(8) to make a small or read-only file system")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_is_reported_as_such_and_reads_go_on(
    small_disk, cli, seed_index_master, tiny_stance, tmp_path
):
    """Disk full during `index add` used to surface as FAISS's write error ("report it"),
    masking SQLite's "database or disk is full"; checks must keep working meanwhile."""
    index = small_disk / "index"
    shutil.copytree(seed_index_master, index)
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * max(0, free - 150_000))
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(40):
        sentences = [
            f"Gauge {i} read {i * 100 + j} units on day {j} of the survey." for j in range(10)
        ]
        (folder / f"d{i:02d}.txt").write_text(" ".join(sentences))
    messages = []
    for _ in range(2):  # the second run finds the disk still full
        result = cli("index", "add", folder, "--index", index)
        assert result.exit_code == 1 and "Traceback" not in result.output
        messages.append(result.stderr.strip().splitlines()[-1])
    for line in messages:
        assert "is full" in line and "free some space" in line and "report it" not in line, line
        _one_sentence(line)
    assert "database or disk is full" in messages[0]
    check = cli("check", SEED_CLAIM, "--index", index, "--stance-model", tiny_stance, "--json")
    assert check.exit_code == 0, check.output
    assert any("Yerevan" in e["sentence"] for e in json.loads(check.stdout)["evidence"])
    listing = json.loads(cli("index", "list", "--index", index, "--json").stdout)
    assert any(d["doc_id"].startswith("index/sources/") for d in listing)


def test_a_read_only_index_can_still_be_read(
    small_disk, cli, seed_index_master, tiny_stance, tmp_path
):
    """A read-only index used to be called corrupt ("move workbench.db aside and rebuild"),
    advice that would throw a healthy index away."""
    index = small_disk / "index"
    shutil.copytree(seed_index_master, index)
    before = (index / "workbench.db").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert cli("index", "list", "--index", index).exit_code == 0
    assert cli("index", "stats", "--index", index).exit_code == 0
    check = cli("check", SEED_CLAIM, "--index", index, "--stance-model", tiny_stance, "--json")
    assert check.exit_code == 0, check.output
    claims, out = tmp_path / "c.jsonl", tmp_path / "results.jsonl"
    claims.write_text(json.dumps({"id": "a", "claim": SEED_CLAIM}) + "\n")
    assert _verify(cli, claims, out, index, tiny_stance).exit_code == 0
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT)
    for args in (["index", "add", good], ["index", "remove", "x"]):
        result = cli(*args, "--index", index)
        assert result.exit_code == 1
        line = result.stderr.strip()
        assert "read-only" in line and "corrupt" not in line and "writable" in line, line
        _one_sentence(line)
    # fact-checks cannot be matched there (checks go on without them), and say so when asked
    listing = cli("factchecks", "list", "--index", index)
    assert listing.exit_code == 1 and "make the index writable" in listing.stderr
    assert (index / "workbench.db").read_bytes() == before


@pytest.mark.parametrize("command", ["check", "list", "stats", "verify", "remove"])
def test_index_folder_that_does_not_exist(command, cli, tmp_path):
    missing = tmp_path / "no" / "such" / "index"
    claims = tmp_path / "c.jsonl"
    claims.write_text(json.dumps({"id": 1, "claim": SEED_CLAIM}) + "\n")
    args = {
        "check": ["check", SEED_CLAIM],
        "list": ["index", "list"],
        "stats": ["index", "stats"],
        "verify": ["verify", claims, "-o", tmp_path / "o.jsonl"],
        "remove": ["index", "remove", "doc"],
    }[command]
    result = cli(*args, "--index", missing)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: No index found in {missing}")
    assert "workbench index add" in result.stderr and result.stderr.count("\n") == 1
    assert not missing.exists()  # reading never creates an index


def test_index_path_is_a_file(cli, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = cli("index", "add", tmp_path, "--index", target)
    assert result.exit_code == 2 and "is a file" in result.stderr
    assert target.read_text() == "x"


def test_failed_add_keeps_existing_documents(cli, seed_index, tmp_path):
    """A batch of nothing but bad files changes nothing already indexed."""
    folder = tmp_path / "bad"
    folder.mkdir()
    for case in ("empty-txt", "nul-bytes-txt", "latin1-txt", "pdf-garbage"):
        _make_file(folder, case)
    before = shutil.copy(seed_index / "workbench.db", tmp_path / "before.db")
    result = cli("index", "add", folder, "--index", seed_index, "--json")
    assert result.exit_code == 1 and len(json.loads(result.stdout)["errors"]) == 4
    con_a, con_b = sqlite3.connect(before), sqlite3.connect(seed_index / "workbench.db")
    query = "SELECT doc_id, content_hash FROM documents ORDER BY doc_id"
    assert con_a.execute(query).fetchall() == con_b.execute(query).fetchall()
    con_a.close()
    con_b.close()
