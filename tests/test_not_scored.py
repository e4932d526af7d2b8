"""Evidence that cannot move the verdict is not scored, and nothing else changes.

A sentence whose relevance weight is 0 (cosine below min_relevance) adds 0 to both sides of the
verdict, so the stance model skips it: same verdicts, confidences and evidence order; its stance
is "not scored" with null probabilities in the output contract, the CLI, CSV, the UI and reviews.
"""

from __future__ import annotations

import csv
import json
import os

import pytest
from click.testing import CliRunner

from workbench import Workbench
from workbench.cli import main
from workbench.pipeline.verdict import NOT_SCORED, relevance_weight
from workbench.reviews.store import ReviewStore
from workbench.ui.render import card_html, split_evidence

from .conftest import ROOT

CLAIMS = [
    {"id": row["id"], "claim": row["claim"]}
    for row in csv.DictReader(open(ROOT / "claims" / "karabakh.csv"))
]


@pytest.fixture
def both(seed_index, tiny_stance):
    """Every Karabakh claim checked twice: skipping unscorable evidence, and scoring all."""
    with Workbench.open(seed_index, stance_model=str(tiny_stance)) as wb:
        skipped = list(wb.check_many(CLAIMS))
        full = list(wb.check_many(CLAIMS, score_all=True))
        hits = {c["id"]: wb.search(c["claim"]) for c in CLAIMS}
    return skipped, full, hits


def test_verdicts_are_the_same_and_only_irrelevant_evidence_is_skipped(both):
    skipped, full, hits = both
    n_skipped = 0
    for a, b in zip(skipped, full, strict=True):
        assert (a.verdict, a.confidence) == (b.verdict, b.confidence)
        assert [e.evidence_id for e in a.evidence] == [e.evidence_id for e in b.evidence]
        relevance = {h.evidence_id: h.relevance for h in hits[a.id]}
        for ea, eb in zip(a.evidence, b.evidence):
            if ea.stance == NOT_SCORED:
                n_skipped += 1
                assert relevance_weight(relevance[ea.evidence_id]) == 0
                assert (ea.p_supports, ea.p_refutes, ea.p_neutral, ea.score) == (
                    None,
                    None,
                    None,
                    0.0,
                )
                assert eb.score == 0.0  # scored anyway, it weighs nothing
            else:
                assert relevance_weight(relevance[ea.evidence_id]) > 0
                assert ea == eb
    assert n_skipped > 0  # the corpus has far-off sentences for some claims


def test_not_scored_evidence_everywhere_it_is_shown(both, seed_index, tmp_path):
    skipped, _, _ = both
    result = next(r for r in skipped if any(e.stance == NOT_SCORED for e in r.evidence))
    item = next(e for e in result.to_dict()["evidence"] if e["stance"] == NOT_SCORED)
    assert json.loads(json.dumps(item))["p_supports"] is None
    _, _, neutral = split_evidence(result.to_dict())
    html = card_html(item, 1)
    assert "wb-stance-not-scored" in html and "Not scored" in html
    assert item in [ev for _, ev in neutral]
    with Workbench.open(seed_index) as wb:
        store = ReviewStore(wb.db_path)
        review = store.save(
            claim=result.claim,
            reviewer="ana",
            final_verdict=result.verdict,
            evidence=[{**item, "judgment": "irrelevant"}],
        )
    assert review.evidence[0].stance == NOT_SCORED and review.evidence[0].p_supports is None


def test_cli_text_json_and_csv(both, seed_index, tiny_stance, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_BACKEND", "onnx")  # --backend sets it for the process
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    skipped, _, _ = both
    claim = next(r for r in skipped if any(e.stance == NOT_SCORED for e in r.evidence)).claim
    common = ["--index", seed_index, "--stance-model", tiny_stance, "--backend", "torch"]
    out = run("check", claim, *common, "--json")
    assert out.exit_code == 0, out.output
    stances = [e["stance"] for e in json.loads(out.output)["evidence"]]
    assert NOT_SCORED in stances
    text = run("check", claim, *common)
    assert text.exit_code == 0 and "below the relevance threshold" in text.output
    claims = tmp_path / "claims.csv"
    with open(claims, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "claim"], ["1", claim]])
    written = run("verify", claims, "-o", tmp_path / "out.csv", *common, "--quiet")
    assert written.exit_code == 0, written.output
    rows = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8")))
    assert len(rows) == 1 and rows[0]["verdict"]
    assert os.environ["WORKBENCH_BACKEND"] == "torch"


def test_unknown_backend_is_a_usage_error(seed_index):
    out = CliRunner().invoke(main, ["check", "x", "--index", str(seed_index), "--backend", "gpu"])
    assert out.exit_code == 2 and "gpu" in out.output


def test_nothing_related_says_so_in_the_basis(seed_index, tiny_stance):
    # a claim about nothing in the Karabakh article: every retrieved sentence is below
    # min_relevance, so nothing is weighed and the confidence 0 is explained, not a bare number
    with Workbench.open(seed_index, stance_model=str(tiny_stance)) as wb:
        result = wb.check("Penguins breed on the sea ice of Antarctica in winter.")
    assert result.evidence and all(e.stance == NOT_SCORED for e in result.evidence)
    assert result.verdict == "NOT_ENOUGH_INFO" and result.confidence == 0.0
    assert "none related closely enough" in result.basis["text"]
    assert result.basis["deciding"] == []
