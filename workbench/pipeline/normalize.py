"""Unicode normalisation applied to every stored text and every claim.

Offsets always refer to the normalised text, so normalising first and segmenting
afterwards keeps them exact.
"""

from __future__ import annotations

import re
import unicodedata

# A lone surrogate (JSON can spell "\udc80", surrogateescape makes them from bad bytes) cannot be
# encoded as UTF-8, so SQLite, hashing and printing would fail on it later, far from the input.
_SURROGATE = re.compile("[\ud800-\udfff]")

# Typographic quotes and a few look-alikes that hurt BM25 and NLI, mapped one-to-one.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote / apostrophe
        "\u201a": "'",  # single low-9 quote
        "\u201b": "'",  # single high-reversed-9 quote
        "\u2032": "'",  # prime
        "\u201c": '"',  # left double quote
        "\u201d": '"',  # right double quote
        "\u201e": '"',  # double low-9 quote
        "\u201f": '"',  # double high-reversed-9 quote
        "\u2033": '"',  # double prime
        "\u00a0": " ",  # no-break space
        "\u200b": "",  # zero-width space
        "\ufeff": "",  # byte-order mark
    }
)


def normalize_text(text: str) -> str:
    """NFC-normalise, straighten curly quotes, unify line endings, and replace lone surrogates
    with U+FFFD (one character for one, so nothing downstream has to cope with unencodable text).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATE.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text.translate(_QUOTES))
