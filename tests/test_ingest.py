"""Stage 1: every input format, metadata, normalisation, ids and per-file errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from workbench.model.documents import fallback_title
from workbench.pipeline.ingest import iter_files, load_path, load_paths, load_records
from workbench.pipeline.normalize import normalize_text
from workbench.pipeline.readers.files import path_doc_id
from workbench.pipeline.readers.text import split_metadata

from .conftest import SEED_FILE


def one(path: Path):
    pairs = list(load_path(path))
    assert len(pairs) == 1
    doc, error = pairs[0]
    assert error is None, error
    return doc


def minimal_pdf(text: str, title: str = "Tiny PDF") -> bytes:
    """A hand-written one-page PDF with a Helvetica text line and an Info title."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + title.encode() + b") /CreationDate (D:20240102030405Z) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_seed_date_line_is_metadata_not_text():
    doc = one(SEED_FILE)
    assert doc.date == "2023-11-13"
    assert doc.text.startswith("After an intense offensive")
    assert "date 2023" not in doc.text
    assert "\u2019" not in doc.text and "Azerbaijan's army" in doc.text


def test_txt_date_line_and_curly_quotes(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(
        "date 2021-05-06\nShort title\n\nHe said \u201chello\u201d and it\u2019s fine.\n"
    )
    doc = one(path)
    assert doc.date == "2021-05-06"
    assert doc.title == "Short title"
    assert 'He said "hello" and it\'s fine.' in doc.text


def test_markdown_front_matter_and_heading(tmp_path):
    md = tmp_path / "a.md"
    md.write_text("---\ntitle: Front Title\ndate: 2020-01-02\n---\n# Heading\n\nBody text.\n")
    doc = one(md)
    assert (doc.title, doc.date) == ("Front Title", "2020-01-02")
    assert doc.text.startswith("# Heading")
    md2 = tmp_path / "b.md"
    md2.write_text("# The Heading\n\nSome text here.\n")
    assert one(md2).title == "The Heading"


def test_html_main_text_and_fallback(tmp_path):
    paragraph = "The river flooded the old town in spring after days of heavy rain. " * 6
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Flood report</title><script>var x = 1;</script></head><body>"
        f"<nav>Home | About</nav><article><h1>Flood</h1><p>{paragraph}</p>"
        f"<p>{paragraph}</p></article><footer>Copyright</footer></body></html>"
    )
    doc = one(page)
    assert doc.title.startswith("Flood")  # trafilatura may prefer the <h1>
    assert "The river flooded the old town" in doc.text
    assert "var x" not in doc.text
    tiny = tmp_path / "tiny.htm"
    tiny.write_text("<html><body><p>Just one line.</p><style>p{}</style></body></html>")
    doc = one(tiny)
    assert doc.text == "Just one line."


def test_pdf(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(minimal_pdf("The bridge opened in 1932."))
    doc = one(path)
    assert "The bridge opened in 1932." in doc.text
    assert doc.title == "Tiny PDF"
    assert doc.date == "2024-01-02"


def test_pdf_broken_is_an_error_not_an_exception(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 this is not really a pdf")
    [(doc, error)] = list(load_path(path))
    assert doc is None and "broken.pdf" in error


def test_jsonl_records_keep_their_ids(tmp_path):
    path = tmp_path / "docs.jsonl"
    rows = [
        {
            "id": "d1",
            "title": "One",
            "text": "First text.",
            "date": "2022-02-02T10:00:00Z",
            "url": "https://example.org/1",
        },
        {"id": 7, "text": "Second text."},
        {"id": "bad", "title": "No text"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    pairs = list(load_path(path))
    docs = [d for d, e in pairs if d]
    errors = [e for d, e in pairs if e]
    assert [d.doc_id for d in docs] == ["d1", "7"]
    assert docs[0].date == "2022-02-02" and docs[0].url == "https://example.org/1"
    assert docs[0].explicit_id
    assert len(errors) == 2 and any("no 'text'" in e for e in errors)
    assert any("not valid JSON" in e for e in errors)


def test_csv_records(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text(
        'id,title,text,date,url\nc1,Title,"Text, with comma.",2019-12-31,\nc2,,,,\n',
        encoding="utf-8",
    )
    pairs = list(load_path(path))
    assert pairs[0][0].doc_id == "c1" and pairs[0][0].text == "Text, with comma."
    assert pairs[0][0].url is None
    assert pairs[1][0] is None and "row 3" in pairs[1][1]


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,body\n1,hello\n")
    [(doc, error)] = list(load_path(path))
    assert doc is None and "no 'text' column" in error


def test_bad_files_are_reported_and_batch_continues(tmp_path):
    (tmp_path / "good.txt").write_text("Good text.")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skip.txt").write_text("Hidden.")
    (tmp_path / "image.png").write_bytes(b"png")
    results = list(load_paths([tmp_path, tmp_path / "missing.txt"]))
    docs = [d.text for d, e in results if d]
    errors = [e for d, e in results if e]
    assert docs == ["Good text."]
    assert len(errors) == 3
    assert any("missing.txt does not exist" in e for e in errors)


def test_iter_files_recursive_and_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("z")
    (tmp_path / "a.txt").write_text("a")
    assert [p.name for p in iter_files([tmp_path])] == ["a.txt", "z.md"]


def test_path_doc_id_is_relative_and_stable(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "f.txt"
    path.parent.mkdir()
    path.write_text("x")
    monkeypatch.chdir(tmp_path)
    assert path_doc_id(Path("sub/f.txt")) == "sub/f.txt"
    assert path_doc_id(path) == "sub/f.txt"


def test_records_api_and_content_hash():
    pairs = list(load_records([{"id": "r", "text": "Same."}, {"text": "No id."}, "nope"]))
    assert pairs[0][0].doc_id == "r"
    assert pairs[1][0].doc_id == "records#2" and not pairs[1][0].explicit_id
    assert pairs[2][0] is None
    again = list(load_records([{"id": "r", "text": "Same."}]))[0][0]
    assert again.content_hash == pairs[0][0].content_hash


def test_split_metadata_variants():
    assert split_metadata("  date 2023-11-13 Text starts.")[1] == {"date": "2023-11-13"}
    assert split_metadata("Date: 2023-01-02\nText.") == ("Text.", {"date": "2023-01-02"})
    assert split_metadata("dated text") == ("dated text", {})


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("\u201cq\u201d \u2018s\u2019", "\"q\" 's'"),
        ("e\u0301", "\u00e9"),  # NFC
        ("a\r\nb\rc", "a\nb\nc"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_fallback_title():
    assert fallback_title("Short line\nmore") == "Short line"
    assert fallback_title("word " * 40).endswith("...")


def test_pdf_library_logs_stay_off_stderr(tmp_path):
    """pypdf logs repairs ("incorrect startxref pointer") through `logging`; with no handler
    configured they reached the terminal as stray lines between our one-sentence reports."""
    path = tmp_path / "odd.pdf"
    data = minimal_pdf("The bridge opened in 1932.")
    path.write_bytes(re.sub(rb"startxref\n\d+", b"startxref\n12", data))  # wrong xref offset
    script = (
        "import sys; from pathlib import Path; from workbench.pipeline.ingest import load_path; "
        "[(doc, err)] = load_path(Path(sys.argv[1])); print(doc.text)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "The bridge opened in 1932."  # the repaired PDF is still read
    assert done.stderr == ""


def _deep_html(depth: int, text: str = "Deep inside the page there is one sentence.") -> str:
    return "<html><body>" + "<table><tr><td>" * depth + text + "</body></html>"


def test_deeply_nested_html_skips_the_tree_builders(tmp_path, monkeypatch):
    """Nested tags made trafilatura and BeautifulSoup build huge trees (18 MB: 92 s, 4.3 GB);
    past the depth/tag guards a streaming parser reads the text instead."""
    import bs4

    def refuse(*args, **kwargs):
        raise AssertionError("a tree-building extractor was called on a nested-tag bomb")

    fake = types.SimpleNamespace(extract=refuse, extract_metadata=refuse)
    monkeypatch.setitem(sys.modules, "trafilatura", fake)  # whether or not it imports here
    monkeypatch.setattr(bs4, "BeautifulSoup", refuse)
    path = tmp_path / "deep.html"
    path.write_text(_deep_html(50_000))
    doc = one(path)
    assert doc.text == "Deep inside the page there is one sentence."
    wide = tmp_path / "wide.html"  # shallow but with more tags than the guard allows
    wide.write_text(
        "<html><head><title>Wide page</title><style>p{}</style></head><body>"
        + "<p>One more short paragraph.</p>" * 110_000
        + "<script>var hidden = 1;</script></body></html>"
    )
    doc = one(wide)
    assert doc.title == "Wide page"
    assert doc.text.startswith("One more short paragraph.\n")
    assert doc.text.count("One more short paragraph.") == 110_000
    assert "hidden" not in doc.text and "p{}" not in doc.text


def test_html_depth_guard_leaves_ordinary_pages_alone(tmp_path, monkeypatch):
    """Unclosed <p>/<li>/<td> and void tags do not count as nesting; normal pages keep
    trafilatura's main-text extraction."""
    from workbench.pipeline.readers import html as ingest

    page = "<html><body><article>" + "<p>Paragraph text.<br><li>Item" * 3000 + "</article>"
    assert ingest.html_depth(page) < 10
    assert ingest.html_depth(_deep_html(1000)) >= 1000
    assert ingest.html_depth("<div>" * 300 + "</div>" * 300) >= 300


def test_titles_are_one_line(tmp_path):
    """`index list` prints one document per line, so a title's line breaks become spaces."""
    [(doc, error)] = load_records([{"id": "t", "title": "Two\nlines\tand a tab", "text": "Body."}])
    assert error is None and doc.title == "Two lines and a tab"


def test_record_ids_must_be_one_line_of_valid_text():
    pairs = list(
        load_records(
            [
                {"id": "a\nb", "text": "x"},
                {"id": "tab\there", "text": "x"},
                {"id": "s\udc80", "text": "x"},
                {"id": "fine id", "text": "x"},
            ]
        )
    )
    errors = [e for _, e in pairs]
    assert "record 1" in errors[0] and "line break" in errors[0]
    assert "record 2" in errors[1] and "line break" in errors[1]
    assert "record 3" in errors[2] and "not valid Unicode" in errors[2]
    assert errors[3] is None and pairs[3][0].doc_id == "fine id"


def test_file_names_with_control_characters_or_bad_bytes_get_escaped_ids(tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"a\nb\xff.txt")
    with open(raw, "wb") as handle:
        handle.write(b"Some text.\n")
    [(doc, error)] = list(load_path(Path(os.fsdecode(raw))))
    assert error is None
    assert doc.doc_id.endswith("a\\nb\\xff.txt") and doc.source.endswith("a\\nb\\xff.txt")
    doc.content_hash  # noqa: B018 - used to raise UnicodeEncodeError on the surrogate


def test_lone_surrogates_are_replaced_one_for_one():
    text = "a\udc80b\ud800"
    assert normalize_text(text) == "a\ufffdb\ufffd"
    assert len(normalize_text(text)) == len(text)
    assert normalize_text("\U0001f600 ok") == "\U0001f600 ok"
