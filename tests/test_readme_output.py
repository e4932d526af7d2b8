"""The README's example output is what the program prints: the tour's `workbench check`, run
as written on a fresh index of the default corpus with the shipped models.

When a change moves these figures on purpose, paste the new output into the README block that
follows the marker comment.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

MARKER = "<!-- output of: "


def _readme_examples() -> list[tuple[str, str]]:
    """(command, expected output) for every marked ```text block of the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pattern = re.escape(MARKER) + r"(.+?) -->\n+```text\n(.*?)```"
    return [(m.group(1), m.group(2)) for m in re.finditer(pattern, text, re.S)]


def test_the_readme_shows_an_example_output():
    assert _readme_examples(), f"the README has no {MARKER!r} block"


def test_the_readme_example_output_is_the_real_output(tmp_path):
    index = tmp_path / "index"
    cli = [str(Path(sys.executable).with_name("workbench"))]  # the console script, as typed
    built = subprocess.run(
        [*cli, "index", "add", "index/sources", "--index", str(index)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    for command, expected in _readme_examples():
        words = command.split(" ", 1)
        assert words[0] == "workbench", command
        args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', words[1])]
        run = subprocess.run(
            [*cli, *args, "--index", str(index)], cwd=ROOT, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout == expected, f"README output of `{command}` is out of date"
