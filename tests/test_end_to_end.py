"""End to end with the shipped stance model (skipped, with the reason shown, until it exists)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from workbench import Workbench

from .conftest import ROOT, SEED_CLAIM, SEED_DIR, YEREVAN_TAIL


def test_seed_claim_is_supported_with_the_yerevan_sentence(seed_index_master, shipped_stance_model):
    with Workbench.open(seed_index_master) as wb:
        result = wb.check(SEED_CLAIM)
        assert result.verdict == "SUPPORTED"
        supporting = [e for e in result.evidence if e.stance == "supports"]
        match = [e for e in supporting if e.sentence.endswith(YEREVAN_TAIL)]
        assert match, [e.sentence for e in result.evidence[:3]]
        text = wb.document(match[0].doc_id).text
        assert text[match[0].start : match[0].end] == match[0].sentence


def test_cli_on_a_fresh_index(tmp_path, shipped_stance_model):
    """The issue's acceptance command, run as a user would (subprocess, fresh index)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    cli = [sys.executable, "-m", "workbench.cli"]
    ix = str(tmp_path / "ix")
    subprocess.run(
        [*cli, "index", "add", str(SEED_DIR), "--index", ix],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    proc = subprocess.run(
        [*cli, "check", SEED_CLAIM, "--json", "--index", ix],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["verdict"] == "SUPPORTED"
    evidence = [
        e
        for e in payload["evidence"]
        if e["stance"] == "supports" and e["sentence"].endswith(YEREVAN_TAIL)
    ]
    assert evidence
    with Workbench.open(ix) as wb:
        text = wb.document(evidence[0]["doc_id"]).text
    assert text[evidence[0]["start"] : evidence[0]["end"]] == evidence[0]["sentence"]
