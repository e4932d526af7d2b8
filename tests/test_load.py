"""The load test (benchmarks/load_test.py), scaled down for CI: 10 concurrent reviewers against
the real app while documents are added; no errors, every review stored, added documents found.
The full run (10 clients x 100 checks) is `python benchmarks/load_test.py`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workbench.pipeline.stance import DEFAULT_STANCE_PATH

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_ten_reviewers_while_documents_are_added(tmp_path, tiny_stance):
    out = tmp_path / "load.json"
    cmd = [
        sys.executable,
        str(ROOT / "benchmarks" / "load_test.py"),
        "--clients", "10",
        "--checks", "4",
        "--adds", "4",
        "--add-interval", "2",
        "--solo", "3",
        "--timeout", "400",
        "--json", str(out),
    ]  # fmt: skip
    if not (DEFAULT_STANCE_PATH / "config.json").exists():
        cmd += ["--stance-model", str(tiny_stance)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert out.exists(), proc.stdout + proc.stderr
    report = json.loads(out.read_text())
    assert report["errors"] == 0, report["error_samples"]
    assert report["checks_done"] == report["checks_expected"] == 40
    assert report["reviews_acknowledged"] == 40 and report["reviews_lost"] == 0
    assert report["reviews_stored"] >= 40
    assert report["documents_added_under_load"] == 4
    assert report["integrity_check"] == "ok"
    assert report["latency_ms"]["p95"] > 0
    assert report["ok"] and proc.returncode == 0
