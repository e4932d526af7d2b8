"""The README stays short and the documentation stays connected: no model, no index, no network.

CI runs the README's first two commands, so they are pinned here byte for byte; every relative
link (and `#anchor`, by GitHub's heading slugs) in README.md and docs/*.md must resolve, and
every docs page must be reachable from the README.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
MAX_README_LINES = 300

# The first two ```bash blocks of the README: the setup + verify command and the setup + test
# command (.ci/run runs the second one's steps). Change them only together with CI.
SETUP_AND_VERIFY = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install torch==2.13.0 && "
    "pip install -e . && workbench index add index/sources && "
    "workbench verify claims/karabakh.csv -o results.jsonl"
)
SETUP_AND_TEST = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install torch==2.13.0 && "
    "pip install -e '.[test]' && python -m pytest -q"
)

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def prose(text: str) -> str:
    """The text outside code blocks and code spans (where links and headings are real)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text, lowercased, punctuation (except - and _)
    dropped, spaces turned into hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text only
    text = re.sub(r"[`*~]|</?[a-zA-Z][^>]*>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a page, repeated headings numbered as GitHub does (-1, -2)."""
    seen: dict[str, int] = {}
    found = set()
    for _, heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def links(path: Path) -> list[str]:
    return LINK.findall(prose(path.read_text(encoding="utf-8")))


def is_external(target: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target))


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"^```bash\n(.*?)\n```$", text, re.MULTILINE | re.DOTALL)


def test_the_readme_is_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; move detail into docs/"


def test_the_first_two_commands_are_the_ones_ci_runs():
    text = README.read_text(encoding="utf-8")
    assert bash_blocks(text)[:2] == [SETUP_AND_VERIFY, SETUP_AND_TEST]
    after = text.split(f"```bash\n{SETUP_AND_TEST}\n```\n", 1)[1].lstrip("\n")
    assert after.startswith("(`pip install torch==2.13.0` comes first so that the CPU build")


def test_ci_runs_the_readme_test_command():
    ci_lines = [line for line in (ROOT / ".ci/run").read_text().splitlines() if line.strip()]
    assert ci_lines[-1].strip() == SETUP_AND_TEST.split(" && ")[-1] == "python -m pytest -q"


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page):
    broken = []
    for target in links(page):
        if is_external(target):
            continue
        file_part, _, fragment = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif fragment and dest.suffix == ".md" and fragment not in anchors(dest):
            broken.append(f"{target} (no heading #{fragment} in {dest.name})")
    assert broken == []


def test_every_docs_page_is_linked_from_the_readme():
    linked = {
        (ROOT / target.partition("#")[0]).resolve()
        for target in links(README)
        if not is_external(target) and target.partition("#")[0]
    }
    unlinked = [p.name for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked]
    assert unlinked == []


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_every_docs_page_links_back_to_the_readme(page):
    assert any((page.parent / t.partition("#")[0]).resolve() == README for t in links(page))


def test_the_link_checker_sees_links_and_slugs():
    assert slug("Index layout and durability") == "index-layout-and-durability"
    assert slug("The `verify` command: what (and why)?") == "the-verify-command-what-and-why"
    assert slug("BM25 engine") == "bm25-engine"
    assert LINK.findall("see [a](docs/x.md#y) and ![i](p.png) but not `[c](d.md)`") == [
        "docs/x.md#y",
        "p.png",
        "d.md",
    ]
    assert LINK.findall(prose("see [a](x.md) but not `[c](d.md)`")) == ["x.md"]
