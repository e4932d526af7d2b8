"""The command line, through click's CliRunner (same process, shared model cache)."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from workbench.cli import main

from .conftest import ROOT, SEED_CLAIM, SEED_DIR

CLAIMS = ROOT / "claims" / "karabakh.csv"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_index_add_twice_changes_nothing(run, tmp_path, embedder):
    ix = tmp_path / "ix"
    first = run("index", "add", SEED_DIR, "--index", ix, "--json")
    assert first.exit_code == 0, first.output
    assert len(json.loads(first.stdout)["added"]) == 1
    before = (ix / "vectors.faiss").stat().st_mtime_ns, (ix / "manifest.json").read_text()
    second = run("index", "add", SEED_DIR, "--index", ix, "--json")
    report = json.loads(second.stdout)
    assert second.exit_code == 0 and report["added"] == [] and len(report["unchanged"]) == 1
    assert ((ix / "vectors.faiss").stat().st_mtime_ns, (ix / "manifest.json").read_text()) == before
    plain = run("index", "add", SEED_DIR, "--index", ix)
    assert "0 added, 0 updated, 1 unchanged" in plain.stdout


def test_index_list_stats_remove(run, seed_index):
    listing = json.loads(run("index", "list", "--index", seed_index, "--json").stdout)
    assert len(listing) == 1 and listing[0]["date"] == "2023-11-13"
    doc_id = listing[0]["doc_id"]
    assert doc_id in run("index", "list", "--index", seed_index).stdout
    stats = json.loads(run("index", "stats", "--index", seed_index, "--json").stdout)
    assert stats["documents"] == 1 and stats["sentences"] == 19
    assert stats["vector_index"]["type"] == "flat"
    removed = run("index", "remove", doc_id, "--index", seed_index, "--json")
    assert json.loads(removed.stdout) == {"doc_id": doc_id, "removed": True}
    again = run("index", "remove", doc_id, "--index", seed_index)
    assert again.exit_code == 1 and "No document with id" in again.stderr


def test_add_reports_bad_files_and_exits_1(run, tmp_path, embedder):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.txt").write_text("Fine text.")
    (tmp_path / "docs" / "bad.pdf").write_bytes(b"not a pdf")
    result = run("index", "add", tmp_path / "docs", "--index", tmp_path / "ix")
    assert result.exit_code == 1
    assert "1 added" in result.stdout and "bad.pdf" in result.stderr
    assert "Traceback" not in result.output


def test_errors_are_one_line_without_traceback(run, tmp_path, seed_index):
    missing = run("index", "list", "--index", tmp_path / "nope")
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: No index found")
    empty = run("check", "  ", "--index", seed_index)
    assert empty.exit_code == 1 and "claim is empty" in empty.stderr
    mismatch = run("index", "add", SEED_DIR, "--index", seed_index, "--model", "other/model")
    assert mismatch.exit_code == 1 and "all-MiniLM-L6-v2" in mismatch.stderr
    for result in (missing, empty, mismatch):
        assert "Traceback" not in result.output and result.stderr.count("\n") == 1


def test_check_without_stance_model(run, seed_index, monkeypatch, tmp_path):
    import workbench.pipeline.stance as stance

    monkeypatch.setattr(stance, "DEFAULT_STANCE_PATH", tmp_path / "none")
    result = run("check", SEED_CLAIM, "--index", seed_index)
    assert result.exit_code == 1
    assert "No stance model is installed" in result.stderr and "--stance-model" in result.stderr
    assert result.stdout == ""


def test_check_json_and_text(run, seed_index, tiny_stance):
    result = run(
        "check",
        SEED_CLAIM,
        "--index",
        seed_index,
        "--stance-model",
        tiny_stance,
        "--json",
        "--top-k",
        "3",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {
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
    assert payload["confidence_calibrated"] is False  # a fresh index has no calibration
    assert payload["date"] is None
    assert len(payload["evidence"]) == 3
    text = run("check", SEED_CLAIM, "--index", seed_index, "--stance-model", tiny_stance)
    assert "Verdict:" in text.stdout and "2023-11-13" in text.stdout
    bad_date = run("check", SEED_CLAIM, "--index", seed_index, "--date", "yesterday")
    assert bad_date.exit_code == 1 and "YYYY-MM-DD" in bad_date.stderr


def test_results_say_which_claim_date_they_assumed(run, seed_index, tiny_stance, tmp_path):
    dated = run(
        "check", SEED_CLAIM, "--index", seed_index, "--stance-model", tiny_stance,
        "--date", "2024-01-31", "--json",
    )  # fmt: skip
    assert dated.exit_code == 0, dated.output
    assert json.loads(dated.stdout)["date"] == "2024-01-31"
    claims = tmp_path / "claims.csv"
    claims.write_text(f"id,claim,date\na,{SEED_CLAIM},2024-01-31\nb,{SEED_CLAIM},\n")
    out = tmp_path / "results.jsonl"
    result = run(
        "verify", str(claims), "-o", str(out), "--index", seed_index,
        "--stance-model", tiny_stance, "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["date"]) for r in rows] == [("a", "2024-01-31"), ("b", None)]


def test_verify_resumes_after_truncation(run, seed_index, tiny_stance, tmp_path):
    out = tmp_path / "results.jsonl"
    args = (
        "verify",
        CLAIMS,
        "-o",
        out,
        "--index",
        seed_index,
        "--stance-model",
        tiny_stance,
        "--top-k",
        "3",
        "--quiet",
    )
    first = run(*args)
    assert first.exit_code == 0, first.output
    lines = out.read_text().splitlines()
    n_claims = len(list(csv.DictReader(CLAIMS.open())))
    assert len(lines) == n_claims >= 20
    ids = [json.loads(line)["id"] for line in lines]
    assert ids[0] == "k01"
    # simulate a kill: drop the last 3 results and cut the next one mid-line
    kept = "\n".join(lines[:-4]) + "\n" + lines[-4][: len(lines[-4]) // 2]
    out.write_text(kept)
    second = run(*args)
    assert second.exit_code == 0, second.output
    assert "Resuming" in second.stderr
    again = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in again] == ids
    third = run(*args)
    assert "0 to go" in third.stderr and len(out.read_text().splitlines()) == n_claims


def test_verify_csv_format(run, seed_index, tiny_stance, tmp_path):
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        json.dumps({"id": 1, "claim": SEED_CLAIM, "date": "2023-12-01"})
        + "\n"
        + json.dumps({"claim": "Karabakh forces agreed to a ceasefire."})
        + "\n"
        + json.dumps({"id": "empty", "claim": ""})
        + "\n"
    )
    out = tmp_path / "results.csv"
    result = run(
        "verify", claims, "-o", out, "--index", seed_index, "--stance-model", tiny_stance, "--quiet"
    )
    assert result.exit_code == 1 and "Claim empty" in result.stderr
    rows = list(csv.DictReader(out.open()))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["sentence"] and rows[0]["verdict"] and int(rows[0]["n_evidence"]) == 10
    rerun = run(
        "verify",
        claims,
        "-o",
        out,
        "--index",
        seed_index,
        "--stance-model",
        tiny_stance,
        "--quiet",
        "--format",
        "csv",
    )
    assert len(list(csv.DictReader(out.open()))) == 2 and "2 claims already" in rerun.stderr


def test_verify_bad_claims_file(run, seed_index, tmp_path):
    bad = tmp_path / "claims.csv"
    bad.write_text("id,text\n1,hello\n")
    result = run("verify", bad, "-o", tmp_path / "o.jsonl", "--index", seed_index)
    assert result.exit_code == 1 and "no 'claim' column" in result.stderr


def _summary_lines(stderr: str) -> list[str]:
    return stderr[stderr.index("Summary of") :].splitlines()


def _count_rows(lines: list[str]) -> dict[str, int]:
    names = ("SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO", "skipped")
    rows = {}
    for line in lines[1:6]:
        name, n = line.split()
        rows[name] = int(n)
    assert tuple(rows) == names
    return rows


def test_verify_summary_without_labels(run, seed_index, tiny_stance, tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text(f"id,claim\na,{SEED_CLAIM}\nb,Karabakh forces agreed to a ceasefire.\n")
    out = tmp_path / "results.jsonl"
    args = ("verify", claims, "-o", out, "--index", seed_index, "--stance-model", tiny_stance)
    result = run(*args, "--quiet")  # --quiet hides the progress bar, not the summary
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = _summary_lines(result.stderr)
    assert lines[0] == f"Summary of {out} (2 results in all):"
    verdicts = [json.loads(line)["verdict"] for line in out.read_text().splitlines()]
    rows = _count_rows(lines)
    assert rows == {
        **{v: verdicts.count(v) for v in ("SUPPORTED", "REFUTED", "CONFLICTING")},
        "NOT_ENOUGH_INFO": verdicts.count("NOT_ENOUGH_INFO"),
        "skipped": 0,
    }
    assert "Gold labels" not in result.stderr and "Confusion" not in result.stderr
    assert len(lines) == 6


def test_verify_summary_with_gold_labels_and_resume(run, seed_index, tiny_stance, tmp_path):
    from workbench.evaluation.datasets import ALL_LABELS, LABELS

    labelled = [
        ("a", SEED_CLAIM, "SUPPORTS", "SUPPORTED"),
        ("b", "Karabakh forces agreed to a ceasefire.", "refuted", "REFUTED"),
        ("c", "Armenia sent troops to Karabakh.", "NOT ENOUGH INFO", "NOT_ENOUGH_INFO"),
        ("d", "Azerbaijan launched an operation in Karabakh.", "Disputed", "CONFLICTING"),
        ("e", "Russian peacekeepers are in Karabakh.", "maybe", None),
        ("f", "Baku demands the withdrawal of Armenian forces.", None, None),
    ]
    claims = tmp_path / "claims.jsonl"
    lines = [json.dumps({"id": i, "claim": c, "label": lab}) for i, c, lab, _ in labelled]
    lines.append(json.dumps({"id": "empty", "claim": "", "label": "SUPPORTED"}))
    claims.write_text("\n".join(lines) + "\n")
    out = tmp_path / "results.csv"
    args = ("verify", claims, "-o", out, "--index", seed_index, "--stance-model", tiny_stance)
    first = run(*args, "--quiet")
    assert first.exit_code == 1 and "Claim empty" in first.stderr  # the empty claim: skipped
    predicted = {r["id"]: r["verdict"] for r in csv.DictReader(out.open())}
    assert len(predicted) == 6
    gold = {i: g for i, _, _, g in labelled if g}
    scored = [i for i, g in gold.items() if g in LABELS]
    correct = sum(predicted[i] == gold[i] for i in scored)
    expected = [
        f"Gold labels for 4 of them: accuracy {correct / 3:.3f} ({correct} of 3 right); "
        "1 gold CONFLICTING claim in the matrix only.",
        "Confusion matrix (rows gold, columns predicted):",
    ]
    for rerun in (False, True):
        if rerun:  # keep two results: the rerun checks four claims, the summary counts all six
            kept = out.read_text().splitlines()[:3]
            out.write_text("\n".join(kept) + "\n")
            result = run(*args, "--quiet")
            assert "Resuming: 2 claims already" in result.stderr
            assert "Wrote 4 results" in result.stderr
        else:
            result = first
        summary = _summary_lines(result.stderr)
        assert summary[0] == f"Summary of {out} (6 results in all):"
        rows = _count_rows(summary)
        assert rows["skipped"] == 1
        assert sum(rows.values()) == 7
        assert "1 claim with label 'maybe' left out of the score" in summary[6]
        assert summary[7:9] == expected
        header = summary[9].split()
        assert header == list(ALL_LABELS)
        for label, line in zip(ALL_LABELS, summary[10:14], strict=True):
            cells = line.split()
            assert cells[0] == label
            want = [sum(gold[i] == label and predicted[i] == p for i in gold) for p in ALL_LABELS]
            assert [int(c) for c in cells[1:]] == want
        assert "Error: 1 claims could not be checked" in summary[14]
