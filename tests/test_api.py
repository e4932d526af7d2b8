"""The Python API other modules code against: check, check_many and the output contract."""

from __future__ import annotations

import pytest

from workbench import CheckResult, Evidence, Workbench, WorkbenchError
from workbench.model.evidence import EVIDENCE_FIELDS
from workbench.pipeline.verdict import VERDICTS

from .conftest import SEED_CLAIM

CONTRACT = {
    "id",
    "claim",
    "date",
    "verdict",
    "confidence",
    "confidence_calibrated",
    "previously_checked",
    "evidence",
    "basis",
}
BASIS_KEYS = {"rule", "text", "deciding"}
EVIDENCE_KEYS = {
    "doc_id",
    "title",
    "date",
    "source",
    "sentence",
    "start",
    "end",
    "context",
    "stance",
    "p_supports",
    "p_refutes",
    "p_neutral",
    "score",
}


def assert_contract(result: dict, wb: Workbench) -> None:
    assert set(result) == CONTRACT
    assert result["verdict"] in VERDICTS
    assert 0.0 <= result["confidence"] <= 1.0
    assert BASIS_KEYS <= set(result["basis"]) and result["basis"]["text"]
    assert all(0 <= i < len(result["evidence"]) for i in result["basis"]["deciding"])
    if result["verdict"] in ("SUPPORTED", "REFUTED"):
        deciding = result["evidence"][result["basis"]["deciding"][0]]
        assert (
            deciding["stance"] == {"SUPPORTED": "supports", "REFUTED": "refutes"}[result["verdict"]]
        )
    scores = [e["score"] for e in result["evidence"]]
    assert scores == sorted(scores, reverse=True)
    for ev in result["evidence"]:
        assert set(ev) == EVIDENCE_KEYS
        assert ev["stance"] in ("supports", "refutes", "neutral")
        assert abs(ev["p_supports"] + ev["p_refutes"] + ev["p_neutral"] - 1) < 1e-3
        assert wb.document(ev["doc_id"]).text[ev["start"] : ev["end"]] == ev["sentence"]


def test_evidence_fields_match_the_contract():
    assert set(EVIDENCE_FIELDS) == EVIDENCE_KEYS


def test_check_contract_with_tiny_model(seed_index_master, tiny_stance):
    with Workbench.open(seed_index_master, stance_model=str(tiny_stance)) as wb:
        result = wb.check(SEED_CLAIM, top_k=5, claim_id="c1")
        assert isinstance(result, CheckResult) and isinstance(result.evidence[0], Evidence)
        assert result.id == "c1" and len(result.evidence) == 5
        assert_contract(result.to_dict(), wb)
        assert wb.db_path.name == "workbench.db" and wb.db_path.exists()


def test_check_many_matches_check(seed_index_master, tiny_stance):
    claims = [
        {"id": "a", "claim": SEED_CLAIM},
        "At least 32 people were killed.",
        {"id": "e", "claim": "   "},
        {"id": "d", "claim": "Ceasefire", "date": "2023-13-45"},
    ]
    calls = []
    with Workbench.open(seed_index_master, stance_model=str(tiny_stance)) as wb:
        results = list(wb.check_many(claims, top_k=4, progress_callback=lambda *a: calls.append(a)))
        single = wb.check(SEED_CLAIM, top_k=4, claim_id="a")
    assert [r.id for r in results] == ["a", "2", "e", "d"]
    assert results[0].verdict == single.verdict
    assert [e.sentence for e in results[0].evidence] == [e.sentence for e in single.evidence]
    for batched, alone in zip(results[0].evidence, single.evidence):
        assert batched.p_supports == pytest.approx(alone.p_supports, abs=1e-3)
    assert results[2].error and "empty" in results[2].error and results[2].evidence == []
    assert results[3].error and "2023-13-45" in results[3].error
    assert calls[-1][:2] == (4, 4)


def test_bad_inputs_raise_one_sentence(seed_index_master, tiny_stance):
    with Workbench.open(seed_index_master, stance_model=str(tiny_stance)) as wb:
        for kwargs in (
            {"claim": ""},
            {"claim": "x", "date": "13/11/2023"},
            {"claim": "x", "top_k": 0},
        ):
            with pytest.raises(WorkbenchError) as info:
                wb.check(**kwargs)
            assert "\n" not in str(info.value)


def test_check_without_stance_model_says_so(seed_index_master, monkeypatch, tmp_path):
    import workbench.pipeline.stance as stance

    monkeypatch.setattr(stance, "DEFAULT_STANCE_PATH", tmp_path / "none")
    with Workbench.open(seed_index_master) as wb:
        with pytest.raises(WorkbenchError, match="No stance model is installed"):
            wb.check(SEED_CLAIM)
        assert wb.search(SEED_CLAIM, top_k=1)  # retrieval still works


def test_add_progress_callback(tmp_path, embedder):
    (tmp_path / "a.txt").write_text("One.")
    (tmp_path / "b.txt").write_text("Two.")
    seen = []
    with Workbench.open(tmp_path / "ix") as wb:
        wb.add(
            [tmp_path / "a.txt", tmp_path / "b.txt"], progress_callback=lambda *a: seen.append(a)
        )
    assert [s[:2] for s in seen] == [(1, 2), (2, 2)]


def test_empty_index_builds_itself_from_its_sources(tmp_path, embedder, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Workbench.open("ix") as wb:
        assert wb.build_from_sources() is None  # no sources folder: nothing to do
    (tmp_path / "ix" / "sources").mkdir()
    (tmp_path / "ix" / "sources" / "a.txt").write_text("The lighthouse was built in 1850.")
    announced = []
    with Workbench.open("ix") as wb:
        report = wb.build_from_sources(announce=announced.append)
        assert report.added == ["ix/sources/a.txt"] and announced == [wb.index_dir / "sources"]
        assert wb.build_from_sources(announce=announced.append) is None  # not empty any more
        assert len(announced) == 1


def test_ui_start_leaves_building_to_the_engine(tmp_path, monkeypatch):
    from workbench.ui import server

    calls = []
    monkeypatch.setattr(Workbench, "build_from_sources", lambda self, **kw: calls.append(kw))
    server.open_index(tmp_path / "ix").close()
    assert len(calls) == 1 and calls[0]["progress"] is True


def test_saved_params_are_the_index_own(seed_index, tiny_stance):
    import sqlite3

    from workbench.pipeline.verdict import DEFAULT_PARAMS, VerdictParams

    strict = VerdictParams(min_relevance=0.3, full_relevance=0.6, decide=1.01, conflict=1.01)
    with Workbench.open(seed_index, stance_model=str(tiny_stance)) as wb:
        assert wb.params == DEFAULT_PARAMS
        wb.save_params(strict, {"tuned_on": "a test"})
    with Workbench.open(seed_index, stance_model=str(tiny_stance)) as wb:
        assert wb.params == strict
        info = wb.stats()["verdict_params"]
        assert info["source"] == "saved in the index"
        assert info["provenance"] == {"tuned_on": "a test"}
        # nothing can reach decide = 1.01: every verdict is NOT_ENOUGH_INFO
        assert wb.check(SEED_CLAIM).verdict == "NOT_ENOUGH_INFO"
        wb.reset_params()
        assert wb.params == DEFAULT_PARAMS
    with Workbench.open(seed_index) as wb:
        assert wb.stats()["verdict_params"]["source"] == "built-in defaults"
        wb.save_params(strict)
    db = sqlite3.connect(seed_index / "workbench.db")
    with db:
        db.execute("UPDATE meta SET value = '{broken' WHERE key = 'setting:verdict_params'")
    db.close()
    with pytest.raises(WorkbenchError, match="index params --reset"):
        Workbench.open(seed_index)
    from click.testing import CliRunner

    from workbench.cli import main

    fixed = CliRunner().invoke(main, ["index", "params", "--reset", "--index", str(seed_index)])
    assert fixed.exit_code == 0 and "built-in defaults" in fixed.output, fixed.output
    with Workbench.open(seed_index) as wb:
        assert wb.params == DEFAULT_PARAMS
