"""Project-level promises: dependency pins, packaged styles, lint rules that are really on."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version

from packaging.requirements import Requirement

from .conftest import ROOT

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # no tomllib on 3.10


def test_gradio_pin_excludes_versions_without_the_arguments_the_ui_uses():
    """The UI uses api_visibility=, footer_links= and gr.api (Gradio 6)."""
    (spec,) = [Requirement(r) for r in re.findall(r'"(gradio[^"]*)"', PYPROJECT)]
    assert not spec.specifier.contains("4.44.1") and not spec.specifier.contains("5.49.1")
    assert spec.specifier.contains(version("gradio"))


def test_styles_are_package_data():
    assert re.search(r'^workbench = \[.*"ui/\*\.css".*\]$', PYPROJECT, re.MULTILINE)
    assert (ROOT / "workbench" / "ui" / "styles.css").read_text().count(".wb-") > 20


def test_noqa_ble001_markers_are_enforced():
    """`# noqa: BLE001` only means something when ruff checks BLE001."""
    code = "try:\n    pass\nexcept Exception:\n    pass\n"
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--stdin-filename", "workbench/x.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "BLE001" in result.stdout


def test_ci_runs_ruff_before_the_tests():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    pytest_line = lines.index("python -m pytest -q")
    assert lines.index("ruff check .") < pytest_line
    assert lines.index("ruff format --check .") < pytest_line


def test_reviews_work_on_python_3_10(tmp_path):
    """datetime.UTC exists from 3.11 only; pyproject promises 3.10."""
    code = (
        "import datetime\n"
        "del datetime.UTC\n"
        "from workbench.reviews.store import ReviewStore\n"
        f"store = ReviewStore({str(tmp_path / 'r.db')!r})\n"
        "review = store.save(claim='c', reviewer='r', final_verdict='SUPPORTED')\n"
        "assert review.created_at.endswith('Z')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
