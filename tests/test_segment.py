"""Stage 2: sentence offsets slice the stored text exactly, for any input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.pipeline.ingest import load_path
from workbench.pipeline.segment import segment

from .conftest import SEED_FILE, YEREVAN_TAIL


def check_spans(text: str) -> None:
    sentences = segment(text)
    previous_end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= previous_end
        previous_end = s.end
    covered = "".join(s.text for s in sentences)
    assert "".join(covered.split()) == "".join(text.split())


def test_seed_sentences():
    [(doc, _)] = list(load_path(SEED_FILE))
    sentences = segment(doc.text)
    assert len(sentences) == 19
    check_spans(doc.text)
    yerevan = [s for s in sentences if s.text.endswith(YEREVAN_TAIL)]
    assert len(yerevan) == 1
    assert yerevan[0].text.startswith("Under the terms of the truce")


def test_abbreviations_and_paragraphs():
    text = "Mr. Smith went to Washington.  He arrived at 5 p.m. on Monday.\n\nNew paragraph here"
    assert [s.text for s in segment(text)] == [
        "Mr. Smith went to Washington.",
        "He arrived at 5 p.m. on Monday.",
        "New paragraph here",
    ]


def test_long_run_is_capped():
    text = "word " * 1000
    sentences = segment(text, max_chars=200)
    assert all(len(s.text) <= 200 for s in sentences)
    check_spans(text)


def test_empty_and_whitespace():
    assert segment("") == []
    assert segment(" \n\n\t ") == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_offsets_exact_for_any_unicode(text):
    check_spans(text)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Dr. Who.",
                "It's 3.5 km!",
                "Why?",
                "\u201cQuote.\u201d",
                "\n\n",
                " ",
                "e\u0301t\u00e9.",
                "\U0001f600 emoji.",
                "a.b.c",
                "...",
                "\u00a0",
                "\t",
            ]
        ),
        max_size=30,
    )
)
def test_offsets_exact_for_sentence_like_text(parts):
    check_spans("".join(parts))


def test_no_splitter_sees_more_than_a_capped_piece(monkeypatch):
    """pysbd is quadratic in its input ("ok. " * N: 53 s at 128 KB): pieces it gets are capped,
    so the work grows linearly with the text. Counted in characters handed over, not timed."""
    from workbench.pipeline import segment as seg

    seen: list[int] = []
    real = seg._segmenter()

    class Recording:
        def segment(self, text):
            seen.append(len(text))
            return real.segment(text)

    monkeypatch.setattr(seg, "_segmenter", lambda: Recording())
    for text in ("ok. " * 20_000, "a. " * 20_000, ("Dr. No. " * 5_000) + "\n" + "x " * 9_000):
        seen.clear()
        sentences = segment(text)
        assert seen and max(seen) <= seg.MAX_PIECE_CHARS, max(seen)
        assert sum(seen) <= len(text)  # every character goes to the splitter at most once
        check_spans(text)
        assert all(len(s.text) <= seg.MAX_SENTENCE_CHARS for s in sentences)


def test_capped_pieces_are_cut_after_punctuation_else_at_spaces():
    """A piece over the cap is cut after terminal punctuation where there is some, else at white
    space, so the cut rarely lands inside a sentence and never inside a word."""
    sentences = segment("it is ok. " * 300, max_piece=100)
    assert len(sentences) >= 30 and all(s.text.endswith("is ok.") for s in sentences)
    text = "Dr. No. " + "longword " * 300
    sentences = segment(text, max_piece=100)
    assert len(sentences) >= 20 and all(len(s.text) <= 100 for s in sentences)
    assert all(s.text.split()[-1] in {"No.", "longword"} for s in sentences)
    check_spans(text)
