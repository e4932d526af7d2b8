"""Property-based tests for the segmenter: for any Unicode text, every sentence's offsets slice
exactly its text out of the document, sentences are stripped, ordered and disjoint, none is
longer than the cap, and no non-whitespace character of the document is lost."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workbench.pipeline.normalize import normalize_text
from workbench.pipeline.segment import MAX_SENTENCE_CHARS, segment

# Pieces that make the splitter work: abbreviations, quotes, decimals, ellipses, odd spaces.
PIECES = [
    "The bridge opened in 2021.",
    " Dr. Smith said so.",
    ' "Quoted!" she said?',
    " It cost $3.5 bn (approx.).",
    "...",
    " e.g. this, i.e. that",
    "\n\n",
    "\n",
    " \t ",
    "\u00a0",
    "\u2028",
    "\u3000",
    "\x1c",
    "\x85",
    "\u200b",
    "\ufeff",
    "Ереван отрицает.",
    " 埃里温否认。",
    " 🙂🙂!",
    "e\u0301",
    " U.S.A. ",
    "?!",
    "\r\n",
]

texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map("".join),
)

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=False,
)


def _check(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> None:
    _check_sentences(text, segment(text, max_chars=max_chars), max_chars)


def _check_sentences(text: str, sentences: list, max_chars: int) -> None:
    previous_end = 0
    for s in sentences:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text  # offsets slice out exactly the sentence
        assert s.text == s.text.strip() and s.text  # stripped and non-empty
        assert s.start >= previous_end  # in order, disjoint
        assert s.end - s.start <= max_chars
        previous_end = s.end
    # nothing but whitespace falls between or around sentences
    covered = "".join(s.text for s in sentences)
    assert [c for c in covered if not c.isspace()] == [c for c in text if not c.isspace()]


@SETTINGS
@given(texts)
@example("")
@example("   \n\n  ")
@example("A.\u2028B.")
@example("\x1c\x1d\x1e\x1f")
@example("Mr. A. went. \n\n\n B!")
def test_offsets_slice_out_the_sentences(text):
    _check(text)


@SETTINGS
@given(texts)
def test_offsets_hold_on_normalised_text(text):
    _check(normalize_text(text))


@SETTINGS
@given(texts, st.integers(min_value=1, max_value=40))
def test_long_runs_are_capped(text, max_chars):
    _check(text, max_chars)


@SETTINGS
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join))
def test_segmenting_is_deterministic(text):
    assert segment(text) == segment(text)


@SETTINGS
@given(texts, st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=40))
def test_offsets_hold_with_small_pieces(text, max_piece, max_chars):
    """Pieces capped for the splitter (linear time) keep offsets exact however small the cap."""
    sentences = segment(text, max_chars=max_chars, max_piece=max_piece)
    _check_sentences(text, sentences, max_chars)
