"""End to end on a small corpus of our own (not the example article): claims that say the same
thing in other words or number formats are SUPPORTED; claims with one fact swapped (a number, a
date, who did what to whom, a direction) are never SUPPORTED and mostly REFUTED.

Written before the stance model v3 and the aggregator were measured on it, and never used to
train or tune either: it checks the method, it is not fitted to.
"""

from __future__ import annotations

import pytest

from workbench import Workbench
from workbench.pipeline.verdict import REFUTED, SUPPORTED

pytestmark = pytest.mark.slow

DOCUMENTS = [
    {
        "id": "council",
        "title": "Port Elm council approves housing budget",
        "date": "2024-05-14",
        "text": (
            "The city council of Port Elm approved the new housing budget on Tuesday. "
            "The budget allocates 3,500 new housing units, to be built over 18 months. "
            "Mayor Lina Ortiz proposed the plan. Opposition leader Mark Bell voted against it."
        ),
    },
    {
        "id": "copper",
        "title": "Copper trade in 2021",
        "date": "2022-01-20",
        "text": (
            "Chile exported 1.2 million tonnes of copper to China in 2021. "
            "Copper prices rose by 12 percent during the year, according to the trade ministry."
        ),
    },
    {
        "id": "final",
        "title": "Falcons win the cup",
        "date": "2023-06-04",
        "text": (
            "The Falcons defeated the Rovers 3-1 in the cup final on Sunday. "
            "It was the club's first title in twenty years."
        ),
    },
    {
        "id": "family",
        "title": "A family story",
        "date": "2020-09-01",
        "text": (
            "The Novak family moved from Lisbon to Berlin in 2015. "
            "They opened a bakery in the city two years later."
        ),
    },
]

# Known misses, kept visible (strict: the day one passes, the mark must go). Issue 19.
_MISSES = {
    "Lina Ortiz proposed the housing plan.": (
        "the stance model reads 'Mayor Lina Ortiz proposed the plan.' as neutral to it "
        "(P(supports) 0.23, P(neutral) 0.57): 'the plan' is not resolved to the housing plan"
    ),
}
PARAPHRASES = [
    "The Port Elm budget plans 3500 new housing units.",
    "The budget provides for 3.5 thousand new housing units.",
    "The new housing units are to be built over a year and a half.",
    "Chile shipped 1,200,000 tonnes of copper to China in 2021.",
    "The Falcons beat the Rovers in the cup final.",
    "The Novak family relocated from Lisbon to Berlin in 2015.",
    "Lina Ortiz proposed the housing plan.",
]

SWAPS = [
    "The budget allocates 4,500 new housing units.",  # number
    "China exported 1.2 million tonnes of copper to Chile in 2021.",  # roles
    "Copper prices fell by 12 percent during the year.",  # direction
    "The Rovers defeated the Falcons in the cup final.",  # roles
    "The Novak family moved from Berlin to Lisbon in 2015.",  # direction
    "Opposition leader Mark Bell proposed the plan.",  # who did it
    "Chile exported 1.2 million tonnes of copper to China in 2011.",  # date
    "Mayor Lina Ortiz voted against the housing budget.",  # who did it
]


@pytest.fixture(scope="module")
def results(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("sharp")
    with Workbench.open(folder) as wb:
        wb.add_records(DOCUMENTS, origin="test")
        return {r.claim: r for r in wb.check_many(PARAPHRASES + SWAPS)}


@pytest.mark.parametrize(
    "claim",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=_MISSES[c]))
        if c in _MISSES
        else c
        for c in PARAPHRASES
    ],
)
def test_paraphrases_and_number_formats_are_supported(results, claim):
    assert results[claim].verdict == SUPPORTED, results[claim].basis


def test_one_fact_swaps_are_never_supported_and_mostly_refuted(results):
    supported = [c for c in SWAPS if results[c].verdict == SUPPORTED]
    assert not supported
    refuted = [c for c in SWAPS if results[c].verdict == REFUTED]
    assert len(refuted) > len(SWAPS) / 2, {c: results[c].verdict for c in SWAPS}
