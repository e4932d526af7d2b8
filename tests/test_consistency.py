"""The swap check (pipeline/consistency.py): literal exchanges and reversed directions only."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.pipeline.consistency import correct_swaps, is_swap

EVIDENCE = "Norway sold 40 patrol boats to Peru in 1998, the defence ministry said."


@pytest.mark.parametrize(
    "evidence, claim",
    [
        (EVIDENCE, "Peru sold 40 patrol boats to Norway in 1998."),
        ("Ajax beat Porto 2-0 in the semi-final.", "Porto beat Ajax in the semi-final."),
        (
            "The train runs from Vienna to Prague twice a day.",
            "The train runs from Prague to Vienna.",
        ),
        (
            "Wheat exports increased by 8 percent in 2019.",
            "Wheat exports decreased by 8 percent in 2019.",
        ),
        ("The river level rose sharply overnight.", "The river level fell sharply overnight."),
    ],
)
def test_swaps_are_found(evidence, claim):
    assert is_swap(evidence, claim)


@pytest.mark.parametrize(
    "evidence, claim",
    [
        (EVIDENCE, EVIDENCE),  # the same sentence
        (EVIDENCE, "Norway sold patrol boats to Peru."),  # a shorter support
        ("Ajax and Porto signed a cooperation deal.", "Porto and Ajax signed a cooperation deal."),
        ("Anna Berg married Tom Hale in 2001.", "Tom Hale married Anna Berg in 2001."),
        ("Ajax beat Porto 2-0.", "Porto were beaten by Ajax."),  # voice change, same fact
        ("Ajax beat Porto 2-0.", "Porto lost to Ajax."),  # another wording
        ("Prices rose in March and fell in April.", "Prices fell in April."),  # both in evidence
        ("The river level rose sharply overnight.", "The bridge was closed overnight."),
        ("Norway and Peru are both in the league.", "Peru is in the league."),
        ("", "Peru sold boats to Norway."),
    ],
)
def test_everything_else_passes(evidence, claim):
    assert not is_swap(evidence, claim)


def test_only_support_read_as_a_swap_is_turned_round():
    pairs = [
        (EVIDENCE, "Peru sold 40 patrol boats to Norway in 1998."),  # swap read as support
        (EVIDENCE, "Peru sold 40 patrol boats to Norway in 1998."),  # swap already refuted
        (EVIDENCE, "Norway sold 40 patrol boats to Peru in 1998."),  # real support
    ]
    probs = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.9, 0.05, 0.05]])
    out = correct_swaps(pairs, probs)
    assert out[0].tolist() == [0.1, 0.8, 0.1]
    assert out[1].tolist() == probs[1].tolist() and out[2].tolist() == probs[2].tolist()
    assert probs[0].tolist() == [0.8, 0.1, 0.1]  # the input is left as it was
