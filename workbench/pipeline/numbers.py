"""One spelling for numbers before the stance model reads a pair.

"3,500", "3500" and "3.5 thousand" are the same number, yet a cross-encoder sees different
tokens and reads a format change as a changed fact. Both sides of every (evidence, claim) pair
go through `normalize_numbers`, in training and at check time, so only real differences remain.
Years ("1990"), decimals ("3.5%") and identifiers are left alone; nothing is guessed.
"""

from __future__ import annotations

import re

_SCALES = {
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_UNITS = (
    r"(?:seconds|minutes|hours|days|weeks|months|years|decades|centuries|people|persons|men|"
    r"women|children|soldiers|troops|civilians|deaths|times|percent|per cent|km|kilometres|"
    r"kilometers|miles|metres|meters|villages|towns|cities|countries|members|seats|votes|"
    r"points|goals|games|episodes|albums|songs|books|films|languages|states|districts)"
)
# "3,500" / "1,200,000" (a thousands separator), not "1,2" or a list "3, 500".
_GROUPED = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+)(?![\d,]*\.?\d)")
# "3.5 thousand", "12 million", "1.2bn" is left alone (too many conventions).
_SCALED = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)\s+(" + "|".join(_SCALES) + r")\b", re.I)
# "twenty-five years", "eighteen months": a number word right before a counted noun.
_WORD_NUMBER = re.compile(
    r"\b(" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")(?:[- ](one|two|three|four|"
    r"five|six|seven|eight|nine))?\s+(?=" + _UNITS + r"\b)",
    re.I,
)
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9}  # fmt: skip


def _grouped(m: re.Match) -> str:
    return m.group(1).replace(",", "")


def _scaled(m: re.Match) -> str:
    value = float(m.group(1)) * _SCALES[m.group(2).lower()]
    if value != int(value):
        return m.group(0)
    return str(int(value))


def _word_number(m: re.Match) -> str:
    tens = _WORDS[m.group(1).lower()]
    ones = _ONES.get((m.group(2) or "").lower(), 0)
    if ones and tens < 20:
        return m.group(0)  # "five-two" is not a number
    return f"{tens + ones} "


# Durations: a fractional number of years is written in months ("a year and a half",
# "2.5 years", "half a year"), and a whole number of years counted in months in years
# ("24 months"), so each length of time has one spelling.
_COUNT = r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
_AND_A_HALF = re.compile(
    _COUNT + r"(?:\s+years?\s+and\s+a\s+half|\s+and\s+a\s+half\s+years?)\b", re.I
)
_DECIMAL_YEARS = re.compile(r"(?<![\d.,])(\d+)\.5\s+years?\b", re.I)
_HALF_A_YEAR = re.compile(r"\bhalf\s+a\s+year\b", re.I)
_MONTHS = re.compile(r"(?<![\d.,])(\d+)\s+months\b", re.I)
_COUNT_VALUES = {"a": 1, "an": 1, "one": 1} | {k: v for k, v in _ONES.items()} | {"ten": 10}


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _COUNT_VALUES[word.lower()]


def _months(m: re.Match) -> str:
    months = int(m.group(1))
    if months >= 12 and months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' * (years != 1)}"
    return m.group(0)


def _durations(text: str) -> str:
    text = _AND_A_HALF.sub(lambda m: f"{12 * _count(m.group(1)) + 6} months", text)
    text = _DECIMAL_YEARS.sub(lambda m: f"{12 * int(m.group(1)) + 6} months", text)
    text = _HALF_A_YEAR.sub("6 months", text)
    return _MONTHS.sub(_months, text)


def normalize_numbers(text: str) -> str:
    """The text with thousands separators dropped, "3.5 thousand" written out as 3500, number
    words before a counted noun ("eighteen months") written as digits, and durations in one
    spelling ("a year and a half" = "18 months", "24 months" = "2 years")."""
    lowered = text.lower()
    has_duration = "year" in lowered or "month" in lowered
    if not any(ch.isdigit() for ch in text) and not _WORD_NUMBER.search(text) and not has_duration:
        return text
    text = _GROUPED.sub(_grouped, text)
    text = _SCALED.sub(_scaled, text)
    text = _WORD_NUMBER.sub(_word_number, text)
    return _durations(text) if has_duration else text
