"""pipeline/numbers.py: one spelling for numbers before the stance model reads a pair."""

from __future__ import annotations

import pytest

from workbench.pipeline.numbers import normalize_numbers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("About 3,500 people died.", "About 3500 people died."),
        ("About 3.5 thousand people died.", "About 3500 people died."),
        ("1.2 million votes were cast.", "1,200,000 votes were cast."),
        ("The war lasted eighteen months.", "The war lasted 18 months."),
        ("It ran for twenty-five years.", "It ran for 25 years."),
        ("Built over a year and a half.", "Built over 18 months."),
        ("Built over eighteen months.", "Built over one and a half years."),
        ("It took 2.5 years.", "It took two and a half years."),
        ("It took half a year.", "It took six months."),
        ("It took 24 months.", "It took two years."),
        ("It took twelve months.", "It took 1 year."),
    ],
)
def test_the_same_number_reads_the_same(a, b):
    assert normalize_numbers(a) == normalize_numbers(b)


@pytest.mark.parametrize(
    "text",
    [
        "In 1990 the treaty was signed.",  # a year is not a count
        "Growth was 3.5% in 2020.",  # decimals and percentages stay
        "Lists like 1,2 and 3, 500 stay as they are.",  # not thousands separators
        "No numbers at all.",
        "He was five-two.",  # not a number word before a counted noun
        "Every year the festival grows.",  # a year that is not a duration
        "It took 7 months.",
    ],
)
def test_leaves_other_text_alone(text):
    assert normalize_numbers(text) == text


def test_different_numbers_stay_different():
    assert normalize_numbers("3,500 people") != normalize_numbers("3,600 people")
    assert normalize_numbers("3.5 thousand") != normalize_numbers("35 thousand")
    assert normalize_numbers("18 months") != normalize_numbers("2 years")
    assert normalize_numbers("a year and a half") != normalize_numbers("two and a half years")
